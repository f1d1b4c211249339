package iampolicy

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	testPartition = "aws"
	testAccount   = "111111111111"
)

// iamGlobMatch reports whether value matches an IAM resource pattern the way IAM
// evaluates it for a request by username: ${aws:username} is substituted first, then "*"
// matches any run of characters (including "/") and "?" exactly one.
func iamGlobMatch(pattern, value, username string) bool {
	pattern = strings.ReplaceAll(pattern, "${aws:username}", username)
	var re strings.Builder
	re.WriteString("^")
	for _, r := range pattern {
		switch r {
		case '*':
			re.WriteString(".*")
		case '?':
			re.WriteString(".")
		default:
			re.WriteString(regexp.QuoteMeta(string(r)))
		}
	}
	re.WriteString("$")
	return regexp.MustCompile(re.String()).MatchString(value)
}

func anyMatch(patterns []string, value, username string) bool {
	return slices.ContainsFunc(patterns, func(p string) bool { return iamGlobMatch(p, value, username) })
}

func statementBySid(t *testing.T, statements []Statement, sid string) Statement {
	t.Helper()
	i := slices.IndexFunc(statements, func(s Statement) bool { return s.Sid == sid })
	require.GreaterOrEqual(t, i, 0, "no statement with Sid %q", sid)
	return statements[i]
}

func TestIAMGlobMatch(t *testing.T) {
	tests := []struct {
		pattern, value, user string
		want                 bool
	}{
		{"a*c", "abc", "", true},
		{"a*c", "ac", "", true},
		{"a*c", "a/b/c", "", true},
		{"a*c", "abd", "", false},
		{"a?c", "abc", "", true},
		{"a?c", "ac", "", false},
		{"a.c", "abc", "", false},
		{"user/${aws:username}", "user/alice", "alice", true},
		{"user/${aws:username}", "user/alice", "bob", false},
		{"user/${aws:username}", "user/alice2", "alice", false},
		{"user/${aws:username}", "user/${aws:username}", "alice", false},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, iamGlobMatch(tt.pattern, tt.value, tt.user), "%q ~ %q as %q", tt.pattern, tt.value, tt.user)
	}
}

// testUserPaths are the default console paths and the machine principals' paths.
var testUserPaths = UserPaths{Console: []string{"/admins/", "/developers/"}, Machine: []string{"/apps/", "/third-party/", "/backup/"}}

func TestGoldenConsoleStatements(t *testing.T) {
	assertGolden(t, "console_admins", AdminConsolePolicy(testPartition, testAccount, testUserPaths))
	assertGolden(t, "console_developers", DeveloperConsolePolicy(testPartition, testAccount, testUserPaths))
	assertGolden(t, "deploy_role_guardrails", DeployRoleGuardrails(testPartition, testAccount, testUserPaths))
}

// TestGuardrailPoliciesFitIAMLimits: the console and deploy role policies are customer
// managed policies, within IAM's size limit even with long paths, and valid.
func TestGuardrailPoliciesFitIAMLimits(t *testing.T) {
	long := UserPaths{Console: []string{"/" + strings.Repeat("a", 60) + "/", "/" + strings.Repeat("b", 60) + "/"}, Machine: testUserPaths.Machine}
	for name, doc := range map[string]Document{
		"admins":     AdminConsolePolicy(testPartition, testAccount, long),
		"developers": DeveloperConsolePolicy(testPartition, testAccount, long),
		"deploy":     DeployRoleGuardrails(testPartition, testAccount, long),
	} {
		require.NoError(t, doc.Validate(), name)
		text, err := doc.JSON()
		require.NoError(t, err)
		assert.LessOrEqual(t, len(text), MaxManagedPolicySize, name)
	}
}

func TestDeveloperConsolePolicyExtendsTheAdmins(t *testing.T) {
	admins := AdminConsolePolicy(testPartition, testAccount, testUserPaths)
	developers := DeveloperConsolePolicy(testPartition, testAccount, testUserPaths)
	assert.Equal(t, admins.Statements, developers.Statements[:len(admins.Statements)])
	var extra []string
	for _, s := range developers.Statements[len(admins.Statements):] {
		extra = append(extra, s.Sid)
	}
	assert.Equal(t, []string{"DenyDestructiveS3Actions", "DenySecretReads"}, extra)
}

