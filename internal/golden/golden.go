// Package golden compares test output with committed files under testdata. Run the tests
// with UPDATE_GOLDEN=1 to rewrite the files, then review the diff like any code change.
package golden

import (
	"os"
	"path/filepath"
	"testing"
)

// Assert fails t unless got equals the file at path; with UPDATE_GOLDEN=1 it writes got.
func Assert(t testing.TB, path string, got []byte) {
	t.Helper()
	if os.Getenv("UPDATE_GOLDEN") == "1" {
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
		t.Errorf("%s differs from the output; if the change is intended, run the tests with UPDATE_GOLDEN=1 and review the diff.\n--- want\n%s\n--- got\n%s", path, want, got)
	}
}
