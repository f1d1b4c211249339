package enginetest

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/secure-aws/secure-aws/internal/plan"
	"github.com/secure-aws/secure-aws/spec"
)

const (
	// stacksMatrix is the matrix every per-stack job takes: the stacks computed from the
	// stack files by the reusable stacks.yml (go run ./cmd/stacks).
	stacksMatrix = "${{ fromJSON(needs.stacks.outputs.matrix) }}"
	// sessionName names every role session after the run and its attempt, so CloudTrail
	// ties each call to one run of one workflow (GitHub's run ids are 64-bit).
	sessionName = "gh-${{ github.run_id }}-${{ github.run_attempt }}"
	// credentials is the action that assumes a role with the job's OIDC token.
	credentials = "aws-actions/configure-aws-credentials@"
)

// TestDeployApprovesAfterEvidence: each stack deploys in two jobs. The preview job runs
// the gate's refreshing preview with the read-only drift role in the drift environment
// (main only, no reviewers, no stack's environment), puts its summary in the job summary
// and its steps in an artifact; the apply job, the only one in the stack's protected
// environment and the only one with the deploy role, needs it, downloads that artifact and
// runs the gate's apply against it.
func TestDeployApprovesAfterEvidence(t *testing.T) {
	wf := workflows(t)["deploy.yml"]
	preview, apply := wf.Jobs["preview"], wf.Jobs["apply"]
	require.NotEmpty(t, preview.Steps)
	require.NotEmpty(t, apply.Steps)
	assert.Contains(t, apply.Needs, "preview", "apply waits for the evidence")
	assert.Equal(t, spec.DriftEnvironment, preview.Environment, "the preview's environment is main-only and has no reviewers")
	assert.Equal(t, "${{ matrix.environment }}", apply.Environment, "the apply job runs in the stack's own environment")
	for name, j := range wf.Jobs {
		if name != "apply" {
			assert.NotEqual(t, apply.Environment, j.Environment, "job %s runs in a stack's environment", name)
		}
	}

	previews := stepsRunning(preview, "go run ./cmd/gate preview --stack \"$STACK\" --out \"$RUNNER_TEMP/approved\"")
	require.Len(t, previews, 1, "one step runs the gate's preview")
	assert.Contains(t, previews[0].Run, `cat "$RUNNER_TEMP/approved/summary.md" >> "$GITHUB_STEP_SUMMARY"`, "the approver reads the summary on the preview job's page")
	assert.Equal(t, "bash", previews[0].Shell)
	upload := stepUsing(t, preview, "actions/upload-artifact@")
	assert.Equal(t, "approved-steps-${{ matrix.stack }}", upload.With["name"])
	assert.Equal(t, "${{ runner.temp }}/approved/steps.json", upload.With["path"])
	assert.Equal(t, "error", upload.With["if-no-files-found"])

	download := stepUsing(t, apply, "actions/download-artifact@")
	assert.Equal(t, upload.With["name"], download.With["name"], "apply reads the steps its own stack's preview approved")
	assert.Equal(t, "${{ runner.temp }}/approved", download.With["path"])
	applies := stepsRunning(apply, `go run ./cmd/gate apply --stack "$STACK" --approved "$RUNNER_TEMP/approved/steps.json"`)
	require.Len(t, applies, 1, "one step runs the gate's apply")
	assert.Equal(t, "${{ github.token }}", applies[0].Env["GITHUB_TOKEN"], "the gate asks the remote for main's head")
	checkout := stepUsing(t, apply, "actions/checkout@")
	assert.Equal(t, 0, checkout.With["fetch-depth"], "the gate compares the commit with the one deployed last")

	assert.Equal(t, "${{ matrix.driftRole }}", stepUsing(t, preview, credentials).With["role-to-assume"], "the preview reads with the drift role")
	assert.Equal(t, "${{ matrix.deployRole }}", stepUsing(t, apply, credentials).With["role-to-assume"])
	for file, w := range workflows(t) {
		for name, j := range w.Jobs {
			for _, s := range j.Steps {
				if strings.HasPrefix(s.Uses, credentials) && s.With["role-to-assume"] == "${{ matrix.deployRole }}" {
					assert.Equal(t, "deploy.yml apply", file+" "+name, "only the apply job assumes the deploy role")
				}
			}
		}
	}
}