func TestDeployRoleGuardrails(t *testing.T) {
	doc := DeployRoleGuardrails(testPartition, testAccount, testUserPaths)
	var sids []string
	for _, s := range doc.Statements {
		assert.Equal(t, Deny, s.Effect, s.Sid)
		assert.Empty(t, s.Conditions, "%s: an unconditional deny", s.Sid)
		assert.Empty(t, s.NotResources, s.Sid)
		assert.NotContains(t, s.Actions, "iam:UpdateUser", "%s: pulumi up moves users when a path changes", s.Sid)
		sids = append(sids, s.Sid)
	}
	assert.Equal(t, []string{"DenyAccessKeysForConsoleUsers", "DenyLoginProfilesForMachineUsers", "DenyStoppingTheAuditTrail"}, sids)
	keys := statementBySid(t, doc.Statements, "DenyAccessKeysForConsoleUsers")
	assert.Equal(t, []string{"arn:aws:iam::111111111111:user/admins/*", "arn:aws:iam::111111111111:user/developers/*"}, keys.Resources, "machine users keep their keys")
	login := statementBySid(t, doc.Statements, "DenyLoginProfilesForMachineUsers")
	assert.ElementsMatch(t, []string{"arn:aws:iam::111111111111:user/apps/*", "arn:aws:iam::111111111111:user/third-party/*", "arn:aws:iam::111111111111:user/backup/*"}, login.Resources)
	trail := statementBySid(t, doc.Statements, "DenyStoppingTheAuditTrail")
	assert.ElementsMatch(t, []string{"cloudtrail:StopLogging", "cloudtrail:DeleteTrail"}, trail.Actions)
	assert.Equal(t, []string{"*"}, trail.Resources, "every trail, the program's and any other")
}

// TestDenySecretReadsStatement: one unconditional deny of named actions, no wildcard (a
// wildcard would deny whatever AWS later adds under it, unreviewed).
func TestDenySecretReadsStatement(t *testing.T) {
	s := DenySecretReadsStatement()
	require.NoError(t, Document{Statements: []Statement{s}}.Validate())
	assert.Equal(t, "DenySecretReads", s.Sid)
	assert.Equal(t, Deny, s.Effect)
	assert.Equal(t, []string{"*"}, s.Resources)
	assert.Empty(t, s.Conditions)
	for _, a := range s.Actions {
		assert.Regexp(t, `^[a-z0-9-]+:[A-Z][A-Za-z0-9]+$`, a)
	}
	assert.Len(t, slices.Compact(slices.Sorted(slices.Values(s.Actions))), len(s.Actions), "no action twice")
	s.Actions[0] = "changed"
	assert.NotEqual(t, "changed", DenySecretReadsStatement().Actions[0], "callers get a copy")
}

func TestGoldenTLSOnlyBucketPolicy(t *testing.T) {
	assertGolden(t, "tls_only_acme_assets_production", TLSOnlyBucketPolicy(testPartition, "acme-assets-production"))
}

func TestGoldenAssumeRoleWithMFATrust(t *testing.T) {
	assertGolden(t, "assume_role_with_mfa_trust", AssumeRoleWithMFATrust(testPartition, testAccount))
}

func TestMFASelfServiceMatchesOwnUserWithAndWithoutPath(t *testing.T) {
	statements := MFASelfServiceStatements(testPartition, testAccount)
	require.NoError(t, Document{Statements: statements}.Validate())
	const user = "arn:aws:iam::111111111111:user/"
	for _, sid := range []string{"AllowManageOwnPasswords", "AllowManageOwnUserMFA"} {
		t.Run(sid, func(t *testing.T) {
			s := statementBySid(t, statements, sid)
			require.Equal(t, Allow, s.Effect)
			require.NotEmpty(t, s.Resources)
			assert.NotContains(t, s.Resources, "*")
			for _, arn := range []string{user + "alice", user + "admins/alice", user + "a/b/alice"} {
				assert.True(t, anyMatch(s.Resources, arn, "alice"), "alice must reach her own user %s", arn)
			}
			for _, arn := range []string{
				user + "malice",
				user + "admins/malice",
				user + "bob",
				user + "admins/bob",
				user + "alice2",
				user + "admins/alice/x",
				"arn:aws:iam::222222222222:user/alice",
				"arn:aws:iam::111111111111:group/alice",
				"arn:aws:iam::111111111111:role/alice",
			} {
				assert.False(t, anyMatch(s.Resources, arn, "alice"), "alice must not reach %s", arn)
			}
			assert.True(t, anyMatch(s.Resources, user+"developers/bob", "bob"))
			assert.False(t, anyMatch(s.Resources, user+"developers/alice", "bob"))
		})
	}
}

