package scripts_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// checkout copies the repository's tracked files (the code) into a new directory, with the
// example stack files as shipped instead of the team's own.
func checkout(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	files, err := exec.Command("git", "-C", "..", "ls-files").Output()
	require.NoError(t, err)
	for _, f := range strings.Fields(string(files)) {
		if strings.HasPrefix(f, "Pulumi.") && f != "Pulumi.yaml" {
			continue
		}
		b, err := os.ReadFile(filepath.Join("..", f))
		if os.IsNotExist(err) {
			continue // deleted in the work tree (a golden of a stack that is gone)
		}
		require.NoError(t, err)
		require.NoError(t, os.MkdirAll(filepath.Join(dir, filepath.Dir(f)), 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(dir, f), b, 0o644))
	}
	examples, err := filepath.Glob(filepath.Join("..", "testdata", "examples", "Pulumi.*.yaml"))
	require.NoError(t, err)
	for _, f := range examples {
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(dir, filepath.Base(f)), b, 0o644))
	}
	return dir
}

func edit(t *testing.T, path, old, new string) {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	require.Contains(t, string(b), old)
	require.NoError(t, os.WriteFile(path, []byte(strings.Replace(string(b), old, new, 1)), 0o644))
}

// TestPlanDiff: the pull request comment shows each stack's change as a diff, and an
// invalid head configuration as its error, not as a plan deleted line by line.
func TestPlanDiff(t *testing.T) {
	base, head := checkout(t), checkout(t)
	edit(t, filepath.Join(head, "Pulumi.staging.yaml"), "actions: [s3:PutObject]", "actions: [s3:PutObject, s3:GetObject]")
	// An invalid stack file of another account: the account-wide checks read only the stack
	// files of a stack's own account, so the others still plan.
	qa := filepath.Join(head, "Pulumi.qa.yaml")
	require.NoError(t, os.WriteFile(qa, []byte("config:\n  aws:region: us-east-1\n  aws:allowedAccountIds: [\"222222222222\"]\n  secure-aws:account: {manage: true, contacts: {security: {name: Sam Doe, title: Security lead, email: security@acme.example, phone: +1 555 0100}}, alias: Acme Corp}\n"), 0o644))
	out := t.TempDir()

	cmd := exec.Command("bash", "plan-diff.sh", base, head, out)
	output, err := cmd.CombinedOutput()
	require.Error(t, err, "an invalid head fails the job")
	comment, readErr := os.ReadFile(filepath.Join(out, "comment.md"))
	require.NoError(t, readErr, string(output))
	text := string(comment)

	staging := section(t, text, "staging: details")
	assert.Contains(t, staging, "~~~diff")
	assert.Contains(t, staging, "+", "the added action shows as an added line")
	assert.Contains(t, staging, "s3:GetObject")
	assert.Contains(t, staging, "@@ ### policy `zencoder-staging-s3`", "a hunk names the policy document it is in")
	assert.Contains(t, staging, "<details><summary>The plan of staging, line by line</summary>", "the line diff is folded")

	invalid := text[strings.Index(text, "### qa"):strings.Index(text, "### staging")]
	assert.Contains(t, invalid, "**Invalid configuration**")
	assert.Contains(t, invalid, "secure-aws:account.alias")
	assert.NotContains(t, invalid, "~~~diff", "no diff of a plan that could not be made")

	// A removed stack file is said, not left out.
	require.NoError(t, os.Remove(filepath.Join(head, "Pulumi.staging.yaml")))
	_ = exec.Command("bash", "plan-diff.sh", base, head, out).Run()
	comment, err = os.ReadFile(filepath.Join(out, "comment.md"))
	require.NoError(t, err)
	assert.Contains(t, string(comment), "### staging\n**The stack file is removed.**")
	b, err := os.ReadFile(filepath.Join(base, "Pulumi.staging.yaml"))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(head, "Pulumi.staging.yaml"), b, 0o644))
	edit(t, filepath.Join(head, "Pulumi.staging.yaml"), "actions: [s3:PutObject]", "actions: [s3:PutObject, s3:GetObject]")

	// A clean head passes, and an unchanged stack says so.
	require.NoError(t, os.Remove(qa))
	require.NoError(t, exec.Command("bash", "plan-diff.sh", base, head, out).Run())
	comment, err = os.ReadFile(filepath.Join(out, "comment.md"))
	require.NoError(t, err)
	production := string(comment)[strings.Index(string(comment), "### production"):strings.Index(string(comment), "### staging")]
	assert.Contains(t, production, "No resource is created, updated, replaced or deleted.")
	assert.NotContains(t, production, "~~~diff", "an unchanged plan shows no diff")
}