// TestEveryRoleAssumptionIsNamed: every role assumption names its session after the run
// and attempt, within STS's 64 characters, and checks it landed in the stack's account.
func TestEveryRoleAssumptionIsNamed(t *testing.T) {
	n := 0
	longest := strings.NewReplacer("${{ github.run_id }}", fmt.Sprint(uint64(1<<63)), "${{ github.run_attempt }}", "999").Replace(sessionName)
	assert.LessOrEqual(t, len(longest), 64, "STS RoleSessionName limit")
	for file, wf := range workflows(t) {
		for name, j := range wf.Jobs {
			for _, s := range j.Steps {
				if !strings.HasPrefix(s.Uses, credentials) {
					continue
				}
				n++
				assert.Equal(t, sessionName, s.With["role-session-name"], "%s job %s", file, name)
				assert.Equal(t, "${{ matrix.account }}", s.With["allowed-account-ids"], "%s job %s", file, name)
				assert.Equal(t, "${{ matrix.region }}", s.With["aws-region"], "%s job %s: the stack's own region", file, name)
				assert.Empty(t, s.With["custom-tags"], "%s job %s: the action drops session tags for OIDC (AssumeRoleWithWebIdentity takes none)", file, name)
			}
		}
	}
	assert.NotZero(t, n)
}

// TestJobsWithRolesRunPinnedTools: every job that assumes a role gets the Pulumi CLI and
// plugin from the repository's pinned action, before the role's credentials exist.
func TestJobsWithRolesRunPinnedTools(t *testing.T) {
	for file, wf := range workflows(t) {
		for name, j := range wf.Jobs {
			tools, creds := -1, -1
			for i, s := range j.Steps {
				switch {
				case s.Uses == pinnedTools:
					tools = i
				case strings.HasPrefix(s.Uses, credentials):
					creds = i
				}
			}
			if creds >= 0 {
				assert.True(t, tools >= 0 && tools < creds, "%s job %s: the pinned tools are installed before the role is assumed", file, name)
			}
		}
	}
}

// TestDriftNeverHoldsBackADeploy: a stack's deploys share one group and are never
// cancelled; the drift check has a group of its own, and no workflow-level group puts a
// check and a deploy in one queue (a pending run in a group replaces the one pending
// before it).
func TestDriftNeverHoldsBackADeploy(t *testing.T) {
	all := workflows(t)
	apply := all["deploy.yml"].Jobs["apply"]
	assert.Equal(t, "deploy-${{ matrix.stack }}", apply.Concurrency.Group)
	assert.False(t, apply.Concurrency.CancelInProgress, "a deploy is never cancelled")
	drift := all["drift.yml"].Jobs["drift"]
	assert.NotEmpty(t, drift.Concurrency.Group)
	for file, wf := range all {
		assert.True(t, wf.Concurrency.IsZero() || file == "plan.yml", "%s: a workflow-level group", file)
		for name, j := range wf.Jobs {
			if file != "deploy.yml" || name != "apply" {
				assert.NotEqual(t, apply.Concurrency.Group, j.Concurrency.Group, "%s job %s shares the deploys' group", file, name)
			}
		}
	}
}