func TestMFASelfServiceDenyWithoutMFA(t *testing.T) {
	statements := MFASelfServiceStatements(testPartition, testAccount)
	deny := statementBySid(t, statements, "DenyAllExceptListedIfNoMFA")
	assert.Equal(t, Deny, deny.Effect)
	assert.Empty(t, deny.Actions, "the deny must use NotAction so that everything else is denied")
	assert.Equal(t, []string{"*"}, deny.Resources)
	assert.Equal(t, []Condition{{Operator: "BoolIfExists", Key: "aws:MultiFactorAuthPresent", Values: []string{"false"}}}, deny.Conditions)

	// Documented first-login trade-off (rule R4): a forced password reset precedes MFA.
	assert.Contains(t, deny.NotActions, "iam:ChangePassword")
	assert.Contains(t, deny.NotActions, "iam:GetAccountPasswordPolicy")
	// What MFA set-up needs, after the AWS page.
	for _, a := range []string{"iam:CreateVirtualMFADevice", "iam:EnableMFADevice", "iam:GetUser", "iam:ListMFADevices", "iam:ListVirtualMFADevices", "iam:ResyncMFADevice", "sts:GetSessionToken"} {
		assert.Contains(t, deny.NotActions, a)
	}
	// Nothing that grants power or removes MFA may be usable without MFA.
	for _, a := range deny.NotActions {
		assert.NotContains(t, a, "*", "wildcard in the NotAction list exempts too much: %s", a)
		assert.NotContains(t, a, "?", "wildcard in the NotAction list exempts too much: %s", a)
		assert.True(t, strings.HasPrefix(a, "iam:") || a == "sts:GetSessionToken", "unexpected exemption %s", a)
	}
	for _, a := range []string{
		"iam:CreateAccessKey", "iam:UpdateAccessKey", "iam:DeleteAccessKey",
		"iam:DeactivateMFADevice", "iam:DeleteVirtualMFADevice",
		"iam:CreateLoginProfile", "iam:UpdateLoginProfile", "iam:DeleteLoginProfile",
		"iam:AttachUserPolicy", "iam:PutUserPolicy", "iam:AddUserToGroup", "iam:PassRole",
		"sts:AssumeRole", "s3:GetObject",
	} {
		assert.NotContains(t, deny.NotActions, a)
	}
}

func TestMFASelfServiceAllowStatements(t *testing.T) {
	statements := MFASelfServiceStatements(testPartition, testAccount)
	require.NoError(t, Document{Statements: statements}.Validate())
	for _, s := range statements {
		if s.Effect != Allow {
			continue
		}
		for _, a := range s.Actions {
			assert.True(t, strings.HasPrefix(a, "iam:"), "%s allows non-IAM action %s", s.Sid, a)
			assert.NotContains(t, a, "*", "%s allows a wildcard action", s.Sid)
			assert.NotContains(t, []string{"iam:CreateAccessKey", "iam:UpdateAccessKey", "iam:CreateLoginProfile"}, a, "%s", s.Sid)
		}
		if slices.Contains(s.Resources, "*") {
			// Only actions without a resource type may be allowed on "*".
			assert.Subset(t, []string{"iam:GetAccountPasswordPolicy", "iam:ListVirtualMFADevices"}, s.Actions, "%s", s.Sid)
		}
	}
	mfa := statementBySid(t, statements, "AllowManageOwnVirtualMFADevice")
	assert.Equal(t, []string{"arn:aws:iam::111111111111:mfa/*"}, mfa.Resources)
	own := statementBySid(t, statements, "AllowManageOwnUserMFA")
	assert.Contains(t, own.Actions, "iam:DeactivateMFADevice", "deactivation is allowed on the own user, with MFA")
	deny := statementBySid(t, statements, "DenyAllExceptListedIfNoMFA")
	assert.NotContains(t, deny.NotActions, "iam:DeactivateMFADevice")
	assert.Equal(t, "DenyOtherUsersIfNoMFA", statements[len(statements)-1].Sid, "the denies come last")
}

