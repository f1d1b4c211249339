package enginetest

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/secure-aws/secure-aws/awstypes"
	"github.com/secure-aws/secure-aws/internal/config"
	"github.com/secure-aws/secure-aws/internal/gate"
	"github.com/secure-aws/secure-aws/internal/gate/gatetest"
	"github.com/secure-aws/secure-aws/internal/testsupport/world"
)

// gated is a project whose copy is a git checkout with a bare origin, deployed as the
// deploy workflow deploys it: cmd/gate's preview, then its apply.
type gated struct {
	*project
	repo *gatetest.Repo
	opts gate.Options
}

// newGated creates the stack name with cfg (and extra, as stackWith) and commits the
// project as the first commit of main.
func newGated(t *testing.T, name string, cfg map[string]string, extra pulumi.RunFunc) (*gated, auto.Stack) {
	p := newProject(t)
	p.writeStack(name, ownStack(cfg))
	s := p.stackWith(name, extra)
	repo := gatetest.NewRepo(t, p.dir)
	return &gated{project: p, repo: repo, opts: gate.Options{
		PolicyPack: tools.pack,
		// Not the environment of the test run, which in CI names the run's own commit.
		Git: gate.Git{Dir: p.dir, Remote: "origin", Branch: "main", Getenv: func(string) string { return "" }},
	}}, s
}

// result is one run of the gate: its exit code and what it printed.
type result struct {
	code           int
	stdout, stderr string
}

func (g *gated) preview(s auto.Stack, out string) result {
	var stdout, stderr strings.Builder
	code := gate.Preview(g.t.Context(), s, out, g.opts, &stdout, &stderr)
	return result{code, stdout.String(), stderr.String()}
}

func (g *gated) apply(s auto.Stack, approved string) result {
	var stdout, stderr strings.Builder
	code := gate.Apply(g.t.Context(), s, approved, g.opts, &stdout, &stderr)
	return result{code, stdout.String(), stderr.String()}
}

// changes counts the create, update and delete calls that reached the stand-in's AWS.
func (g *gated) changes() int {
	return len(opsOf(g.ops(), "create")) + len(opsOf(g.ops(), "update")) + len(opsOf(g.ops(), "delete"))
}

