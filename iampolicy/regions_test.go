package iampolicy_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/secure-aws/secure-aws/iampolicy"
	"github.com/secure-aws/secure-aws/internal/testsupport/iameval"
)

var euRegions = []string{"eu-west-1", "eu-central-1"}

func TestDenyOutsideRegionsStatement(t *testing.T) {
	s := iampolicy.DenyOutsideRegionsStatement(euRegions)
	assert.Equal(t, iampolicy.RegionDenySid, s.Sid)
	assert.Equal(t, iampolicy.Deny, s.Effect)
	assert.Empty(t, s.Actions)
	assert.Equal(t, iampolicy.GlobalServiceActions(), s.NotActions)
	assert.Equal(t, []string{"*"}, s.Resources)
	assert.Equal(t, []iampolicy.Condition{{Operator: "StringNotEquals", Key: "aws:RequestedRegion", Values: euRegions}}, s.Conditions)
	for _, global := range []string{"iam:*", "sts:*", "cloudfront:*", "route53:*", "support:*", "organizations:*"} {
		assert.Contains(t, s.NotActions, global, "a global service of AWS's example")
	}
	assert.NotContains(t, s.NotActions, "s3:*", "S3 is regional: only its account-wide calls are exempt")
	assert.NotContains(t, s.NotActions, "ec2:*")

	regions, ok := iampolicy.DeniedOutside(s)
	assert.True(t, ok)
	assert.Equal(t, euRegions, regions)
	// What restricts less is not the deny.
	for name, change := range map[string]func(*iampolicy.Statement){
		"allow":                func(s *iampolicy.Statement) { s.Effect = iampolicy.Allow },
		"exempts ec2":          func(s *iampolicy.Statement) { s.NotActions = append(s.NotActions, "ec2:*") },
		"named actions":        func(s *iampolicy.Statement) { s.NotActions, s.Actions = nil, []string{"s3:GetObject"} },
		"one bucket":           func(s *iampolicy.Statement) { s.Resources = []string{"arn:aws:s3:::b"} },
		"another condition":    func(s *iampolicy.Statement) { s.Conditions = append(s.Conditions, iampolicy.ExceptSignedInWithMFA()) },
		"no region":            func(s *iampolicy.Statement) { s.Conditions = nil },
		"another operator key": func(s *iampolicy.Statement) { s.Conditions[0].Key = "aws:SourceRegion" },
	} {
		changed := iampolicy.DenyOutsideRegionsStatement(euRegions)
		change(&changed)
		_, ok := iampolicy.DeniedOutside(changed)
		assert.False(t, ok, name)
	}
}

// TestRegionDenyDecisions: judged by the evaluator beside AdministratorAccess, a request to
// an allowed region is not denied, one to any other region is, and a global service's,
// which AWS receives in us-east-1, is not. A request without the region key is denied.
func TestRegionDenyDecisions(t *testing.T) {
	docs := []string{allowAll, render(t, iampolicy.Document{Statements: []iampolicy.Statement{iampolicy.DenyOutsideRegionsStatement(euRegions)}})}
	for _, c := range []struct {
		action, region string
		want           bool
	}{
		{"ec2:RunInstances", "eu-west-1", true},
		{"s3:GetObject", "eu-central-1", true},
		{"ec2:RunInstances", "us-east-1", false},
		{"s3:GetObject", "ap-southeast-2", false},
		{"kinesis:PutRecord", "us-west-2", false},
		{"iam:CreateUser", "us-east-1", true},
		{"sts:AssumeRole", "us-east-1", true},
		{"cloudfront:CreateDistribution", "us-east-1", true},
		{"s3:ListAllMyBuckets", "us-east-1", true},
		{"s3:PutAccountPublicAccessBlock", "us-east-1", true},
		{"s3:PutObject", "", false},
	} {
		r := iameval.Request{Principal: userARN("admins/alice"), Action: c.action, Resource: "*"}
		if c.region != "" {
			r = r.With("aws:RequestedRegion", c.region)
		}
		assert.Equal(t, c.want, iameval.Allowed(t, docs, "", r), "%s in %q", c.action, c.region)
	}
}
