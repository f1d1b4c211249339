package gate

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/secure-aws/secure-aws/internal/gate/gatetest"
)

// env is a Getenv holding only vars.
func env(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

func gitOf(r *gatetest.Repo) Git {
	g := DefaultGit(r.Dir)
	g.Getenv = env(nil)
	return g
}

func newRepo(t *testing.T) *gatetest.Repo {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi.production.yaml"), []byte("config: {}\n"), 0o644))
	return gatetest.NewRepo(t, dir)
}

// TestHead: the commit to deploy is the checkout's, refused when the run was started for
// another commit, a tracked file was changed after checkout, or a file the commit does
// not hold was added (a .go file would be compiled in); an ignored file is the commit's
// own decision.
func TestHead(t *testing.T) {
	r := newRepo(t)
	g := gitOf(r)
	head, err := g.Head(t.Context())
	require.NoError(t, err)
	assert.Equal(t, r.Head(), head)

	g.Getenv = env(map[string]string{"GITHUB_SHA": head})
	_, err = g.Head(t.Context())
	assert.NoError(t, err, "GITHUB_SHA names the checkout")
	g.Getenv = env(map[string]string{"GITHUB_SHA": strings.Repeat("a", 40)})
	_, err = g.Head(t.Context())
	assert.ErrorContains(t, err, "the run was started for "+strings.Repeat("a", 40))

	g.Getenv = env(nil)
	untracked := filepath.Join(r.Dir, "internal", "program", "extra.go")
	require.NoError(t, os.MkdirAll(filepath.Dir(untracked), 0o755))
	require.NoError(t, os.WriteFile(untracked, []byte("package program\n"), 0o644))
	_, err = g.Head(t.Context())
	assert.ErrorContains(t, err, "internal/program/extra.go", "a file the commit does not hold")
	require.NoError(t, os.Remove(untracked))
	require.NoError(t, os.WriteFile(filepath.Join(r.Dir, "Pulumi.production.yaml"), []byte("config: {a: b}\n"), 0o644))
	_, err = g.Head(t.Context())
	assert.ErrorContains(t, err, "has changes or files the commit does not hold")
	assert.ErrorContains(t, err, "Pulumi.production.yaml")
}

// TestCheckDeployable: only the head of main as the remote says deploys, and only when the
// deployed commit is a strict ancestor of it (or nothing was deployed yet).
func TestCheckDeployable(t *testing.T) {
	r := newRepo(t)
	g := gitOf(r)
	ctx := t.Context()
	first := r.Head()
	require.NoError(t, g.CheckDeployable(ctx, first, ""), "the first deploy")

	second := r.Commit("second")
	assert.ErrorContains(t, g.CheckDeployable(ctx, second, first), "is not the head of main (origin has "+first+")",
		"the local branch moved, the remote did not: the remote decides")
	r.Push()
	assert.NoError(t, g.CheckDeployable(ctx, second, first), "newer than the deployed commit")
	assert.ErrorContains(t, g.CheckDeployable(ctx, second, second), "is already deployed")

	r.Checkout(first)
	assert.ErrorContains(t, g.CheckDeployable(ctx, first, ""), "is not the head of main", "a re-run of an older deploy")

	r.Push() // main forced back to the first commit after the second was deployed
	assert.ErrorContains(t, g.CheckDeployable(ctx, first, second), "does not descend from the deployed commit "+second)

	r.Git("checkout", "--quiet", "--orphan", "unrelated")
	unrelated := r.Commit("unrelated history")
	r.Push()
	assert.ErrorContains(t, g.CheckDeployable(ctx, unrelated, first), "does not descend from the deployed commit")

	unknown := strings.Repeat("b", 40)
	assert.ErrorContains(t, g.CheckDeployable(ctx, unrelated, unknown), "the deployed commit "+unknown+" is not in the checkout (a shallow clone?")

	assert.ErrorContains(t, g.CheckDeployable(ctx, unrelated, "--output=/tmp/x"), `the stack's tag secure-aws:deployed-commit holds "--output=/tmp/x", not a commit id`)

	g.Branch = "release"
	assert.ErrorContains(t, g.CheckDeployable(ctx, unrelated, ""), "origin has no branch release")
	g.Branch, g.Remote = "main", filepath.Join(t.TempDir(), "nowhere")
	assert.ErrorContains(t, g.CheckDeployable(ctx, unrelated, ""), "asking "+g.Remote+" for the head of main")
}

// TestAuthEnv: the token reaches git as configuration from the environment, the header
// actions/checkout sends, and never as an argument.
func TestAuthEnv(t *testing.T) {
	e := authEnv("s3cret")
	cmd := exec.Command("git", "config", "--get", "http.extraHeader")
	cmd.Env = append(os.Environ(), e...)
	out, err := cmd.Output()
	require.NoError(t, err)
	assert.Equal(t, "AUTHORIZATION: basic eC1hY2Nlc3MtdG9rZW46czNjcmV0\n", string(out), "base64 of x-access-token:s3cret")
}
