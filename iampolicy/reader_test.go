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
		if !slices.Contains(credentialReportActions, a) {
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
	denies := func(doc Document) []DenyShape {
		var out []DenyShape
		for _, s := range doc.Statements {
			if s.Effect == Deny {
				out = append(out, DenyShape{NotActions: s.NotActions, Resources: s.Resources, NotResources: s.NotResources})
			}
		}
		return out
	}
	for _, state := range []string{"", "acme-pulumi-state"} {
		doc := ConfigurationReaderPolicy("aws", state)
		require.NoError(t, doc.Validate(), state)
		assert.True(t, LimitsToConfigurationReads(denies(doc)), state)
	}
	state := denies(ConfigurationReaderPolicy("aws", "acme-pulumi-state"))
	assert.False(t, LimitsToConfigurationReads(state[:1]), "outside the state bucket only, nothing limits the state bucket")
	assert.False(t, LimitsToConfigurationReads(state[1:]), "on the state bucket only")
	for name, d := range map[string]DenyShape{
		"a data read let through":  {NotActions: append(ConfigurationReads(), "s3:GetObject"), Resources: []string{"*"}},
		"every action let through": {NotActions: []string{"*"}, Resources: []string{"*"}},
		"one bucket only":          {NotActions: ConfigurationReads(), Resources: []string{"arn:aws:s3:::b"}},
		"no actions":               {Resources: []string{"*"}},
		"every bucket's objects":   {NotActions: ConfigurationReads(), NotResources: []string{"arn:aws:s3:::*/*"}},
	} {
		assert.False(t, LimitsToConfigurationReads([]DenyShape{d}), name)
	}
	loose := slices.Clone(state)
	loose[1].NotActions = append(slices.Clone(loose[1].NotActions), "s3:PutObject")
	assert.False(t, LimitsToConfigurationReads(loose), "the state may be read, not written")
	assert.True(t, IsConfigurationRead("s3:GetBucketPolicy"))
	assert.False(t, IsConfigurationRead("s3:GetObject"))
}
