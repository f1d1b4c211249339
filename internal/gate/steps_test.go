package gate

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/auto/events"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	stackURN  = "urn:pulumi:production::secure-aws::pulumi:pulumi:Stack::secure-aws-production"
	policyURN = "urn:pulumi:production::secure-aws::secure-aws:components:SecureBucket$aws:s3/bucketPolicy:BucketPolicy::acme-assets-tls-only"
	keyURN    = "urn:pulumi:production::secure-aws::secure-aws:components:AppUser$aws:iam/accessKey:AccessKey::my-app-production"
)

func step(op apitype.OpType, urn string, diffs ...string) events.EngineEvent {
	return events.EngineEvent{EngineEvent: apitype.EngineEvent{ResourcePreEvent: &apitype.ResourcePreEvent{
		Metadata: apitype.StepEventMetadata{Op: op, URN: urn, Diffs: diffs,
			New: &apitype.StepEventStateMetadata{Inputs: map[string]any{"policy": "do-not-print-me"}}},
	}}}
}

// TestCompare: the same steps in another order are no difference; an operation changed,
// a step more or less, or one step twice instead of once are, each on its side.
func TestCompare(t *testing.T) {
	a := []Step{{stackURN, "same"}, {policyURN, "update"}, {keyURN, "create"}}
	onlyApproved, onlyNow := Compare(a, []Step{{keyURN, "create"}, {stackURN, "same"}, {policyURN, "update"}})
	assert.Empty(t, onlyApproved)
	assert.Empty(t, onlyNow)

	onlyApproved, onlyNow = Compare(a, []Step{{stackURN, "same"}, {policyURN, "replace"}, {keyURN, "create"}, {keyURN, "create"}, {stackURN, "same"}})
	assert.Equal(t, []Step{{policyURN, "update"}}, onlyApproved)
	assert.Equal(t, []Step{{stackURN, "same"}, {keyURN, "create"}, {policyURN, "replace"}}, onlyNow, "sorted by URN")
	assert.Equal(t, "- update "+policyURN+"\n+ same "+stackURN+"\n+ create "+keyURN+"\n+ replace "+policyURN+"\n", Difference(onlyApproved, onlyNow))

	onlyApproved, onlyNow = Compare(a, nil)
	assert.Len(t, onlyApproved, 3)
	assert.Empty(t, onlyNow)
}

var previewEvents = []events.EngineEvent{
	step(apitype.OpRefresh, policyURN),
	step(apitype.OpSame, stackURN),
	step(apitype.OpUpdate, policyURN, "policy"),
	step(apitype.OpCreate, keyURN),
	{EngineEvent: apitype.EngineEvent{PolicyEvent: &apitype.PolicyEvent{PolicyName: "access-key-pgp", EnforcementLevel: "advisory", Message: "a key without PGP\n"}}},
	{EngineEvent: apitype.EngineEvent{DiagnosticEvent: &apitype.DiagnosticEvent{Severity: "warning", Message: "user alice has an unused key"}}},
}

// TestStepsOf: every resource step in the engine's order, but the refresh's reads.
func TestStepsOf(t *testing.T) {
	assert.Equal(t, []Step{{stackURN, "same"}, {policyURN, "update"}, {keyURN, "create"}}, StepsOf(previewEvents))
}

// TestSummary: a row per changed resource (operation, type, name, properties), the count
// of the others, the pack's findings; no input value and no diagnostic (the credential
// audit's names stay in the log).
func TestSummary(t *testing.T) {
	got := Summary("production", "abc123", previewEvents)
	assert.Equal(t, "### Stack production: 2 change(s) to approve, commit abc123\n\n"+
		"| Operation | Type | Name | Changed properties |\n|---|---|---|---|\n"+
		"| update | `aws:s3/bucketPolicy:BucketPolicy` | `acme-assets-tls-only` | `policy` |\n"+
		"| create | `aws:iam/accessKey:AccessKey` | `my-app-production` | - |\n"+
		"\n1 other resource(s) stay as they are.\n"+
		"\nFindings:\n\n- advisory `access-key-pgp`: a key without PGP\n", got)
	assert.NotContains(t, got, "do-not-print-me")
	assert.NotContains(t, got, "alice")

	assert.Equal(t, "### Stack staging: 0 change(s) to approve, commit abc123\n\nNothing changes; 1 resource(s) stay as they are.\n",
		Summary("staging", "abc123", []events.EngineEvent{step(apitype.OpRefresh, stackURN), step(apitype.OpSame, stackURN)}))
}

