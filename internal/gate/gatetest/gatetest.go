// Package gatetest makes git checkouts with a bare "origin" for the tests of the deploy
// gate (internal/gate), as a deploy job sees them.
package gatetest

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// Repo is a checkout whose remote "origin" is a bare repository of the test's own.
type Repo struct {
	t      testing.TB
	Dir    string
	Origin string
}

// NewRepo makes dir a checkout of branch main holding every file already in it, committed
// and pushed to a new bare origin.
func NewRepo(t testing.TB, dir string) *Repo {
	t.Helper()
	r := &Repo{t: t, Dir: dir, Origin: filepath.Join(t.TempDir(), "origin.git")}
	r.Git("init", "--quiet", "--bare", "--initial-branch=main", r.Origin)
	r.Git("init", "--quiet", "--initial-branch=main")
	r.Git("remote", "add", "origin", r.Origin)
	r.Commit("first")
	r.Push()
	return r
}

// Commit commits every file of the checkout (an empty commit if none changed) and returns
// its hash.
func (r *Repo) Commit(msg string) string {
	r.Git("add", "--all")
	r.Git("commit", "--quiet", "--allow-empty", "-m", msg)
	return r.Head()
}

// Push makes the checkout's commit the head of origin's main, as a merge does.
func (r *Repo) Push() { r.Git("push", "--quiet", "--force", "origin", "HEAD:refs/heads/main") }

// Head is the commit checked out.
func (r *Repo) Head() string { return r.Git("rev-parse", "HEAD") }

// Checkout checks out commit (detached), as a run for that commit does.
func (r *Repo) Checkout(commit string) { r.Git("checkout", "--quiet", "--detach", commit) }

// Git runs git in the checkout, with an identity of its own and no user or system
// configuration, and returns its trimmed output.
func (r *Repo) Git(args ...string) string {
	r.t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = r.Dir
	cmd.Env = append(os.Environ(), "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1",
		"GIT_AUTHOR_NAME=gatetest", "GIT_AUTHOR_EMAIL=gatetest@example.com",
		"GIT_COMMITTER_NAME=gatetest", "GIT_COMMITTER_EMAIL=gatetest@example.com")
	out, err := cmd.CombinedOutput()
	require.NoError(r.t, err, "git %s: %s", strings.Join(args, " "), out)
	return strings.TrimSpace(string(out))
}