// TestGateDeploysWhatWasApproved: the deploy workflow's two jobs through the real engine.
//   - The preview writes the steps and the summary, and writes no state: neither on the
//     first preview nor after a refresh that finds a resource gone.
//   - The apply of the approved commit deploys and tags the stack with the commit (its
//     exit 0 says up took exactly the approved steps); a re-run of it is refused.
//   - After a new commit is previewed, a change made in AWS makes the apply's preview
//     take other steps: it stops, prints the difference, and changes nothing. The pull
//     request's preview, which does not refresh, does not see that change.
//   - An older commit is refused: checked out while main is newer, or with main forced
//     back behind the deployed commit.
func TestGateDeploysWhatWasApproved(t *testing.T) {
	const name = "gated"
	g, s := newGated(t, name, map[string]string{"secure-aws:buckets": `[{"name":"enginetest-gated"}]`}, nil)
	out := t.TempDir()
	stateFile := filepath.Join(g.backend, ".pulumi", "stacks", config.Project, name+".json")
	before, err := os.ReadFile(stateFile)
	require.NoError(t, err)

	r := g.preview(s, out)
	require.Equal(t, gate.OK, r.code, r.stderr)
	after, err := os.ReadFile(stateFile)
	require.NoError(t, err)
	assert.True(t, bytes.Equal(before, after), "the preview (with --refresh) persists nothing")
	assert.Zero(t, g.changes(), "the preview changes nothing in AWS")
	summary, err := os.ReadFile(filepath.Join(out, gate.SummaryFile))
	require.NoError(t, err)
	assert.Equal(t, string(summary), r.stdout, "the summary is printed, and only it (the CLI's progress goes to stderr)")
	assert.Contains(t, string(summary), "| create | `"+awstypes.Bucket+"` | `enginetest-gated-bucket` | - |")
	first := g.repo.Head()
	approved, err := gate.ReadApproved(filepath.Join(out, gate.StepsFile))
	require.NoError(t, err)
	assert.Equal(t, gate.Approved{Stack: name, Commit: first, Steps: approved.Steps}, approved)
	require.NotEmpty(t, approved.Steps)

	r = g.apply(s, filepath.Join(out, gate.StepsFile))
	require.Equal(t, gate.OK, r.code, r.stderr)
	tags, err := s.Workspace().ListTags(t.Context(), name)
	require.NoError(t, err)
	assert.Equal(t, first, tags[gate.DeployedTag], "the stack records the deployed commit")
	resources, err := world.Load(g.world)
	require.NoError(t, err)
	assert.GreaterOrEqual(t, world.Find(resources, awstypes.Bucket, "enginetest-gated"), 0, "deployed")
	changes := g.changes()
	r = g.apply(s, filepath.Join(out, gate.StepsFile))
	assert.Equal(t, gate.CannotRun, r.code, "a re-run of the deploy")
	assert.Contains(t, r.stderr, "commit "+first+" is already deployed")
	assert.Equal(t, changes, g.changes())

	// A new commit adds a bucket and is previewed; then AWS loses a public access block.
	f := g.readStackFile(name)
	f.setJSON(t, "secure-aws:buckets", `[{"name":"enginetest-gated"},{"name":"enginetest-gated-logs"}]`)
	g.writeStackFile(name, f)
	second := g.repo.Commit("a second bucket")
	g.repo.Push()
	r = g.preview(s, out)
	require.Equal(t, gate.OK, r.code, r.stderr)
	assert.Contains(t, r.stdout, "| create | `"+awstypes.Bucket+"` | `enginetest-gated-logs-bucket` | - |")
	resources, err = world.Load(g.world)
	require.NoError(t, err)
	i := world.Find(resources, awstypes.PublicAccessBlock, "enginetest-gated")
	require.GreaterOrEqual(t, i, 0)
	require.NoError(t, world.Save(g.world, slices.Delete(resources, i, i+1)))
	// The pull request's preview (NoRefresh: its role reads no resource) compares the
	// program with the state as recorded: it shows the new bucket, not the lost block.
	noRefresh := g.opts
	noRefresh.NoRefresh = true
	var prOut, prErr strings.Builder
	require.Equal(t, gate.OK, gate.Preview(t.Context(), s, t.TempDir(), noRefresh, &prOut, &prErr), prErr.String())
	assert.Contains(t, prOut.String(), "| create | `"+awstypes.Bucket+"` | `enginetest-gated-logs-bucket` | - |")
	assert.NotContains(t, prOut.String(), awstypes.PublicAccessBlock+"` | `enginetest-gated-public-access`", "no refresh, so AWS's loss is not seen")
	changes = g.changes()
	before, err = os.ReadFile(stateFile)
	require.NoError(t, err)
	r = g.apply(s, filepath.Join(out, gate.StepsFile))
	assert.Equal(t, gate.Refused, r.code, r.stderr)
	block := fmt.Sprintf("urn:pulumi:%s::secure-aws::secure-aws:components:SecureBucket$%s::enginetest-gated-public-access", name, awstypes.PublicAccessBlock)
	assert.Contains(t, r.stderr, "the deploy would not take the approved steps, so nothing was changed")
	assert.Contains(t, r.stderr, "\n- same "+block+"\n")
	assert.Contains(t, r.stderr, "\n+ create "+block+"\n")
	assert.Equal(t, changes, g.changes(), "refused before any resource changed")
	tags, err = s.Workspace().ListTags(t.Context(), name)
	require.NoError(t, err)
	assert.Equal(t, first, tags[gate.DeployedTag])

	// Previewed again and approved, it deploys.
	r = g.preview(s, out)
	require.Equal(t, gate.OK, r.code, r.stderr)
	assert.Contains(t, r.stdout, "| create | `"+awstypes.PublicAccessBlock+"` | `enginetest-gated-public-access` | - |")
	after, err = os.ReadFile(stateFile)
	require.NoError(t, err)
	assert.True(t, bytes.Equal(before, after), "the refreshing previews (the apply's and this one) kept the lost block in the state: they persist nothing")
	secondSteps := filepath.Join(t.TempDir(), gate.StepsFile)
	b, err := os.ReadFile(filepath.Join(out, gate.StepsFile))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(secondSteps, b, 0o644))
	r = g.apply(s, secondSteps)
	require.Equal(t, gate.OK, r.code, r.stderr)
	tags, err = s.Workspace().ListTags(t.Context(), name)
	require.NoError(t, err)
	assert.Equal(t, second, tags[gate.DeployedTag])

	// A later commit changes the stack file: the approved steps are not its steps.
	f.setJSON(t, "secure-aws:buckets", `[{"name":"enginetest-gated"}]`)
	g.writeStackFile(name, f)
	r = g.apply(s, secondSteps)
	assert.Equal(t, gate.CannotRun, r.code)
	assert.Contains(t, r.stderr, "has changes or files the commit does not hold", "uncommitted")
	third := g.repo.Commit("the second bucket goes")
	g.repo.Push()
	r = g.apply(s, secondSteps)
	assert.Equal(t, gate.CannotRun, r.code)
	assert.Contains(t, r.stderr, "the approved steps are of commit "+second+", the checkout is "+third)

	// Replays of an older commit, with steps naming it.
	changes = g.changes()
	g.repo.Checkout(first)
	approvedFirst := filepath.Join(t.TempDir(), gate.StepsFile)
	b, err = os.ReadFile(secondSteps)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(approvedFirst, []byte(strings.ReplaceAll(string(b), second, first)), 0o644))
	r = g.apply(s, approvedFirst)
	assert.Equal(t, gate.CannotRun, r.code)
	assert.Contains(t, r.stderr, "is not the head of main (origin has "+third+")")
	g.repo.Push() // main forced back to the first commit
	r = g.apply(s, approvedFirst)
	assert.Equal(t, gate.CannotRun, r.code)
	assert.Contains(t, r.stderr, "does not descend from the deployed commit "+second)
	assert.Equal(t, changes, g.changes(), "no replay changed anything")
}