func TestCannedStatementsUsePartitionAndAccount(t *testing.T) {
	const partition, account = "aws-us-gov", "222222222222"
	docs := []Document{
		DeveloperConsolePolicy(partition, account, testUserPaths),
		DeployRoleGuardrails(partition, account, testUserPaths),
		TLSOnlyBucketPolicy(partition, "gov-bucket"),
		AssumeRoleWithMFATrust(partition, account),
	}
	for _, doc := range docs {
		s, err := doc.JSON()
		require.NoError(t, err)
		assert.NotContains(t, s, "arn:aws:")
		assert.NotContains(t, s, testAccount)
		assert.Contains(t, s, "arn:aws-us-gov:")
	}
}

func TestDenyAccessKeysStatement(t *testing.T) {
	tests := []struct {
		name       string
		paths      []string
		resources  []string
		matches    []string
		notMatches []string
	}{
		{
			name:       "admins",
			paths:      []string{"/admins/"},
			resources:  []string{"arn:aws:iam::111111111111:user/admins/*"},
			matches:    []string{"arn:aws:iam::111111111111:user/admins/alice", "arn:aws:iam::111111111111:user/admins/team/alice"},
			notMatches: []string{"arn:aws:iam::111111111111:user/alice", "arn:aws:iam::111111111111:user/developers/carol", "arn:aws:iam::111111111111:user/adminsx/alice"},
		},
		{
			name:       "admins and developers",
			paths:      []string{"/admins/", "/developers/"},
			resources:  []string{"arn:aws:iam::111111111111:user/admins/*", "arn:aws:iam::111111111111:user/developers/*"},
			matches:    []string{"arn:aws:iam::111111111111:user/admins/alice", "arn:aws:iam::111111111111:user/developers/carol"},
			notMatches: []string{"arn:aws:iam::111111111111:user/apps/web-production", "arn:aws:iam::111111111111:user/carol"},
		},
		{
			name:       "root path",
			paths:      []string{"/"},
			resources:  []string{"arn:aws:iam::111111111111:user/*"},
			matches:    []string{"arn:aws:iam::111111111111:user/alice", "arn:aws:iam::111111111111:user/admins/alice"},
			notMatches: []string{"arn:aws:iam::222222222222:user/alice", "arn:aws:iam::111111111111:role/alice"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := DenyAccessKeysStatement(testPartition, testAccount, tt.paths...)
			require.NoError(t, Document{Statements: []Statement{s}}.Validate())
			assert.Equal(t, Deny, s.Effect)
			assert.Equal(t, "DenyAccessKeysForConsoleUsers", s.Sid)
			// Every action that mints or re-activates a long-lived credential of a user.
			assert.ElementsMatch(t, []string{"iam:CreateAccessKey", "iam:UpdateAccessKey", "iam:CreateServiceSpecificCredential",
				"iam:UpdateServiceSpecificCredential", "iam:ResetServiceSpecificCredential", "iam:UploadSSHPublicKey",
				"iam:UpdateSSHPublicKey", "iam:UploadSigningCertificate", "iam:UpdateSigningCertificate"}, s.Actions)
			assert.Empty(t, s.Conditions, "the deny must hold even with MFA")
			assert.Equal(t, tt.resources, s.Resources)
			for _, arn := range tt.matches {
				assert.True(t, anyMatch(s.Resources, arn, ""), arn)
			}
			for _, arn := range tt.notMatches {
				assert.False(t, anyMatch(s.Resources, arn, ""), arn)
			}
		})
	}
}