// ownStacks replaces the stack files of a checkout with stack files the test writes
// (stack name -> text).
func ownStacks(t *testing.T, dir string, stacks map[string]string) {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "Pulumi.*.yaml"))
	require.NoError(t, err)
	for _, f := range files {
		require.NoError(t, os.Remove(f))
	}
	for name, text := range stacks {
		require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi."+name+".yaml"), []byte(text), 0o644))
	}
}

// section is the comment's part about one stack.
func section(t *testing.T, comment, stack string) string {
	t.Helper()
	start := strings.Index(comment, "### "+stack+"\n")
	require.GreaterOrEqual(t, start, 0, "no section for %s in:\n%s", stack, comment)
	rest := comment[start+len("### "+stack+"\n"):]
	for _, next := range []string{"\n### ", "\n## "} {
		if end := strings.Index(rest, next); end >= 0 {
			rest = rest[:end]
		}
	}
	return rest
}

// TestPlanDiffSummary: the comment starts each stack with what the deploy changes, matched
// by URN: a grant change is one update and passes; a renamed application names the access
// key its workload loses; a removed bucket names the protected resources Pulumi refuses to
// delete, and fails the job.
func TestPlanDiffSummary(t *testing.T) {
	// Each stack manages an account of its own, so the account-wide checks pass.
	stack := func(account, buckets, app, actions string) string {
		return `config:
  aws:region: eu-west-1
  aws:allowedAccountIds: ["` + account + `"]
  secure-aws:credentialsAsPulumiSecrets: true
  secure-aws:account: {manage: true, contacts: {security: {name: Sam Doe, title: Security lead, email: security@acme.example, phone: +1 555 0100}}, alias: diffcheck-` + account + `}
  secure-aws:buckets:
` + buckets + `  secure-aws:apps:
    - name: ` + app + `
      accessKey: true
      grants:
        - bucket: diffcheck-data-svc
          actions: ` + actions + `
`
	}
	const buckets = "    - name: diffcheck-data-svc\n    - name: diffcheck-logs-svc\n"
	base, head, out := checkout(t), checkout(t), t.TempDir()
	ownStacks(t, base, map[string]string{
		"granted": stack("222222222222", buckets, "reader", "[s3:GetObject]"),
		"renamed": stack("333333333333", buckets, "reader", "[s3:GetObject]"),
	})
	ownStacks(t, head, map[string]string{
		"granted": stack("222222222222", buckets, "reader", "[s3:GetObject, s3:ListBucket]"),
		"renamed": stack("333333333333", buckets, "viewer", "[s3:GetObject]"),
		"fresh":   stack("444444444444", buckets, "reader", "[s3:GetObject]"),
	})
	output, err := exec.Command("bash", "plan-diff.sh", base, head, out).CombinedOutput()
	require.NoError(t, err, "nothing stops the deploy: %s", output)
	comment, err := os.ReadFile(filepath.Join(out, "comment.md"))
	require.NoError(t, err)

	granted := section(t, string(comment), "granted")
	assert.True(t, strings.HasPrefix(granted, "**0 to create, 1 to update, 0 to replace, 0 to delete.**\n"), granted)
	assert.Contains(t, granted, "| update | `aws:iam/policy:Policy` `reader-s3` | policy |")
	assert.NotContains(t, granted, "~~~diff", "the details follow every summary")
	assert.Contains(t, section(t, string(comment), "granted: details"), "~~~diff")
	details := strings.Index(string(comment), "\n## Details\n")
	for _, stack := range []string{"granted", "renamed", "fresh"} {
		assert.Less(t, strings.Index(string(comment), "### "+stack+"\n"), details, "%s: every summary before the details, which a cut removes first", stack)
	}

	// A new stack: the changes by component and its whole plan, which renders, not a diff
	// of every line.
	fresh := section(t, string(comment), "fresh")
	assert.Contains(t, fresh, "**Created**")
	assert.Contains(t, section(t, string(comment), "fresh: details"), "<details><summary>The whole plan of fresh (new)</summary>\n\n**secure-aws plan: stack `fresh`**")
	assert.NotContains(t, string(comment), "### fresh: details\n<details><summary>The plan of fresh, line by line")

	renamed := section(t, string(comment), "renamed")
	assert.Contains(t, renamed, "**Credentials lost**")
	assert.Contains(t, renamed, "- access key `reader-key` of user `reader-renamed`: deleted")
	assert.NotContains(t, renamed, "The deploy would stop")

	// The same stack without one of its buckets: the deploy would stop, so the job fails.
	ownStacks(t, head, map[string]string{
		"granted": stack("222222222222", "    - name: diffcheck-data-svc\n", "reader", "[s3:GetObject]"),
		"renamed": stack("333333333333", buckets, "reader", "[s3:GetObject]"),
	})
	require.Error(t, exec.Command("bash", "plan-diff.sh", base, head, out).Run(), "a protected deletion fails the job")
	comment, err = os.ReadFile(filepath.Join(out, "comment.md"))
	require.NoError(t, err)
	removed := section(t, string(comment), "granted")
	assert.Contains(t, removed, "**The deploy would stop**")
	assert.Contains(t, removed, "- delete `aws:s3/bucketV2:BucketV2` `diffcheck-logs-svc-bucket`")
	assert.Contains(t, removed, "- delete `aws:s3/bucketVersioningV2:BucketVersioningV2` `diffcheck-logs-svc-versioning`")
	assert.Equal(t, "No resource is created, updated, replaced or deleted.\n", section(t, string(comment), "renamed"))
}

