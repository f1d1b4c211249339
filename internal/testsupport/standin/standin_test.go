package standin

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/secure-aws/secure-aws/awstypes"
	"github.com/secure-aws/secure-aws/internal/awsmodel"
	"github.com/secure-aws/secure-aws/internal/testsupport/oplog"
	"github.com/secure-aws/secure-aws/internal/testsupport/world"
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

	build := exec.Command("go", "build", "-o", filepath.Join(t.TempDir(), "pulumi-resource-aws"), "./internal/testsupport/pulumi-resource-aws")
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

// TestCreateReplacesTheAccountsAlias: an account has one alias; creating another replaces
// it, as AWS and moto do, and creating the one it has fails with EntityAlreadyExists.
func TestCreateReplacesTheAccountsAlias(t *testing.T) {
	path := filepath.Join(t.TempDir(), "world.json")
	require.NoError(t, world.Save(path, []world.Resource{{Type: awstypes.AccountAlias, ID: "acme-old", Inputs: map[string]any{"accountAlias": "acme-old"}}}))
	s := &server{log: oplog.Writer(""), world: path, account: awsmodel.Account{ID: "123456789012", Partition: "aws", Region: "us-east-1"}}
	create := func(alias string) error {
		props, err := marshal(resource.PropertyMap{"accountAlias": resource.NewProperty(alias)})
		require.NoError(t, err)
		_, err = s.Create(t.Context(), &pulumirpc.CreateRequest{Type: awstypes.AccountAlias, Urn: "urn:pulumi:s::p::" + awstypes.AccountAlias + "::alias", Properties: props})
		return err
	}
	require.NoError(t, create("acme-new"))
	resources, err := world.Load(path)
	require.NoError(t, err)
	assert.Equal(t, []world.Resource{{Type: awstypes.AccountAlias, ID: "acme-new", Inputs: map[string]any{"accountAlias": "acme-new"}}}, resources)
	err = create("acme-new")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "EntityAlreadyExists")
}
