package gate

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strings"
)

// Git says where the deploy's commit comes from and which branch may be deployed.
type Git struct {
	// Dir is the checkout the program is deployed from.
	Dir string
	// Remote is the remote asked for the branch's head ("origin").
	Remote string
	// Branch is the only branch that deploys ("main").
	Branch string
	// Getenv reads GITHUB_SHA and GITHUB_TOKEN (os.Getenv).
	Getenv func(string) string
}

// DefaultGit is the checkout in dir, deploying the head of origin's main.
func DefaultGit(dir string) Git {
	return Git{Dir: dir, Remote: "origin", Branch: "main", Getenv: os.Getenv}
}

// Head is the commit checked out, refused when the run was started for another commit
// (GITHUB_SHA) or when a file differs from it or is not in it: what deploys is that
// commit's tree.
func (g Git) Head(ctx context.Context) (string, error) {
	head, err := g.git(ctx, nil, "rev-parse", "--verify", "HEAD^{commit}")
	if err != nil {
		return "", err
	}
	if sha := g.Getenv("GITHUB_SHA"); sha != "" && sha != head {
		return "", fmt.Errorf("the checkout is commit %s, the run was started for %s (GITHUB_SHA)", head, sha)
	}
	// Untracked files count too: a .go file would be compiled into the program or the pack,
	// and a Pulumi.<stack>.yaml read by the account-wide checks. Ignored files (.gitignore)
	// are the commit's own decision.
	dirty, err := g.git(ctx, nil, "status", "--porcelain", "--untracked-files=all")
	if err != nil {
		return "", err
	}
	if dirty != "" {
		return "", fmt.Errorf("the checkout of commit %s has changes or files the commit does not hold, which would deploy without review:\n%s", head, dirty)
	}
	return head, nil
}

// BranchHead asks the remote (never the event that started the run, nor the local
// clone) which commit heads the branch. GITHUB_TOKEN, when set, authenticates the request
// through git's environment, so the token is neither on a command line nor in .git/config
// (the checkout keeps no credentials).
func (g Git) BranchHead(ctx context.Context) (string, error) {
	var env []string
	if token := g.Getenv("GITHUB_TOKEN"); token != "" {
		env = authEnv(token)
	}
	ref := "refs/heads/" + g.Branch
	out, err := g.git(ctx, env, "ls-remote", "--exit-code", g.Remote, ref)
	var exit *exec.ExitError
	if errors.As(err, &exit) && exit.ExitCode() == 2 { // --exit-code: no such ref
		return "", fmt.Errorf("%s has no branch %s", g.Remote, g.Branch)
	}
	if err != nil {
		return "", fmt.Errorf("asking %s for the head of %s: %w", g.Remote, g.Branch, err)
	}
	for _, line := range strings.Split(out, "\n") {
		if sha, name, ok := strings.Cut(line, "\t"); ok && name == ref {
			return sha, nil
		}
	}
	return "", fmt.Errorf("%s has no branch %s", g.Remote, g.Branch)
}

// authEnv is git's configuration from the environment (GIT_CONFIG_COUNT, git 2.31) with
// the header actions/checkout itself sends.
func authEnv(token string) []string {
	basic := base64.StdEncoding.EncodeToString([]byte("x-access-token:" + token))
	return []string{"GIT_CONFIG_COUNT=1", "GIT_CONFIG_KEY_0=http.extraHeader", "GIT_CONFIG_VALUE_0=AUTHORIZATION: basic " + basic}
}

// CheckDeployable refuses a commit that is not the branch's head as the remote says, or
// that is not strictly newer than the deployed one: the deployed commit must be one of
// its ancestors, and not the commit itself. deployed is empty before the first deploy.
func (g Git) CheckDeployable(ctx context.Context, head, deployed string) error {
	main, err := g.BranchHead(ctx)
	if err != nil {
		return err
	}
	if head != main {
		return fmt.Errorf("commit %s is not the head of %s (%s has %s): only the newest commit deploys; a re-run of an older deploy is refused", head, g.Branch, g.Remote, main)
	}
	if deployed == "" {
		return nil
	}
	if !commitID.MatchString(deployed) {
		return fmt.Errorf("the stack's tag %s holds %q, not a commit id", DeployedTag, deployed)
	}
	if deployed == head {
		return fmt.Errorf("commit %s is already deployed: a deploy needs a newer commit", head)
	}
	if _, err := g.git(ctx, nil, "cat-file", "-e", deployed+"^{commit}"); err != nil {
		return fmt.Errorf("the deployed commit %s is not in the checkout (a shallow clone? check out with the full history): %w", deployed, err)
	}
	_, err = g.git(ctx, nil, "merge-base", "--is-ancestor", deployed, head)
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit) && exit.ExitCode() == 1:
		return fmt.Errorf("commit %s does not descend from the deployed commit %s: deploying it would undo what that one deployed", head, deployed)
	case err != nil:
		return err
	}
	return nil
}

// commitID is a full commit hash (SHA-1 or SHA-256): what the tag holds is read from the
// state backend and handed to git, never as an option.
var commitID = regexp.MustCompile(`^(?:[0-9a-f]{40}|[0-9a-f]{64})$`)

// git runs git in the checkout with extra environment, and returns its trimmed output.
func (g Git) git(ctx context.Context, env []string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, "git", args...)
	cmd.Dir = g.Dir
	cmd.Env = append(os.Environ(), env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("git %s: %w: %s", args[0], err, strings.TrimSpace(stderr.String()))
	}
	return strings.TrimSpace(stdout.String()), nil
}