// TestPlanDiffRendersWithTheBase: with RENDER=base the comment is rendered and judged by
// the base's cmd/plan from what the head's program registers, so a pull request that
// changes the renderer does not change what its reviewers read, and the comment names the
// code the pull request changes, at the top. The head's records can come from
// another job (--record, HEAD_PLANS), which the rendering job does not build. post.md is
// the comment cut to fit.
func TestPlanDiffRendersWithTheBase(t *testing.T) {
	base, head := checkout(t), checkout(t)
	edit(t, filepath.Join(head, "Pulumi.staging.yaml"), "actions: [s3:PutObject]", "actions: [s3:PutObject, s3:GetObject]")
	edit(t, filepath.Join(head, "internal", "plan", "diff.go"), `"**%d to create, `, `"**%d to CREATE, `)

	run := func(env ...string) string {
		t.Helper()
		out := t.TempDir()
		cmd := exec.Command("bash", "plan-diff.sh", base, head, out)
		cmd.Env = append(os.Environ(), env...)
		output, err := cmd.CombinedOutput()
		require.NoError(t, err, string(output))
		comment, err := os.ReadFile(filepath.Join(out, "comment.md"))
		require.NoError(t, err)
		posted, err := os.ReadFile(filepath.Join(out, "post.md"))
		require.NoError(t, err)
		assert.LessOrEqual(t, len(posted), 60000)
		return string(comment)
	}
	const flag = "> **This pull request changes code**, not only stack files, pins and docs: `internal/plan/diff.go`."

	own := run()
	assert.Contains(t, own, "to CREATE", "by default (the edit loop) the head renders its own plan")
	assert.Contains(t, own, flag)

	byBase := run("RENDER=base")
	assert.NotContains(t, byBase, "to CREATE")
	assert.Contains(t, section(t, byBase, "staging"), "**0 to create, 1 to update")
	assert.Contains(t, byBase, flag)
	assert.Contains(t, byBase, "Rendered by the base's code")
	assert.Less(t, strings.Index(byBase, flag), strings.Index(byBase, "### "), "the flag comes first")

	records := t.TempDir()
	require.NoError(t, exec.Command("bash", "plan-diff.sh", "--record", head, records).Run())
	assert.FileExists(t, filepath.Join(records, "staging.json"))
	edit(t, filepath.Join(head, "components", "common.go"), "package components", "package components\n\nnot Go")
	fromRecords := run("RENDER=base", "HEAD_PLANS="+records)
	assert.Contains(t, fromRecords, "`components/common.go`, `internal/plan/diff.go`.", "the head's change is named")
	plans := func(comment string) string { return comment[strings.Index(comment, "\nRendered by"):] }
	assert.Equal(t, plans(byBase), plans(fromRecords), "the records of another job, and the head is not built")
}

