package rules_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/secure-aws/secure-aws/awstypes"
	"github.com/secure-aws/secure-aws/iampolicy"
	"github.com/secure-aws/secure-aws/rules"
)

// restrictedGroup is group g holding its own policy, whose statements are extra plus, when
// regions are given, the region deny.
func restrictedGroup(g string, regions []string, extra ...iampolicy.Statement) []rules.Resource {
	doc := iampolicy.Document{Statements: append(extra, iampolicy.Statement{Sid: "Read", Effect: iampolicy.Allow, Actions: []string{"s3:ListAllMyBuckets"}, Resources: []string{"*"}})}
	if regions != nil {
		doc.Statements = append(doc.Statements, iampolicy.DenyOutsideRegionsStatement(regions))
	}
	return []rules.Resource{
		res(awstypes.Group, g, map[string]any{"name": g, "path": "/apps/"}),
		res(awstypes.GroupAttachment, g+"-a", map[string]any{"group": g, "policyArn": "arn:aws:iam::111111111111:policy/apps/" + g}),
		res(awstypes.Policy, g+"-p", map[string]any{"name": g, "path": "/apps/", "policy": doc.MustJSON()}),
	}
}

func TestRegionsRestricted(t *testing.T) {
	eu := []string{"eu-west-1", "eu-central-1"}
	stack := func(parts ...[]rules.Resource) []rules.Resource {
		var out []rules.Resource
		for _, p := range parts {
			out = append(out, p...)
		}
		return out
	}
	assert.Empty(t, check(t, "regions-restricted", stack(restrictedGroup("a", nil), restrictedGroup("b", nil))...), "no restriction in the stack: nothing to hold")
	assert.Empty(t, check(t, "regions-restricted", stack(restrictedGroup("a", eu), restrictedGroup("b", []string{"eu-central-1", "eu-west-1"}))...), "the same regions in any order")
	assert.Equal(t, []string{
		"the policy does not deny requests outside the allowed regions (eu-central-1, eu-west-1) as the stack's other policies do",
		"group b holds no policy that denies requests outside the allowed regions (eu-central-1, eu-west-1)",
	}, check(t, "regions-restricted", stack(restrictedGroup("a", eu), restrictedGroup("b", nil))...), "one group left out")
	assert.Equal(t, []string{"the policy allows regions eu-west-1, us-east-1, the stack's other policies eu-central-1, eu-west-1"},
		check(t, "regions-restricted", stack(restrictedGroup("a", eu), restrictedGroup("b", []string{"eu-west-1", "us-east-1"}))...), "another list")

	// A deny that exempts more than the global services, or only under a condition a
	// principal can meet, restricts nothing: it does not count as the deny.
	wider := iampolicy.DenyOutsideRegionsStatement(eu)
	wider.NotActions = append(wider.NotActions, "ec2:*")
	conditional := iampolicy.DenyOutsideRegionsStatement(eu)
	conditional.Conditions = append(conditional.Conditions, iampolicy.ExceptSignedInWithMFA())
	for name, s := range map[string]iampolicy.Statement{"exempts ec2": wider, "only without MFA": conditional} {
		g := restrictedGroup("b", nil, s)
		assert.Len(t, check(t, "regions-restricted", stack(restrictedGroup("a", eu), g)...), 2, name+": the policy, and so its group")
	}

	// A role with AWS managed policies alone holds no deny.
	role := []rules.Resource{
		res(awstypes.Role, "support", map[string]any{"name": "aws-support"}),
		res(awstypes.RoleAttachment, "support-a", map[string]any{"role": "aws-support", "policyArn": "arn:aws:iam::aws:policy/AWSSupportAccess"}),
	}
	assert.Equal(t, []string{"role aws-support holds no policy that denies requests outside the allowed regions (eu-central-1, eu-west-1)"},
		check(t, "regions-restricted", stack(restrictedGroup("a", eu), role)...))
	withOwn := append(role,
		res(awstypes.RoleAttachmentsExcl, "support-x", map[string]any{"roleName": "aws-support", "policyArns": []string{"arn:aws:iam::aws:policy/AWSSupportAccess", "arn:aws:iam::111111111111:policy/aws-support"}}),
		res(awstypes.Policy, "support-p", map[string]any{"name": "aws-support", "path": "/", "policy": iampolicy.Document{Statements: []iampolicy.Statement{iampolicy.DenyOutsideRegionsStatement(eu)}}.MustJSON()}))
	assert.Empty(t, check(t, "regions-restricted", stack(restrictedGroup("a", eu), withOwn)...), "its own policy carries the deny")
	previewed := append(role, res(awstypes.RoleAttachmentsExcl, "support-x", map[string]any{"roleName": "aws-support", "policyArns": unknown()}))
	assert.Empty(t, check(t, "regions-restricted", stack(restrictedGroup("a", eu), previewed)...), "an attachment not known yet proves nothing")
}