func TestDenyLoginProfilesAndMovesStatements(t *testing.T) {
	login := DenyLoginProfilesStatement(testPartition, testAccount, "/apps/", "/backup/")
	assert.Equal(t, Deny, login.Effect)
	assert.ElementsMatch(t, []string{"iam:CreateLoginProfile", "iam:UpdateLoginProfile"}, login.Actions)
	assert.Equal(t, []string{"arn:aws:iam::111111111111:user/apps/*", "arn:aws:iam::111111111111:user/backup/*"}, login.Resources)
	assert.Empty(t, login.Conditions)

	moves := DenyMovingUsersStatement(testPartition, testAccount, "/admins/", "/apps/")
	assert.Equal(t, Deny, moves.Effect)
	assert.Equal(t, []string{"iam:UpdateUser"}, moves.Actions)
	assert.Equal(t, []string{"arn:aws:iam::111111111111:user/admins/*", "arn:aws:iam::111111111111:user/apps/*"}, moves.Resources)
	assert.Empty(t, moves.Conditions)

	admins := AdminConsolePolicy(testPartition, testAccount, testUserPaths)
	assert.ElementsMatch(t, []string{
		"arn:aws:iam::111111111111:user/admins/*", "arn:aws:iam::111111111111:user/developers/*",
		"arn:aws:iam::111111111111:user/apps/*", "arn:aws:iam::111111111111:user/third-party/*", "arn:aws:iam::111111111111:user/backup/*",
	}, statementBySid(t, admins.Statements, "DenyMovingGuardedUsers").Resources, "no guarded user can be moved out of its path")
}

func TestTLSOnlyBucketPolicy(t *testing.T) {
	doc := TLSOnlyBucketPolicy(testPartition, "acme-assets-production")
	require.NoError(t, doc.Validate())
	require.Len(t, doc.Statements, 2)
	ssec := doc.Statements[1]
	assert.Equal(t, "DenyCustomerProvidedKeys", ssec.Sid)
	assert.Equal(t, Deny, ssec.Effect)
	assert.Equal(t, []string{"s3:PutObject"}, ssec.Actions)
	assert.Equal(t, []Condition{{Operator: "Null", Key: "s3:x-amz-server-side-encryption-customer-algorithm", Values: []string{"false"}}}, ssec.Conditions,
		"a PutObject that names an SSE-C algorithm is denied")
	s := doc.Statements[0]
	assert.Equal(t, Deny, s.Effect, "the only s3:* in the code base must be a Deny")
	assert.Equal(t, []string{"s3:*"}, s.Actions)
	assert.Equal(t, []Principal{{Type: "AWS", Identifiers: []string{"*"}}}, s.Principals)
	assert.ElementsMatch(t, []string{"arn:aws:s3:::acme-assets-production", "arn:aws:s3:::acme-assets-production/*"}, s.Resources)
	assert.Equal(t, []Condition{{Operator: "Bool", Key: "aws:SecureTransport", Values: []string{"false"}}}, s.Conditions)
}

func TestAssumeRoleWithMFATrust(t *testing.T) {
	doc := AssumeRoleWithMFATrust(testPartition, testAccount)
	require.NoError(t, doc.Validate())
	require.Len(t, doc.Statements, 1)
	s := doc.Statements[0]
	assert.Equal(t, Allow, s.Effect)
	assert.Equal(t, []string{"sts:AssumeRole"}, s.Actions)
	assert.Empty(t, s.Resources, "a trust policy has no Resource element")
	assert.Empty(t, s.NotResources)
	assert.Equal(t, []Principal{{Type: "AWS", Identifiers: []string{"arn:aws:iam::111111111111:root"}}}, s.Principals)
	assert.Equal(t, []Condition{{Operator: "Bool", Key: "aws:MultiFactorAuthPresent", Values: []string{"true"}}}, s.Conditions)

	// Callers extend the statement; the returned document must not share state between calls.
	doc.Statements[0].Conditions = append(doc.Statements[0].Conditions, Condition{Operator: "ArnLike", Key: "aws:PrincipalArn", Values: []string{"x"}})
	assert.Len(t, AssumeRoleWithMFATrust(testPartition, testAccount).Statements[0].Conditions, 1)
}

