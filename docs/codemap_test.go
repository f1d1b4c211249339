package docs_test

import (
	"os/exec"
	"path"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/secure-aws/secure-aws/internal/testsupport/fixtures"
)

const module = "github.com/secure-aws/secure-aws"

// codeMap reads the map of the code in docs/development.md: each package it names (a path
// relative to the repository, main.go for the root package) with its floor.
func codeMap(t *testing.T) map[string]string {
	t.Helper()
	row := regexp.MustCompile("^\\| (.+?) \\| (product|test support|tooling|pins) \\|")
	floors := map[string]string{}
	for _, line := range strings.Split(read(t, "docs/development.md"), "\n") {
		m := row.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		var last string
		for _, name := range regexp.MustCompile("`([^`]+)`").FindAllStringSubmatch(m[1], -1) {
			p := strings.TrimSuffix(name[1], "/")
			if strings.HasPrefix(p, "/") { // `/world` after `internal/testsupport/standin`
				p = path.Dir(last) + p
			}
			if p == "main.go" {
				p = ""
			}
			floors[p], last = m[2], p
		}
	}
	require.NotEmpty(t, floors, "docs/development.md has no map of the code")
	return floors
}

// TestCodeMapNamesEveryPackageAndItsFloor: the map of the code names every package of the
// module with its floor, and no product package imports a test-support one (its build
// imports, as `go list -deps` sees them, the stand-in provider's build tag included), so
// the tree tells a reader which is which and nothing a user runs carries a test double.
func TestCodeMapNamesEveryPackageAndItsFloor(t *testing.T) {
	floors := codeMap(t)
	cmd := exec.Command("go", "list", "-tags", "fakeaws", "-f", "{{.ImportPath}}{{range .Deps}} {{.}}{{end}}", "./...")
	cmd.Dir = fixtures.RepoRoot()
	out, err := cmd.Output()
	require.NoError(t, err)
	rel := func(p string) string { return strings.TrimPrefix(strings.TrimPrefix(p, module), "/") }
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		pkg := rel(fields[0])
		floor, ok := floors[pkg]
		if !assert.True(t, ok, "package %q is not in docs/development.md's map of the code", pkg) || floor != "product" {
			continue
		}
		for _, dep := range fields[1:] {
			if strings.HasPrefix(dep, module) {
				assert.NotEqual(t, "test support", floors[rel(dep)], "product package %q imports the test-support package %q", pkg, rel(dep))
			}
		}
	}
}
