package mototest

import (
	"errors"
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	"github.com/aws/smithy-go"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"github.com/secure-aws/secure-aws/awstypes"
	"github.com/secure-aws/secure-aws/internal/record"
)

// The kinds of Subject: what one read-back with the AWS CLI covers.
const (
	KindBucket  = "bucket"  // Bucket
	KindUser    = "user"    // User
	KindGroup   = "group"   // Group
	KindRole    = "role"    // Role
	KindPolicy  = "policy"  // ManagedPolicy, by name
	KindAccount = "account" // AccountSettings
)

// Subject is what one read-back covers: a bucket, an IAM user, group, role or managed
// policy by name, or the account's own settings (Name empty); an alert key, topic, rule,
// budget or contact (alerts.go).
type Subject struct{ Kind, Name string }

// subjectKeys says, per resource type, which read-back holds it and which input names it.
var subjectKeys = map[string][2]string{
	awstypes.Bucket: {KindBucket, "bucket"}, awstypes.Versioning: {KindBucket, "bucket"}, awstypes.Encryption: {KindBucket, "bucket"},
	awstypes.Ownership: {KindBucket, "bucket"}, awstypes.PublicAccessBlock: {KindBucket, "bucket"}, awstypes.BucketPolicy: {KindBucket, "bucket"},
	awstypes.Lifecycle: {KindBucket, "bucket"}, awstypes.ObjectLock: {KindBucket, "bucket"}, awstypes.BucketLogging: {KindBucket, "bucket"},
	awstypes.User: {KindUser, "name"}, awstypes.LoginProfile: {KindUser, "user"}, awstypes.AccessKey: {KindUser, "user"},
	awstypes.Membership: {KindUser, "user"}, awstypes.UserPoliciesExcl: {KindUser, "userName"}, awstypes.UserAttachmentsExcl: {KindUser, "userName"},
	awstypes.UserPolicy: {KindUser, "user"}, awstypes.UserAttachment: {KindUser, "user"},
	awstypes.Group: {KindGroup, "name"}, awstypes.GroupMembership: {KindGroup, "group"}, awstypes.GroupPoliciesExcl: {KindGroup, "groupName"},
	awstypes.GroupAttachmentsExcl: {KindGroup, "groupName"}, awstypes.GroupAttachment: {KindGroup, "group"}, awstypes.GroupPolicy: {KindGroup, "group"},
	awstypes.Role: {KindRole, "name"}, awstypes.RoleAttachment: {KindRole, "role"}, awstypes.RoleAttachmentsExcl: {KindRole, "roleName"},
	awstypes.RolePoliciesExcl: {KindRole, "roleName"}, awstypes.RolePolicy: {KindRole, "role"},
	awstypes.Policy:       {KindPolicy, "name"},
	awstypes.AccountAlias: {KindAccount, ""}, awstypes.AccountPasswordPolicy: {KindAccount, ""}, awstypes.OIDCProvider: {KindAccount, ""},
	awstypes.Trail: {KindAccount, ""}, awstypes.AccountPublicAccess: {KindAccount, ""}, awstypes.ServiceLinkedRole: {KindAccount, ""},
	awstypes.GuardDutyDetector: {KindAccount, ""}, awstypes.ConfigRecorder: {KindAccount, ""}, awstypes.ConfigDelivery: {KindAccount, ""},
	awstypes.ConfigRecorderStatus: {KindAccount, ""}, awstypes.EBSEncryptionByDefault: {KindAccount, ""},
	awstypes.KMSKey: {KindKey, "description"}, awstypes.Topic: {KindTopic, "name"}, awstypes.TopicSubscription: {KindTopic, "topic"},
	awstypes.EventRule: {KindRule, "name"}, awstypes.EventTarget: {KindRule, "rule"}, awstypes.Budget: {KindBudget, "name"},
	awstypes.AlternateContact: {KindContact, "alternateContactType"},
}