// TestStackFilesDriveTheWorkflows: every per-stack job of the deploy, drift and preview
// workflows takes its stacks from the stack files (stacks.yml runs cmd/stacks), with roles,
// region, account and secrets from the matrix, and no job names a stack of the repository.
func TestStackFilesDriveTheWorkflows(t *testing.T) {
	all := workflows(t)
	lists := stepsRunning(all["stacks.yml"].Jobs["stacks"], `go run ./cmd/stacks`)
	require.Len(t, lists, 1)
	assert.Equal(t, "list", lists[0].ID)
	stacks := stackNames(t)
	perStack := 0
	for _, file := range []string{"deploy.yml", "drift.yml", "preview.yml"} {
		wf := all[file]
		assert.Equal(t, "./.github/workflows/stacks.yml", wf.Jobs["stacks"].Uses, "%s computes its stacks", file)
		for name, j := range wf.Jobs {
			assert.NotContains(t, stacks, j.Environment, "%s job %s names a stack", file, name)
			if j.Strategy.Matrix == nil {
				continue
			}
			perStack++
			assert.Equal(t, map[string]any{"include": stacksMatrix}, j.Strategy.Matrix, "%s job %s", file, name)
			assert.Contains(t, j.Needs, "stacks", "%s job %s", file, name)
		}
	}
	assert.Equal(t, 4, perStack, "preview and apply (deploy), drift, preview")
}

// TestSecretsPerEnvironmentAndStack: no workflow hands its caller's secrets on; every step
// that gets a stack's passphrase runs in a job with an environment, whose secrets are the
// only ones it reads, and takes the stack's own passphrase by the matrix.
func TestSecretsPerEnvironmentAndStack(t *testing.T) {
	passphrases := 0
	for file, wf := range workflows(t) {
		for name, j := range wf.Jobs {
			assert.Nil(t, j.Secrets, "%s job %s passes secrets on", file, name)
			for _, s := range j.Steps {
				for k, v := range s.Env {
					if !strings.Contains(v, "secrets.") && !strings.Contains(v, "secrets[") {
						continue
					}
					assert.NotEmpty(t, j.Environment, "%s job %s reads %s outside an environment (a repository secret any branch can read)", file, name, k)
					if k == "PULUMI_CONFIG_PASSPHRASE" {
						passphrases++
						assert.Equal(t, "${{ secrets[format('PULUMI_CONFIG_PASSPHRASE_{0}', matrix.secret)] }}", v, "%s job %s: the stack's own passphrase", file, name)
					}
				}
			}
		}
	}
	assert.NotZero(t, passphrases)
}

// TestDependabotProposesUpdates: Dependabot proposes updates of the pinned actions (the
// workflows and the repository's own actions) and of both Go modules.
func TestDependabotProposesUpdates(t *testing.T) {
	var cfg struct {
		Updates []struct {
			Ecosystem   string   `yaml:"package-ecosystem"`
			Directories []string `yaml:"directories"`
		} `yaml:"updates"`
	}
	readYAML(t, filepath.Join(repoRoot, ".github", "dependabot.yml"), &cfg)
	dirs := map[string][]string{}
	for _, u := range cfg.Updates {
		dirs[u.Ecosystem] = append(dirs[u.Ecosystem], u.Directories...)
	}
	assert.Subset(t, dirs["github-actions"], []string{"/", "/.github/actions/*"})
	assert.Subset(t, dirs["gomod"], []string{"/", "/tools/pulumi"})
}

// stepsRunning are the steps of j whose script contains command.
func stepsRunning(j job, command string) []step {
	var out []step
	for _, s := range j.Steps {
		if strings.Contains(s.Run, command) {
			out = append(out, s)
		}
	}
	return out
}

// stepUsing is the one step of j that uses the action with prefix.
func stepUsing(t *testing.T, j job, prefix string) step {
	t.Helper()
	var out []step
	for _, s := range j.Steps {
		if strings.HasPrefix(s.Uses, prefix) {
			out = append(out, s)
		}
	}
	require.Len(t, out, 1, "one step uses %s", prefix)
	return out[0]
}

