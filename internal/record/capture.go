package record

import (
	"sync"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Value is an output's value captured during a run, to be read after it.
type Value[T any] struct {
	out  pulumi.Output
	wg   sync.WaitGroup
	once sync.Once
	v    T
}

// Capture starts capturing o; call it inside the program body.
func Capture[T any](o pulumi.Output) *Value[T] {
	c := &Value[T]{out: o}
	c.wg.Add(1)
	o.ApplyT(func(v T) T {
		c.v = v
		c.once.Do(c.wg.Done)
		return v
	})
	return c
}

// Get returns the value, whether it resolved (unknown values never do during a preview)
// and whether it is a Pulumi secret. Call it after the run.
func (c *Value[T]) Get() (v T, known, secret bool) {
	done := make(chan struct{})
	go func() { c.wg.Wait(); close(done) }()
	select {
	case <-done:
		return c.v, true, pulumi.IsSecret(c.out)
	case <-time.After(5 * time.Second):
		return v, false, false
	}
}