// TestGateStopsRefusals: a mandatory violation of the policy pack stops the preview (exit
// 1) and the apply before up, so nothing is created (up alone, with --skip-preview, would
// create what was registered before the violating resource; TestPackBlocksMandatoryViolation);
// a configuration the program refuses is exit 1 too.
func TestGateStopsRefusals(t *testing.T) {
	const name = "violating"
	g, s := newGated(t, name, map[string]string{"secure-aws:buckets": `[{"name":"enginetest-violating"}]`}, func(ctx *pulumi.Context) error {
		_, err := iam.NewUserPolicy(ctx, "enginetest-inline", &iam.UserPolicyArgs{
			User:   pulumi.String("enginetest"),
			Policy: pulumi.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`),
		})
		return err
	})
	out := t.TempDir()
	r := g.preview(s, out)
	assert.Equal(t, gate.Refused, r.code)
	assert.Contains(t, r.stderr, "mandatory")
	assert.NoFileExists(t, filepath.Join(out, gate.StepsFile), "no steps to approve")
	assert.Contains(t, r.stdout, "### Stack violating: the preview was refused")
	assert.Contains(t, r.stdout, "- mandatory `no-user-policies`: ", "the summary says why")

	approved := filepath.Join(out, gate.StepsFile)
	require.NoError(t, os.WriteFile(approved, []byte(fmt.Sprintf(`{"stack":%q,"commit":%q,"steps":[]}`, name, g.repo.Head())), 0o644))
	r = g.apply(s, approved)
	assert.Equal(t, gate.Refused, r.code)
	assert.Contains(t, r.stderr, "mandatory")
	assert.Empty(t, opsOf(g.ops(), "create"), "nothing was created")

	f := g.readStackFile(name)
	f.config()["secure-aws:environment"] = "Prod"
	g.writeStackFile(name, f)
	g.repo.Commit("a refused value")
	r = g.preview(s, out)
	assert.Equal(t, gate.Refused, r.code, r.stderr)
	assert.Contains(t, r.stdout, "- error: ")
	assert.Contains(t, r.stdout, "secure-aws:environment", "the summary says why")
}