// TestAuditDetailsOnlyInPrivateRepositories: every step that runs the program (the gate
// and the drift check) sends the credential findings by user to the job summary only when
// the repository is private; a public repository's logs and summaries carry counts only.
func TestAuditDetailsOnlyInPrivateRepositories(t *testing.T) {
	const guard = `if [ "$REPO_PRIVATE" = true ]; then export SECURE_AWS_AUDIT_DETAILS="$GITHUB_STEP_SUMMARY"; fi`
	runs := 0
	for file, wf := range workflows(t) {
		for name, j := range wf.Jobs {
			for _, command := range []string{"go run ./cmd/gate", "go run ./cmd/drift"} {
				for _, s := range stepsRunning(j, command) {
					runs++
					assert.Equal(t, "${{ github.event.repository.private }}", s.Env["REPO_PRIVATE"], "%s job %s", file, name)
					assert.True(t, strings.HasPrefix(s.Run, guard+"\n"), "%s job %s sets the details file first, and only where the repository is private:\n%s", file, name, s.Run)
					assert.Equal(t, 1, strings.Count(s.Run, "SECURE_AWS_AUDIT_DETAILS"), "%s job %s", file, name)
				}
			}
		}
	}
	assert.GreaterOrEqual(t, runs, 4, "the deploy's preview and apply, the drift check and the pull-request preview")
}

// TestDeployCheckWaiversAreWired: the deploy's environment check reads every waiver the
// script knows from the repository's variables (a waiver it cannot be given would make
// its check impossible to pass), and its token from a secret of a main-only environment.
func TestDeployCheckWaiversAreWired(t *testing.T) {
	script, err := os.ReadFile(filepath.Join(repoRoot, "scripts", "check-environments.sh"))
	require.NoError(t, err)
	waivers := map[string]bool{}
	for _, w := range regexp.MustCompile(`ALLOW_[A-Z_]+`).FindAllString(string(script), -1) {
		waivers[w] = true
	}
	delete(waivers, "ALLOW_PREVIEW_WITHOUT_REVIEWERS") // the pull-request preview's check
	require.NotEmpty(t, waivers)
	j := workflows(t)["deploy.yml"].Jobs["environments"]
	assert.Equal(t, spec.DriftEnvironment, j.Environment, "the check's token is an environment secret of a main-only environment")
	checks := stepsRunning(j, "scripts/check-environments.sh \"${environments[@]}\"")
	require.Len(t, checks, 1)
	env := checks[0].Env
	assert.Equal(t, "${{ secrets.ENVIRONMENT_CHECK_TOKEN || github.token }}", env["GH_TOKEN"])
	for w := range waivers {
		assert.Equal(t, "${{ vars."+w+" }}", env[w], "the deploy check is given %s", w)
	}
}

// TestPullRequestCodeHoldsNoWriteToken: in the workflows a pull request starts, a job that
// checks out the code or runs a script holds no token that can write to the repository
// (its code could read the token from the runner), and a job that can write (the plan
// comment) checks out and runs nothing of the pull request. id-token is no write to the
// repository: it asks GitHub for an OIDC token, which only the preview role trusts.
func TestPullRequestCodeHoldsNoWriteToken(t *testing.T) {
	jobs := 0
	for file, wf := range workflows(t) {
		if _, ok := wf.On["pull_request"]; !ok {
			continue
		}
		for name, j := range wf.Jobs {
			if j.Uses != "" {
				continue // a reusable workflow of the repository: checked as its own file
			}
			permissions := j.Permissions
			if permissions == nil {
				permissions = wf.Permissions
			}
			var writes []string
			for scope, level := range permissions {
				if level == "write" && scope != "id-token" {
					writes = append(writes, scope)
				}
			}
			runsCode := false
			for _, s := range j.Steps {
				runsCode = runsCode || s.Run != "" || strings.HasPrefix(s.Uses, "actions/checkout@") || strings.HasPrefix(s.Uses, "./")
			}
			if runsCode {
				jobs++
				assert.Empty(t, writes, "%s job %s runs the pull request's code with a token that writes %v", file, name, writes)
			}
		}
	}
	assert.NotZero(t, jobs)
}