// SubjectOf says which read-back holds the resource r registers; false for a type no
// read-back covers (Access Analyzer) or an input the plan does not know.
func SubjectOf(r record.Registration) (Subject, bool) {
	k, ok := subjectKeys[r.Type]
	if !ok {
		return Subject{}, false
	}
	if k[1] == "" {
		return Subject{Kind: k[0]}, true
	}
	v, ok := r.Inputs[resource.PropertyKey(k[1])]
	if !ok || !v.IsString() {
		return Subject{}, false
	}
	if k[0] == KindTopic {
		return Subject{Kind: k[0], Name: arnName(v.StringValue())}, true // a subscription names its topic by ARN
	}
	return Subject{Kind: k[0], Name: v.StringValue()}, true
}

// ReadBack reads subject back with the AWS CLI (Bucket, User, Group, Role, ManagedPolicy,
// AccountSettings, KMSKey, Topic, EventRule, Budget or Contact).
func (s *Server) ReadBack(t testing.TB, subject Subject) map[string]any {
	t.Helper()
	switch subject.Kind {
	case KindBucket:
		return s.Bucket(t, subject.Name)
	case KindUser:
		return s.User(t, subject.Name)
	case KindGroup:
		return s.Group(t, subject.Name)
	case KindRole:
		return s.Role(t, subject.Name)
	case KindPolicy:
		return s.ManagedPolicy(t, subject.Name)
	case KindAccount:
		return s.AccountSettings(t)
	case KindKey:
		return s.KMSKey(t, subject.Name)
	case KindTopic:
		return s.Topic(t, subject.Name)
	case KindRule:
		return s.EventRule(t, subject.Name)
	case KindBudget:
		return s.Budget(t, subject.Name)
	case KindContact:
		return s.Contact(t, subject.Name)
	}
	t.Fatalf("no read-back for %+v", subject)
	return nil
}

// Group reads IAM group name back with the AWS CLI: group (get-group, with its users),
// attachedPolicies and inlinePolicies (list-group-policies). A group that does not exist
// fails the test.
func (s *Server) Group(t testing.TB, name string) map[string]any {
	t.Helper()
	return s.entity(t, KindGroup, name)
}

// Role reads IAM role name back with the AWS CLI: role (get-role, with its trust policy
// decoded), attachedPolicies and inlinePolicies (list-role-policies). A role that does not
// exist fails the test.
func (s *Server) Role(t testing.TB, name string) map[string]any {
	t.Helper()
	return s.entity(t, KindRole, name)
}

// entity reads a group or a role (kind) with get-<kind>, list-attached-<kind>-policies and
// list-<kind>-policies.
func (s *Server) entity(t testing.TB, kind, name string) map[string]any {
	t.Helper()
	flag := []string{"--" + kind + "-name", name}
	out := s.readBack(t, [][]string{
		append([]string{kind, "iam", "get-" + kind}, flag...),
		append([]string{"attachedPolicies", "iam", "list-attached-" + kind + "-policies"}, flag...),
		append([]string{"inlinePolicies", "iam", "list-" + kind + "-policies"}, flag...),
	}, "NoSuchEntity")
	if _, ok := out[kind]; !ok {
		t.Fatalf("%s %s does not exist", kind, name)
	}
	return out
}

// ManagedPolicy reads the customer managed policy called name back with the AWS CLI:
// policy (list-policies' entry) and document (its default version's get-policy-version
// answer). A policy that does not exist fails the test.
func (s *Server) ManagedPolicy(t testing.TB, name string) map[string]any {
	t.Helper()
	listed, code := s.AWS(t, "iam", "list-policies", "--scope", "Local")
	if code != "" {
		t.Fatalf("listing policies: %s", code)
	}
	policies, _ := path(listed, "Policies").([]any)
	for _, p := range policies {
		if path(p, "PolicyName") != name {
			continue
		}
		version, code := s.AWS(t, "iam", "get-policy-version", "--policy-arn", path(p, "Arn").(string), "--version-id", path(p, "DefaultVersionId").(string))
		if code != "" {
			t.Fatalf("policy %s: %s", name, code)
		}
		return map[string]any{"policy": p, "document": version}
	}
	t.Fatalf("policy %s does not exist", name)
	return nil
}

