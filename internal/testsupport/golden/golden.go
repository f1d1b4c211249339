// Package golden compares test output with committed files under testdata. Run the tests
// with UPDATE_GOLDEN=1 to rewrite the files, then review the diff like any code change.
package golden

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/pmezard/go-difflib/difflib"
)

// Updating reports whether this run rewrites the golden files (UPDATE_GOLDEN=1).
func Updating() bool { return os.Getenv("UPDATE_GOLDEN") == "1" }

// Assert fails t unless got equals the file at path, showing a unified diff; with
// UPDATE_GOLDEN=1 it writes got.
func Assert(t testing.TB, path string, got []byte) {
	t.Helper()
	if Updating() {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("reading golden file %s: %v (run the tests with UPDATE_GOLDEN=1 to create it)", path, err)
	}
	if string(want) != string(got) {
		diff, _ := difflib.GetUnifiedDiffString(difflib.UnifiedDiff{
			A: difflib.SplitLines(string(want)), B: difflib.SplitLines(string(got)),
			FromFile: path, ToFile: "output", Context: 3,
		})
		t.Errorf("%s differs from the output; if the change is intended, run the tests with UPDATE_GOLDEN=1 and review the diff.\n%s", path, diff)
	}
}

// Stale fails t for every file matching pattern that is not in keep (golden files of
// stacks that no longer exist); with UPDATE_GOLDEN=1 it removes them.
func Stale(t testing.TB, pattern string, keep []string) {
	t.Helper()
	files, err := filepath.Glob(pattern)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if slices.Contains(keep, f) {
			continue
		}
		if Updating() {
			if err := os.Remove(f); err != nil {
				t.Fatal(err)
			}
			continue
		}
		t.Errorf("%s is the golden file of a stack that no longer exists; UPDATE_GOLDEN=1 removes it", f)
	}
}
