package golden

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// recorder keeps what a test would report.
type recorder struct {
	testing.TB
	errors []string
}

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, args ...any) {
	r.errors = append(r.errors, sprintf(format, args...))
}

func sprintf(format string, args ...any) string {
	return fmt.Sprintf(format, args...)
}

func TestAssertShowsAUnifiedDiff(t *testing.T) {
	t.Setenv("UPDATE_GOLDEN", "")
	path := filepath.Join(t.TempDir(), "plan.md")
	require.NoError(t, os.WriteFile(path, []byte("a\nb\nc\n"), 0o644))
	r := &recorder{TB: t}
	Assert(r, path, []byte("a\nB\nc\n"))
	require.Len(t, r.errors, 1)
	assert.Contains(t, r.errors[0], "-b\n+B")
	assert.NotContains(t, r.errors[0], "--- want", "a diff, not two whole files")

	r = &recorder{TB: t}
	Assert(r, path, []byte("a\nb\nc\n"))
	assert.Empty(t, r.errors)
}

func TestStaleGoldens(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{"urns-staging.txt", "urns-old.txt"} {
		require.NoError(t, os.WriteFile(filepath.Join(dir, f), nil, 0o644))
	}
	keep := []string{filepath.Join(dir, "urns-staging.txt")}
	t.Setenv("UPDATE_GOLDEN", "")
	r := &recorder{TB: t}
	Stale(r, filepath.Join(dir, "urns-*.txt"), keep)
	require.Len(t, r.errors, 1)
	assert.Contains(t, r.errors[0], "urns-old.txt")

	t.Setenv("UPDATE_GOLDEN", "1")
	Stale(t, filepath.Join(dir, "urns-*.txt"), keep)
	assert.NoFileExists(t, filepath.Join(dir, "urns-old.txt"))
	assert.FileExists(t, keep[0])
}