// TestFailure: a failed preview's summary says there is nothing to approve, and why:
// the pack's findings and the engine's errors, each one list item.
func TestFailure(t *testing.T) {
	evs := []events.EngineEvent{
		{EngineEvent: apitype.EngineEvent{PolicyEvent: &apitype.PolicyEvent{PolicyName: "no-user-policies", EnforcementLevel: "mandatory", Message: "an inline policy"}}},
		{EngineEvent: apitype.EngineEvent{DiagnosticEvent: &apitype.DiagnosticEvent{Severity: "error", Message: "invalid configuration:\n- secure-aws:environment: bad\n"}}},
		{EngineEvent: apitype.EngineEvent{DiagnosticEvent: &apitype.DiagnosticEvent{Severity: "warning", Message: "user alice has an unused key"}}},
	}
	assert.Equal(t, "### Stack production: the preview was refused, commit abc123\n\n"+
		"There is nothing to approve; the job's log has the CLI's output.\n\n"+
		"- mandatory `no-user-policies`: an inline policy\n"+
		"- error: invalid configuration:\n  - secure-aws:environment: bad\n", Failure("production", "abc123", Refused, evs))
	assert.Equal(t, "### Stack production: the preview could not run, commit abc123\n\n"+
		"There is nothing to approve; the job's log has the CLI's output.\n", Failure("production", "abc123", CannotRun, nil))
}

// TestApprovedFile: the steps file reads back as written; a file of another shape, or
// naming no stack or commit, is refused.
func TestApprovedFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, StepsFile)
	a := Approved{Stack: "production", Commit: "abc123", Steps: StepsOf(previewEvents)}
	require.NoError(t, a.write(path))
	got, err := ReadApproved(path)
	require.NoError(t, err)
	assert.Equal(t, a, got)
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.NotContains(t, string(b), "do-not-print-me")

	for content, msg := range map[string]string{
		`{"stack":"production","commit":"abc123","steps":[],"plan":{}}`: `unknown field "plan"`,
		`{"commit":"abc123","steps":[]}`:                                "name no stack or commit",
		`[]`:                                                            "cannot unmarshal array",
	} {
		require.NoError(t, os.WriteFile(path, []byte(content), 0o644))
		_, err := ReadApproved(path)
		assert.ErrorContains(t, err, msg, content)
	}
	_, err = ReadApproved(filepath.Join(dir, "missing.json"))
	assert.ErrorContains(t, err, "reading the approved steps")
}

// TestRefused: a mandatory violation or the program's own error is a refusal; an advisory
// finding, an excepted violation or a provider's error is not.
func TestRefused(t *testing.T) {
	policy := func(level string, exceptions ...apitype.PolicyEventException) events.EngineEvent {
		return events.EngineEvent{EngineEvent: apitype.EngineEvent{PolicyEvent: &apitype.PolicyEvent{EnforcementLevel: level, Exceptions: exceptions}}}
	}
	diag := func(urn, severity string) events.EngineEvent {
		return events.EngineEvent{EngineEvent: apitype.EngineEvent{DiagnosticEvent: &apitype.DiagnosticEvent{URN: urn, Severity: severity}}}
	}
	assert.True(t, refused([]events.EngineEvent{policy("mandatory")}))
	assert.True(t, refused([]events.EngineEvent{diag(stackURN, "error")}))
	assert.True(t, refused([]events.EngineEvent{diag("", "error")}), "an inline program's error")
	assert.False(t, refused([]events.EngineEvent{policy("advisory"), policy("mandatory", apitype.PolicyEventException{}), diag(stackURN, "warning"), diag(policyURN, "error")}))
}
