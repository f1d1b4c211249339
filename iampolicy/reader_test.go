package iampolicy

import (
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestConfigurationReadsReadNoData: every S3 read is a catalogued bucket or account read,
// none reads objects, and the only member of the deny list is GetBucketVersioning.
func TestConfigurationReadsReadNoData(t *testing.T) {
	var destructive []string
	for _, a := range ConfigurationReads() {
		assert.NotContains(t, a, "*", "each action named")
		service, name, ok := strings.Cut(a, ":")
		require.True(t, ok, a)
		// budgets:ViewBudget is AWS Budgets' one read of a budget.
		if !slices.Contains(credentialAuditActions, a) && a != "budgets:ViewBudget" {
			assert.Regexp(t, `^(Get|List|Describe)`, name, a)
		}
		if service != "s3" {
			continue
		}
		level, known := S3ActionLevel(a)
		assert.True(t, known, a)
		assert.NotEqual(t, ObjectLevel, level, "%s reads objects", a)
		if IsDestructive(a) {
			destructive = append(destructive, a)
		}
	}
	assert.Equal(t, []string{"s3:GetBucketVersioning"}, destructive)
}

func TestConfigurationReaderPolicyDeniesEverythingElse(t *testing.T) {
	for _, state := range []string{"", "acme-pulumi-state"} {
		doc := ConfigurationReaderPolicy("aws", state)
		require.NoError(t, doc.Validate(), state)
		assert.True(t, LimitsToConfigurationReads(doc), state)
	}
	state := ConfigurationReaderPolicy("aws", "acme-pulumi-state")
	without := func(sid string) Document {
		return Document{Statements: slices.DeleteFunc(slices.Clone(state.Statements), func(s Statement) bool { return s.Sid == sid })}
	}
	assert.False(t, LimitsToConfigurationReads(without("DenyStateWrites")), "outside the state bucket only, nothing limits the state bucket")
	assert.False(t, LimitsToConfigurationReads(without("DenyEverythingElse")), "on the state bucket only")
	deny := func(s Statement) Document {
		s.Sid, s.Effect = "D", Deny
		return Document{Statements: []Statement{s}}
	}
	for name, d := range map[string]Statement{
		"a data read let through":  {NotActions: append(ConfigurationReads(), "s3:GetObject"), Resources: []string{"*"}},
		"every action let through": {NotActions: []string{"*"}, Resources: []string{"*"}},
		"one bucket only":          {NotActions: ConfigurationReads(), Resources: []string{"arn:aws:s3:::b"}},
		"no actions":               {Resources: []string{"*"}},
		"every bucket's objects":   {NotActions: ConfigurationReads(), NotResources: []string{"arn:aws:s3:::*/*"}},
		"with a condition":         {NotActions: ConfigurationReads(), Resources: []string{"*"}, Conditions: []Condition{{Operator: "Bool", Key: "aws:ViaAWSService", Values: []string{"true"}}}},
		"mixed-case data read":     {NotActions: append(ConfigurationReads(), "S3:getobject"), Resources: []string{"*"}},
	} {
		assert.False(t, LimitsToConfigurationReads(deny(d)), name)
	}
	loose := Document{Statements: slices.Clone(state.Statements)}
	for i, s := range loose.Statements {
		if s.Sid == "DenyStateWrites" {
			loose.Statements[i].NotActions = append(slices.Clone(s.NotActions), "s3:PutObject")
		}
	}
	assert.False(t, LimitsToConfigurationReads(loose), "the state may be read, not written")
	assert.True(t, IsConfigurationRead("s3:GetBucketPolicy"))
	assert.True(t, IsConfigurationRead("S3:getbucketpolicy"), "IAM matches actions in any case")
	assert.False(t, IsConfigurationRead("s3:GetObject"))
}

// TestListsCannotBeChangedThroughDocuments: the statements built from the security lists
// hold copies; changing one changes no list.
func TestListsCannotBeChangedThroughDocuments(t *testing.T) {
	before := DestructiveS3Actions()
	DenyDestructiveS3EverywhereStatement("aws").Actions[0] = "s3:GetObject"
	doc, err := S3AccessDocument("aws", owners, []S3Grant{{Bucket: "bkt", Actions: []string{"s3:GetObject"}}})
	require.NoError(t, err)
	doc.Statements[len(doc.Statements)-1].Actions[0] = "s3:GetObject"
	assert.Equal(t, before, DestructiveS3Actions())

	reads := ConfigurationReads()
	ConfigurationReaderPolicy("aws", "").Statements[0].Actions[0] = "s3:GetObject"
	ConfigurationReaderPolicy("aws", "").Statements[1].NotActions[0] = "s3:GetObject"
	assert.Equal(t, reads, ConfigurationReads())

	mfa := MFABootstrapActions()
	for _, s := range MFASelfServiceStatements("aws", "111111111111") {
		if len(s.NotActions) > 0 {
			s.NotActions[0] = "*"
		}
		if len(s.Actions) > 0 {
			s.Actions[0] = "*"
		}
	}
	assert.Equal(t, mfa, MFABootstrapActions())
}
