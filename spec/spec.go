// Package spec holds the value types of secure-aws's settings, shared by the stack
// configuration (internal/config), which reads them from the stack file, and the
// components, which take them as arguments: plain data with the names and rules AWS
// gives them, and no Pulumi or AWS SDK. Each type's Problems (or Validate) is the one
// place its rules are written.
package spec

import (
	"errors"

	"github.com/secure-aws/secure-aws/awsnames"
	"github.com/secure-aws/secure-aws/iampolicy"
)

// FieldProblem is one invalid field, named as in the stack configuration.
type FieldProblem struct {
	Field   string
	Message string
}

// Prefixed names problems of a nested value from its parent: field.sub.
func Prefixed(field string, problems []FieldProblem) []FieldProblem {
	out := make([]FieldProblem, len(problems))
	for i, p := range problems {
		out[i] = FieldProblem{Field: field + "." + p.Field, Message: p.Message}
	}
	return out
}

// Account identifies the AWS account every ARN is built for.
type Account struct {
	Partition string // aws, aws-cn, aws-us-gov, aws-eusc, ...: awsnames.Partition of the region
	ID        string // 12-digit account id
	// AllowedRegions, when set, are the only regions the principals of the stack may send
	// requests to (global services aside): every group and role policy the program writes
	// carries RegionDeny.
	AllowedRegions []string
}

// Validate reports whether the account can be built into ARNs.
func (a Account) Validate() error {
	if a.Partition == "" {
		return errors.New("partition is required")
	}
	return awsnames.AccountID(a.ID)
}

// RegionDeny is the statement every group and role policy of the account carries: the
// deny of requests outside AllowedRegions, or nothing when they are not restricted.
func (a Account) RegionDeny() []iampolicy.Statement {
	if len(a.AllowedRegions) == 0 {
		return nil
	}
	return []iampolicy.Statement{iampolicy.DenyOutsideRegionsStatement(a.AllowedRegions)}
}

// ManagedPolicyARN is the ARN of an AWS managed policy such as ReadOnlyAccess.
func (a Account) ManagedPolicyARN(name string) string {
	return iampolicy.AWSManagedPolicyARN(a.Partition, name)
}

// UserARN is the ARN of the IAM user name under path ("/" or "/backup/").
func (a Account) UserARN(path, name string) string {
	return "arn:" + a.Partition + ":iam::" + a.ID + ":user" + path + name
}

// RoleARN is the ARN of the IAM role name, which has the default path "/".
func (a Account) RoleARN(name string) string {
	return "arn:" + a.Partition + ":iam::" + a.ID + ":role/" + name
}

// PrincipalName is the IAM user name of an application or third-party service in one
// environment: <name>-<environment>, e.g. my-application-staging.
func PrincipalName(name, environment string) string {
	return name + "-" + environment
}

// IAM paths of the machine principals and their groups.
const (
	// AppUserPath is the IAM path of application users and their groups.
	AppUserPath = "/apps/"
	// ThirdPartyUserPath is the IAM path of third-party service users and their groups.
	ThirdPartyUserPath = "/third-party/"
	// BackupWriterPath is the IAM path of backup writers and their groups.
	BackupWriterPath = "/backup/"
)

// MachineUserPaths are the IAM paths of every kind of machine principal.
func MachineUserPaths() []string {
	return []string{AppUserPath, ThirdPartyUserPath, BackupWriterPath}
}

// BackupWriterName is the IAM user that writes a vault: backup-<environment> as in the
// seed guidance, or backup-<vault>-<environment> for a named vault.
func BackupWriterName(vault, environment string) string {
	if vault == "" {
		return "backup-" + environment
	}
	return "backup-" + vault + "-" + environment
}
