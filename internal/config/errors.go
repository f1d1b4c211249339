package config

import (
	"fmt"
	"strings"
)

// Problem is one invalid setting: the full key and what is wrong and allowed.
type Problem struct {
	Key     string
	Message string
}

// Error lists every problem of one stack's configuration.
type Error struct {
	Stack     string
	StackFile string
	Problems  []Problem
}

// Add records one more problem under key.
func (e *Error) Add(key, format string, args ...any) { e.add(key, format, args...) }

func (e *Error) add(key, format string, args ...any) {
	e.Problems = append(e.Problems, Problem{Key: key, Message: fmt.Sprintf(format, args...)})
}

func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "invalid configuration of stack %q in %s; nothing was changed:", e.Stack, e.StackFile)
	for _, p := range e.Problems {
		fmt.Fprintf(&b, "\n  - %s: %s", p.Key, p.Message)
	}
	return b.String()
}