// TestPlanDiffWarnsOnAnyCode: the comment starts with a warning naming every file the head
// changes but stack files, pins and docs (main.go, go.mod, the workflow: anything that can
// make the recorded plan differ from what deploys), at most ten by name; it names the head
// commit it describes (HEAD_SHA); and a file name that could be Markdown is not printed.
func TestPlanDiffWarnsOnAnyCode(t *testing.T) {
	base, head := checkout(t), checkout(t)
	edit(t, filepath.Join(head, "Pulumi.staging.yaml"), "actions: [s3:PutObject]", "actions: [s3:PutObject, s3:GetObject]")
	edit(t, filepath.Join(head, "README.md"), "# ", "# A ")
	require.NoError(t, os.WriteFile(filepath.Join(head, "plans", "new.md"), []byte("pin\n"), 0o644))
	run := func() string {
		t.Helper()
		out := t.TempDir()
		cmd := exec.Command("bash", "plan-diff.sh", base, head, out)
		cmd.Env = append(os.Environ(), "HEAD_SHA=0123456789abcdef0123456789abcdef01234567")
		output, err := cmd.CombinedOutput()
		require.NoError(t, err, string(output))
		comment, err := os.ReadFile(filepath.Join(out, "comment.md"))
		require.NoError(t, err)
		return string(comment)
	}
	const warning = "**This pull request changes code**"
	clean := run()
	assert.NotContains(t, clean, warning, "stack files, pins and docs only")
	assert.Contains(t, clean, "The plan of the head commit `0123456789abcdef0123456789abcdef01234567`.")

	edit(t, filepath.Join(head, "main.go"), "package main", "package main\n\n// changed")
	edit(t, filepath.Join(head, "go.mod"), "\ngo ", "\n// a replace line could go here\ngo ")
	edit(t, filepath.Join(head, ".github", "workflows", "plan.yml"), "name: plan", "name: plan # changed")
	require.NoError(t, os.WriteFile(filepath.Join(head, "x<!--"), []byte("x"), 0o644))
	flagged := run()
	require.Contains(t, flagged, warning)
	top := flagged[:strings.Index(flagged, "### ")]
	assert.Contains(t, top, "`.github/workflows/plan.yml`, `go.mod`, `main.go`, a file whose name is not shown.")
	assert.NotContains(t, top, "README.md")
	assert.NotContains(t, top, "Pulumi.staging.yaml")
	assert.NotContains(t, top, "plans/")
	assert.NotContains(t, flagged, "x<!--")

	for i := range 12 {
		require.NoError(t, os.WriteFile(filepath.Join(head, "components", fmt.Sprintf("extra%02d.go", i)), []byte("package components\n"), 0o644))
	}
	many := run()
	assert.Contains(t, many, ", `components/extra08.go` and 6 more.", "ten by name")
}
