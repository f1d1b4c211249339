package scripts_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// pinTests lists the tests that write a pin per stack file, by package directory: those
// whose body calls golden.Stale (it removes the pins of a stack file that is gone).
func pinTests(t *testing.T, root string) map[string][]string {
	t.Helper()
	found := map[string][]string{}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".")) && path != root {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, "_test.go") {
			return nil
		}
		file, err := parser.ParseFile(token.NewFileSet(), path, nil, 0)
		if err != nil {
			return err
		}
		for _, decl := range file.Decls {
			fn, ok := decl.(*ast.FuncDecl)
			if !ok || fn.Body == nil {
				continue
			}
			ast.Inspect(fn.Body, func(n ast.Node) bool {
				if sel, ok := n.(*ast.SelectorExpr); ok && sel.Sel.Name == "Stale" {
					if pkg, ok := sel.X.(*ast.Ident); ok && pkg.Name == "golden" {
						dir, _ := filepath.Rel(root, filepath.Dir(path))
						found["./"+filepath.ToSlash(dir)] = append(found["./"+filepath.ToSlash(dir)], fn.Name.Name)
						return false
					}
				}
				return true
			})
		}
		return nil
	})
	require.NoError(t, err)
	return found
}

// TestLoopRegeneratesEveryStackPin: scripts/loop.sh regenerates every pin the tests hold
// for the stack files, so a pin test added later (one that calls golden.Stale) must be in
// its list, or the edit loop would leave that pin stale and the tests red.
func TestLoopRegeneratesEveryStackPin(t *testing.T) {
	script, err := os.ReadFile("loop.sh")
	require.NoError(t, err)
	tests := regexp.MustCompile(`(?m)^pin_tests='([^']+)'$`).FindSubmatch(script)
	packages := regexp.MustCompile(`(?m)^pin_packages=\(([^)]+)\)$`).FindSubmatch(script)
	require.NotNil(t, tests, "loop.sh sets pin_tests='REGEXP'")
	require.NotNil(t, packages, "loop.sh sets pin_packages=(./DIR ...)")
	run := regexp.MustCompile(string(tests[1]))
	listed := strings.Fields(string(packages[1]))

	found := pinTests(t, "..")
	require.NotEmpty(t, found, "the tests that pin stack files were found")
	for dir, names := range found {
		assert.Contains(t, listed, dir, "loop.sh's pin_packages lacks %s, whose %v pin the stack files", dir, names)
		for _, name := range names {
			assert.True(t, run.MatchString(name), "loop.sh's pin_tests does not run %s (%s)", name, dir)
		}
	}
	for _, dir := range listed {
		assert.Contains(t, found, dir, "loop.sh runs %s, where no test pins the stack files", dir)
	}
	assert.False(t, slices.ContainsFunc([]string{"TestGoldenPlansX", "TestSomethingElse"}, run.MatchString), "pin_tests is anchored")
}

// TestLoopShowsWhatTheDeployChanges: the edit loop compares the stack files with the last
// commit as a pull request's check does (plan-diff.sh with HEAD as the base): a renamed
// bucket is a protected deletion, so the loop prints where the deploy would stop and exits
// 4, not a line diff and 0.
func TestLoopShowsWhatTheDeployChanges(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the loop (builds cmd/plan and the pin tests) in a copy of the repository")
	}
	dir := checkout(t)
	git := func(args ...string) {
		t.Helper()
		cmd := exec.Command("git", append([]string{"-c", "user.name=t", "-c", "user.email=t@example.com", "-C", dir}, args...)...)
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, string(out))
	}
	git("init", "-q")
	git("add", "-A")
	git("commit", "-q", "-m", "base")
	staging := filepath.Join(dir, "Pulumi.staging.yaml")
	b, err := os.ReadFile(staging)
	require.NoError(t, err)
	require.Contains(t, string(b), "acme-assets-staging")
	require.NoError(t, os.WriteFile(staging, []byte(strings.ReplaceAll(string(b), "acme-assets-staging", "acme-other-staging")), 0o644))

	cmd := exec.Command("bash", "scripts/loop.sh")
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	require.ErrorAs(t, err, &exit, string(out))
	assert.Equal(t, 4, exit.ExitCode(), string(out))
	text := string(out)
	assert.Contains(t, text, "**The deploy would stop**")
	assert.Contains(t, text, "- delete `aws:s3/bucketV2:BucketV2` `acme-assets-staging-bucket`")
	assert.Less(t, strings.Index(text, "**The deploy would stop**"), strings.Index(text, "~~~diff"), "the summary comes before the line diff")
}
