package components

import (
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
)

func developerArgs(policies []string, users ...ConsoleUser) *ConsoleGroupArgs {
	return &ConsoleGroupArgs{Account: testAccount, GroupName: "developers", Path: "/developers/", Users: users, PasswordLength: 20, ManagedPolicies: policies}
}

func newTestDevelopers(args *ConsoleGroupArgs) pulumi.RunFunc {
	return func(ctx *pulumi.Context) error {
		_, err := NewDeveloperGroup(ctx, "developers", args)
		return err
	}
}

func TestDeveloperGroupCarriesManagedPoliciesAndMFA(t *testing.T) {
	users := []ConsoleUser{{Name: "carol"}}
	rec := mustRun(t, newTestDevelopers(developerArgs([]string{"ReadOnlyAccess", "job-function/ViewOnlyAccess"}, users...)))
	consoleMemberChecks(t, rec, "developers", "/developers/", users)
	assert.ElementsMatch(t, []string{
		"arn:aws:iam::aws:policy/ReadOnlyAccess",
		"arn:aws:iam::aws:policy/job-function/ViewOnlyAccess",
		"arn:aws:iam::111111111111:policy/developers/developers-console",
	}, attachedPolicies(t, rec))
	_, ok := rec.Find(attachmentType, "developers-job-function-ViewOnlyAccess")
	assert.True(t, ok, "a policy path becomes part of a valid logical name")

	// The same console document as the admins', but for the path the deny covers.
	admins := mustRun(t, newTestAdmins(adminArgs()))
	want := strings.ReplaceAll(one(t, admins, policyType).Input("policy"), "user/admins/*", "user/developers/*")
	assert.JSONEq(t, want, one(t, rec, policyType).Input("policy"))
	statements := policyStatements(t, one(t, rec, policyType), "policy")
	assert.Equal(t, "arn:aws:iam::111111111111:user/developers/*", statement(t, statements, "DenyAccessKeysForConsoleUsers")["Resource"])
}

func TestDeveloperGroupWithoutPoliciesAttachesOnlyConsoleStatements(t *testing.T) {
	rec := mustRun(t, newTestDevelopers(developerArgs(nil)))
	assert.Equal(t, []string{"arn:aws:iam::111111111111:policy/developers/developers-console"}, attachedPolicies(t, rec))
}

func TestDeveloperGroupRefusesAdminPolicies(t *testing.T) {
	for _, p := range AdminEquivalentPolicies {
		t.Run(p, func(t *testing.T) {
			requireRejected(t, "makes developers admins", newTestDevelopers(developerArgs([]string{p})))
		})
	}
	requireRejected(t, "args are required", newTestDevelopers(nil))
}