// AccountSettings reads the account's own settings back: aliases (list-account-aliases),
// passwordPolicy (absent without one), oidcProviders (each provider's
// get-open-id-connect-provider answer by ARN), trails (describe-trails, each trail's
// get-trail-status by name as trailStatus, its get-event-selectors as trailSelectors),
// serviceLinkedRoles (list-roles under /aws-service-role/), guardDuty (list-detectors, each
// detector's get-detector by id as detectors), configRecorders, configRecorderStatus and
// deliveryChannels (AWS Config's describe calls), ebsEncryption
// (get-ebs-encryption-by-default) and, through the SDK, publicAccessBlock (S3
// Control's account-level block; absent without one): the AWS CLI v1 sends S3 Control to
// <account>.<endpoint host>, which no resolver knows for 127.0.0.1.
func (s *Server) AccountSettings(t testing.TB) map[string]any {
	t.Helper()
	out := s.readBack(t, [][]string{
		{"aliases", "iam", "list-account-aliases"},
		{"passwordPolicy", "iam", "get-account-password-policy"},
		{"trails", "cloudtrail", "describe-trails"},
		{"serviceLinkedRoles", "iam", "list-roles", "--path-prefix", "/aws-service-role/"},
		{"guardDuty", "guardduty", "list-detectors"},
		{"configRecorders", "configservice", "describe-configuration-recorders"},
		{"configRecorderStatus", "configservice", "describe-configuration-recorder-status"},
		{"deliveryChannels", "configservice", "describe-delivery-channels"},
		{"ebsEncryption", "ec2", "get-ebs-encryption-by-default"},
	}, "NoSuchEntity")
	out["detectors"] = s.each(t, path(out, "guardDuty", "DetectorIds"), "", func(id string) []string {
		return []string{"guardduty", "get-detector", "--detector-id", id}
	})
	listed, _ := s.AWS(t, "iam", "list-open-id-connect-providers")
	out["oidcProviders"] = s.each(t, path(listed, "OpenIDConnectProviderList"), "Arn", func(arn string) []string {
		return []string{"iam", "get-open-id-connect-provider", "--open-id-connect-provider-arn", arn}
	})
	out["trailStatus"] = s.each(t, path(out, "trails", "trailList"), "Name", func(name string) []string {
		return []string{"cloudtrail", "get-trail-status", "--name", name}
	})
	out["trailSelectors"] = s.each(t, path(out, "trails", "trailList"), "Name", func(name string) []string {
		return []string{"cloudtrail", "get-event-selectors", "--trail-name", name}
	})
	block, err := s3control.NewFromConfig(s.Config(t)).GetPublicAccessBlock(t.Context(), &s3control.GetPublicAccessBlockInput{AccountId: aws.String(s.Account(t))})
	if err == nil {
		c := block.PublicAccessBlockConfiguration
		out["publicAccessBlock"] = map[string]any{"BlockPublicAcls": aws.ToBool(c.BlockPublicAcls), "BlockPublicPolicy": aws.ToBool(c.BlockPublicPolicy),
			"IgnorePublicAcls": aws.ToBool(c.IgnorePublicAcls), "RestrictPublicBuckets": aws.ToBool(c.RestrictPublicBuckets)}
	} else if !noSuchBlock(err) {
		t.Fatalf("the account's public access block: %v", err)
	}
	return out
}

// noSuchBlock says whether err is S3 Control's answer that the account has no public
// access block.
func noSuchBlock(err error) bool {
	var apiErr smithy.APIError
	return errors.As(err, &apiErr) && apiErr.ErrorCode() == "NoSuchPublicAccessBlockConfiguration"
}

// each runs, for every entry of list (a CLI answer's list of objects, or of names when key
// is empty), the CLI call args makes of the entry's key, and keeps its answer by that key; a refused call fails the
// test.
func (s *Server) each(t testing.TB, list any, key string, args func(string) []string) map[string]any {
	t.Helper()
	out := map[string]any{}
	for _, e := range asList(list) {
		name := fmt.Sprint(e) // a list of names (key empty)
		if key != "" {
			name = fmt.Sprint(path(e, key))
		}
		answer, code := s.AWS(t, args(name)...)
		if code != "" {
			t.Fatalf("aws %v: %s", args(name), code)
		}
		out[name] = answer
	}
	return out
}