// TestIsOwnUserARN: the rules accept a NotResource of these ARNs as "every user but the
// signed-in one", so it accepts the shapes selfUserARNs writes, in any partition and
// account, and refuses any ARN that could match another user (and other shapes).
func TestIsOwnUserARN(t *testing.T) {
	deny := statementBySid(t, MFASelfServiceStatements(testPartition, testAccount), "DenyOtherUsersIfNoMFA")
	require.NotEmpty(t, deny.NotResources)
	for _, arn := range append(deny.NotResources, "arn:aws-cn:iam::222222222222:user/${aws:username}") {
		assert.True(t, IsOwnUserARN(arn), arn)
		assert.False(t, anyMatch([]string{arn}, "arn:aws:iam::111111111111:user/bob", "alice"), "%s reaches only alice's own user", arn)
	}
	for _, arn := range []string{
		"arn:aws:iam::111111111111:user/*",
		"arn:aws:iam::111111111111:user/${aws:username}*",
		"arn:aws:iam::111111111111:user/admins/${aws:username}",
		"arn:aws:iam::*:user/${aws:username}",
		"arn:*:iam::111111111111:user/${aws:username}",
		"arn:aws:iam::111111111111:group/${aws:username}",
		"arn:aws:s3:::${aws:username}",
		"*",
	} {
		assert.False(t, IsOwnUserARN(arn), arn)
	}
}

// TestGuardedObjectStatementsCoverEveryObjectAction: the guard denies every object action
// of the catalogue to someone: the writers' own writes to all others, the reads (restores
// among them) to all but the readers, and every other object action, those S3 adds later
// included, to everyone; every statement is a Deny for every principal on the objects.
func TestGuardedObjectStatementsCoverEveryObjectAction(t *testing.T) {
	writer := ExceptPrincipals("arn:aws:iam::111111111111:user/backup/backup-production")
	reader := ExceptSignedInWithMFA()
	statements := GuardedObjectStatements(testPartition, "acme-backups", ObjectGuard{WriteActions: []string{"s3:PutObject"}, Writers: []Condition{writer}, Readers: []Condition{reader}})
	require.NoError(t, Document{Statements: statements}.Validate())
	for _, s := range statements {
		assert.Equal(t, Deny, s.Effect, s.Sid)
		assert.True(t, s.IsEveryone(), s.Sid)
		assert.Equal(t, []string{"arn:aws:s3:::acme-backups/*"}, s.Resources, s.Sid)
	}
	writes := statementBySid(t, statements, "DenyObjectWritesByOthers")
	assert.Equal(t, []string{"s3:PutObject"}, writes.Actions)
	assert.Equal(t, []Condition{writer}, writes.Conditions)
	reads := statementBySid(t, statements, "DenyObjectReadsByOthers")
	assert.Subset(t, reads.Actions, []string{"s3:GetObject", "s3:GetObjectVersion", "s3:RestoreObject"})
	assert.Equal(t, []Condition{reader}, reads.Conditions)
	others := statementBySid(t, statements, "DenyOtherObjectWrites")
	assert.Empty(t, others.Conditions, "no one deletes, retains, holds or tags")
	assert.Empty(t, others.Actions)
	assert.ElementsMatch(t, append(slices.Clone(reads.Actions), writes.Actions...), others.NotActions, "all but the reads and the writers' writes")
	for a, l := range s3Actions {
		if l != ObjectLevel {
			continue
		}
		guarded := slices.Contains(writes.Actions, a) || slices.Contains(reads.Actions, a) || !slices.Contains(others.NotActions, a)
		assert.True(t, guarded, "%s is denied by no statement", a)
	}
	for _, a := range []string{"s3:DeleteObject", "s3:DeleteObjectVersion", "s3:PutObjectRetention", "s3:PutObjectLegalHold", "s3:PutObjectTagging", "s3:BypassGovernanceRetention", "s3:PutObjectSomethingS3AddsLater"} {
		assert.NotContains(t, others.NotActions, a, "%s is denied to everyone", a)
	}

	unread := GuardedObjectStatements(testPartition, "acme-audit", ObjectGuard{WriteActions: []string{"s3:PutObject"}, Writers: []Condition{ExceptSource("arn:aws:cloudtrail:us-east-1:111111111111:trail/t")}})
	assert.Len(t, unread, 2, "without Readers, reads are left to IAM")
}