// TestPlanCommentRenderedByTheBase: the pull request's plan comment is rendered by the
// base's code. The job that runs the pull request's code only records what its program
// registers; the job that renders checks out the base (which it runs) and the head (which
// it only reads), and runs the base's plan-diff.sh with RENDER=base on those records; the
// comment job posts post.md, which that job cut to fit (cmd/plan --comment), and cuts
// nothing itself. The artifact the cut comment points to holds the whole comment.
func TestPlanCommentRenderedByTheBase(t *testing.T) {
	wf := workflows(t)["plan.yml"]
	record, render, post := wf.Jobs["record"], wf.Jobs["plan-diff"], wf.Jobs["comment"]

	require.Len(t, stepsRunning(record, "scripts/plan-diff.sh --record ."), 1)

	assert.Contains(t, render.Needs, "record")
	var checkouts []step
	for _, s := range render.Steps {
		if strings.HasPrefix(s.Uses, "actions/checkout@") {
			checkouts = append(checkouts, s)
		}
	}
	require.Len(t, checkouts, 2, "the base and the head")
	assert.Equal(t, "${{ github.event.pull_request.base.sha }}", checkouts[0].With["ref"])
	assert.Equal(t, "base", checkouts[0].With["path"])
	assert.Equal(t, "head", checkouts[1].With["path"])
	renders := stepsRunning(render, "base/scripts/plan-diff.sh base head ")
	require.Len(t, renders, 1)
	assert.Equal(t, "base", renders[0].Env["RENDER"])
	assert.NotEmpty(t, renders[0].Env["HEAD_PLANS"])
	for _, s := range render.Steps {
		for line := range strings.Lines(s.Run) {
			assert.False(t, strings.HasPrefix(strings.TrimSpace(line), "head/") || strings.Contains(line, "cd head"), "the rendering job runs nothing of the head: %s", line)
		}
	}
	upload := stepUsing(t, render, "actions/upload-artifact@")
	assert.Equal(t, plan.CommentArtifact, upload.With["name"])
	assert.Contains(t, upload.With["path"], "/comment.md")
	assert.Contains(t, upload.With["path"], "/post.md")

	script := stepUsing(t, post, "actions/github-script@").With["script"].(string)
	assert.Contains(t, script, "/post.md`")
	assert.NotContains(t, script, "slice(", "the comment is cut at a block boundary by cmd/plan, not here")
}

// TestPlanCommentIsTheRendersOwn: the comment job posts the upload of the rendering job,
// downloaded by its id (an artifact of the same name the record job's code uploads first
// is not it), only when that job ran to its end; else it says there is no plan for the
// head commit, naming the run, so that no comment describes an older commit. It updates
// only a comment github-actions[bot] wrote, and the comment names the head commit. The
// rendering job restores no Go cache (the record job's code could have written it).
func TestPlanCommentIsTheRendersOwn(t *testing.T) {
	wf := workflows(t)["plan.yml"]
	render, post := wf.Jobs["plan-diff"], wf.Jobs["comment"]

	upload := stepUsing(t, render, "actions/upload-artifact@")
	require.NotEmpty(t, upload.ID)
	assert.Equal(t, "${{ steps."+upload.ID+".outputs.artifact-id }}", render.Outputs["artifact-id"])
	download := stepUsing(t, post, "actions/download-artifact@")
	assert.Equal(t, "${{ needs.plan-diff.outputs.artifact-id }}", download.With["artifact-ids"])
	assert.NotContains(t, download.With, "name", "by id, not by name")
	assert.Contains(t, download.If, "needs.plan-diff.result == 'success' || needs.plan-diff.result == 'failure'")

	script := stepUsing(t, post, "actions/github-script@").With["script"].(string)
	assert.Contains(t, script, "c.user.login === 'github-actions[bot]'")
	assert.NotContains(t, script, "user.type", "any bot is not the workflow's")
	assert.Contains(t, script, "No plan for ${process.env.HEAD_SHA}: see ${process.env.RUN_URL}")
	comment := stepUsing(t, post, "actions/github-script@")
	assert.Equal(t, "${{ github.event.pull_request.head.sha }}", comment.Env["HEAD_SHA"])
	assert.Contains(t, comment.Env["RUN_URL"], "${{ github.run_id }}")
	assert.Equal(t, "${{ github.event.pull_request.head.sha }}", stepsRunning(render, "base/scripts/plan-diff.sh base head ")[0].Env["HEAD_SHA"])

	assert.Equal(t, false, stepUsing(t, render, "actions/setup-go@").With["cache"])
}
