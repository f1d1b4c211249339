package scripts_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
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
