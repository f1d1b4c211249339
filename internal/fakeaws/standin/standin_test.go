package standin

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/secure-aws/secure-aws/internal/fakeaws/oplog"
	"github.com/secure-aws/secure-aws/internal/fakeaws/world"
)

// repoRoot is the root module's directory.
var repoRoot = filepath.Join("..", "..", "..")

// TestNotInstallable: `go install ./...` of the root module installs every main package
// `go list ./...` lists; the stand-in is none of them, and it does not build without its tag.
func TestNotInstallable(t *testing.T) {
	list := exec.Command("go", "list", "-f", "{{.Name}} {{.ImportPath}}", "./...")
	list.Dir = repoRoot
	out, err := list.Output()
	require.NoError(t, err)
	mains := 0
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		name, path, _ := strings.Cut(line, " ")
		if name == "main" {
			mains++
			assert.NotEqual(t, "pulumi-resource-aws", filepath.Base(path), "go install ./... would put the stand-in on PATH")
		}
	}
	require.NotZero(t, mains, "the listing holds the module's commands")

	build := exec.Command("go", "build", "-o", filepath.Join(t.TempDir(), "pulumi-resource-aws"), "./internal/fakeaws/pulumi-resource-aws")
	build.Dir = repoRoot
	msg, err := build.CombinedOutput()
	assert.Error(t, err, "the stand-in builds only with -tags %s", StandInTag)
	assert.Contains(t, string(msg), "build constraints exclude all Go files")
}

// TestRefusal: the stand-in starts only for a test, which names its world or its log.
func TestRefusal(t *testing.T) {
	env := func(vars map[string]string) func(string) string {
		return func(k string) string { return vars[k] }
	}
	err := Refusal(env(nil))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "a test double")
	assert.Contains(t, err.Error(), "pulumi plugin install resource aws "+version)
	assert.NoError(t, Refusal(env(map[string]string{world.EnvVar: "/tmp/world.json"})))
	assert.NoError(t, Refusal(env(map[string]string{oplog.EnvVar: "/tmp/ops.jsonl"})))
}
