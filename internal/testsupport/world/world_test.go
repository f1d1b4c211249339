package world

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// childEnv makes the test binary a writer process of TestChangeAcrossProcesses.
const childEnv = "WORLD_TEST_WRITER"

// changesPerWriter is how many resources each writer process adds, one Change each.
const changesPerWriter = 30

// TestChangeAcrossProcesses: two processes change the same world at once, as the
// provider processes of two regions do, while this one reads it without the lock as the
// tests do: every read is whole JSON, and no change overwrites another.
func TestChangeAcrossProcesses(t *testing.T) {
	if id := os.Getenv(childEnv); id != "" {
		path := os.Getenv(EnvVar)
		for i := range changesPerWriter {
			require.NoError(t, Change(path, func(rs []Resource) ([]Resource, error) {
				// A large world makes a torn write long enough to be seen.
				return append(rs, Resource{Type: "test", ID: fmt.Sprintf("%s-%d", id, i), Inputs: map[string]any{"pad": string(make([]byte, 4096))}}), nil
			}))
		}
		return
	}
	path := filepath.Join(t.TempDir(), "world.json")
	var writers []*exec.Cmd
	for _, id := range []string{"a", "b"} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestChangeAcrossProcesses$")
		cmd.Env = append(os.Environ(), childEnv+"="+id, EnvVar+"="+path)
		out := &bytes.Buffer{} // one writer at a time: os/exec copies both into it in one goroutine
		cmd.Stdout, cmd.Stderr = out, out
		t.Cleanup(func() {
			if t.Failed() {
				t.Logf("writer %s:\n%s", id, out)
			}
		})
		require.NoError(t, cmd.Start())
		writers = append(writers, cmd)
	}
	done := make(chan error, len(writers))
	for _, cmd := range writers {
		go func() { done <- cmd.Wait() }()
	}
	finished := 0
	t.Cleanup(func() { // a failed read stops the test: stop the writers it leaves running
		for _, cmd := range writers {
			_ = cmd.Process.Kill()
		}
		for ; finished < len(writers); finished++ {
			<-done
		}
	})
	reads := 0
	for finished < len(writers) {
		select {
		case err := <-done:
			finished++
			require.NoError(t, err, "a writer failed")
		default:
			_, err := Load(path) // no lock, as the tests read it
			require.NoError(t, err, "read %d saw a half-written world", reads)
			reads++
		}
	}
	rs, err := Read(path)
	require.NoError(t, err)
	assert.Len(t, rs, 2*changesPerWriter, "every change of both processes is kept")
	for _, id := range []string{"a", "b"} {
		for i := range changesPerWriter {
			assert.NotEqual(t, -1, Find(rs, "test", id+"-"+strconv.Itoa(i)))
		}
	}
	left, err := filepath.Glob(path + ".*.tmp")
	require.NoError(t, err)
	assert.Empty(t, left, "no temporary file is left behind")
	t.Logf("%d reads while the writers ran", reads)
}
