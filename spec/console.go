package spec

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/secure-aws/secure-aws/awsnames"
	"github.com/secure-aws/secure-aws/cis"
	"github.com/secure-aws/secure-aws/iampolicy"
)

// ConsoleUser is a person who signs in to the AWS console.
type ConsoleUser struct {
	// Name is the IAM user name (required).
	Name string `json:"name"`
	// PGPKey encrypts the initial password (base64 public key, or keybase:<user>). Optional:
	// without it the password is a Pulumi secret output.
	PGPKey string `json:"pgpKey"`
}

// Problems checks the user on its own: an IAM user name and a PGP key AWS accepts.
func (u ConsoleUser) Problems() []FieldProblem {
	var out []FieldProblem
	if err := awsnames.IAMName(u.Name, awsnames.MaxUserName, "user"); err != nil {
		out = append(out, FieldProblem{"name", err.Error()})
	}
	return append(out, pgpKeyProblems("pgpKey", u.PGPKey)...)
}

// ConsoleGroupProblems checks a console group's name and IAM path.
func ConsoleGroupProblems(name, path string) []FieldProblem {
	var out []FieldProblem
	if err := awsnames.IAMName(name, MaxConsoleGroupName, "group"); err != nil {
		out = append(out, FieldProblem{"name", err.Error()})
	}
	if err := awsnames.IAMPath(path); err != nil {
		out = append(out, FieldProblem{"path", err.Error()})
	}
	return out
}

// IAMPathProblems checks a list of IAM paths, each reported as field[i].
func IAMPathProblems(field string, paths []string) []FieldProblem {
	var out []FieldProblem
	for i, p := range paths {
		if err := awsnames.IAMPath(p); err != nil {
			out = append(out, FieldProblem{fmt.Sprintf("%s[%d]", field, i), err.Error()})
		}
	}
	return out
}

// ConsolePathsProblem reports, when the console groups' paths make the developers' console
// policy (the larger of the two) longer than IAM allows a managed policy, by how much:
// every console path is in it twice, and a path may be 512 characters. Empty when they fit.
func ConsolePathsProblem(a Account, consolePaths []string) string {
	doc := iampolicy.DeveloperConsolePolicy(a.Partition, a.ID, iampolicy.UserPaths{Console: consolePaths, Machine: MachineUserPaths()})
	doc.Statements = append(doc.Statements, a.RegionDeny()...)
	text := doc.MustJSON()
	if len(text) <= iampolicy.MaxManagedPolicySize {
		return ""
	}
	return fmt.Sprintf("the console paths make the console groups' policy %d characters, over IAM's %d for a managed policy: use shorter paths", len(text), iampolicy.MaxManagedPolicySize)
}

// ConsolePolicySuffix names a console group's own policy: <group>-console.
const ConsolePolicySuffix = "-console"

// MaxConsoleGroupName keeps <group>-console within IAM's policy name limit.
const MaxConsoleGroupName = awsnames.MaxPolicyName - len(ConsolePolicySuffix)

// PasswordPolicy is the account password policy. The config defaults follow CIS v5.0.0 1.7, 1.8 (v7.0.0 2.8, 2.9).
type PasswordPolicy struct {
	MinimumLength      int  `json:"minimumLength"`      // 14 to 128
	ReusePrevention    int  `json:"reusePrevention"`    // 24 (the most AWS allows, and what CIS asks)
	RequireUppercase   bool `json:"requireUppercase"`   // A-Z; CIS asks for it
	RequireLowercase   bool `json:"requireLowercase"`   // a-z; CIS asks for it
	RequireNumbers     bool `json:"requireNumbers"`     // 0-9; CIS asks for it
	RequireSymbols     bool `json:"requireSymbols"`     // ! @ # ...; CIS asks for it
	AllowUsersToChange bool `json:"allowUsersToChange"` // users change their own password
	MaxAgeDays         int  `json:"maxAgeDays"`         // 0: never expire; else 1 to 1095
	HardExpiry         bool `json:"hardExpiry"`         // expired users need an admin reset
}

// PasswordRule names the mandatory rule (rules/) that holds the account password policy
// to CIS. The configuration refuses what it refuses, in the same words (Refusal): a
// stack file that no deploy could pass stops before anything is registered.
const PasswordRule = "password-policy-cis"

// PasswordPolicyKey is the password policy's key in the stack file, without the project
// namespace.
const PasswordPolicyKey = "account.passwordPolicy"

// PasswordFloor is one setting of the password policy that CIS puts a floor on.
type PasswordFloor struct {
	Field    string  // the setting, passwordPolicy.<Field>
	Property string  // the input of the AWS password policy resource it becomes
	Switch   bool    // a switch CIS wants on; else a number of at least Least
	Least    float64 // the least number CIS accepts
	Accepts  string  // what CIS asks, in the words of every refusal
}

// PasswordFloors are the settings password-policy-cis judges, the one list of them.
var PasswordFloors = []PasswordFloor{
	{Field: "minimumLength", Property: "minimumPasswordLength", Least: 14, Accepts: cis.Ref("1.7") + " asks for at least 14"},
	{Field: "reusePrevention", Property: "passwordReusePrevention", Least: 24, Accepts: cis.Ref("1.8") + " asks for 24"},
	{Field: "requireUppercase", Property: "requireUppercaseCharacters", Switch: true, Accepts: "project policy R2 asks for every character class"},
	{Field: "requireLowercase", Property: "requireLowercaseCharacters", Switch: true, Accepts: "project policy R2 asks for every character class"},
	{Field: "requireNumbers", Property: "requireNumbers", Switch: true, Accepts: "project policy R2 asks for every character class"},
	{Field: "requireSymbols", Property: "requireSymbols", Switch: true, Accepts: "project policy R2 asks for every character class"},
}

// Refuses reports whether value (a bool for a switch, a number otherwise) is below the floor.
func (f PasswordFloor) Refuses(value any) bool {
	switch v := value.(type) {
	case bool:
		return f.Switch && !v
	case int:
		return !f.Switch && float64(v) < f.Least
	case float64:
		return !f.Switch && v < f.Least
	}
	return false
}

// Refusal words a value a rule refuses, after the setting's key:
// "5 fails password-policy-cis (CIS v5.0.0 1.8 (v7.0.0 2.9) asks for 24)".
func Refusal(value any, rule, accepts string) string {
	return fmt.Sprintf("%v fails %s (%s)", value, rule, accepts)
}

// value returns the setting named field (a PasswordFloor's Field).
func (p PasswordPolicy) value(field string) any {
	switch field {
	case "minimumLength":
		return p.MinimumLength
	case "reusePrevention":
		return p.ReusePrevention
	case "requireUppercase":
		return p.RequireUppercase
	case "requireLowercase":
		return p.RequireLowercase
	case "requireNumbers":
		return p.RequireNumbers
	case "requireSymbols":
		return p.RequireSymbols
	}
	return nil
}

// Problems lists the fields outside AWS's limits or below the CIS floor that the
// mandatory rule PasswordRule holds.
func (p PasswordPolicy) Problems() []FieldProblem {
	var out []FieldProblem
	for _, f := range PasswordFloors {
		if v := p.value(f.Field); f.Refuses(v) {
			out = append(out, FieldProblem{f.Field, Refusal(v, PasswordRule, f.Accepts)})
		}
	}
	if p.MinimumLength > 128 {
		out = append(out, FieldProblem{"minimumLength", fmt.Sprintf("%d is over AWS's maximum of 128", p.MinimumLength)})
	}
	if p.ReusePrevention > 24 {
		out = append(out, FieldProblem{"reusePrevention", fmt.Sprintf("%d is over AWS's maximum of 24 ("+cis.Ref("1.8")+" asks for 24)", p.ReusePrevention)})
	}
	if p.MaxAgeDays < 0 || p.MaxAgeDays > 1095 {
		out = append(out, FieldProblem{"maxAgeDays", fmt.Sprintf("%d is out of range: 0 (never expire) or 1 to 1095", p.MaxAgeDays)})
	}
	if p.HardExpiry && p.MaxAgeDays == 0 {
		out = append(out, FieldProblem{"hardExpiry", "needs maxAgeDays: passwords that never expire cannot hard-expire"})
	}
	return out
}

// managedPolicyName is the shape of an AWS managed policy name, with its path.
var managedPolicyName = regexp.MustCompile(`^([A-Za-z0-9+=,.@_-]+/)*[A-Za-z0-9+=,.@_-]+$`)

// DeveloperPolicyProblems checks a developer group's AWS managed policies against the
// allow-list (iampolicy.DeveloperPolicies), as managedPolicies[i].
func DeveloperPolicyProblems(policies []string) []FieldProblem {
	var out []FieldProblem
	for i, p := range policies {
		field := fmt.Sprintf("managedPolicies[%d]", i)
		switch {
		case !managedPolicyName.MatchString(p):
			out = append(out, FieldProblem{field, fmt.Sprintf("%q is not an AWS managed policy name such as ReadOnlyAccess or job-function/ViewOnlyAccess", p)})
		case slices.Contains(iampolicy.AdminEquivalentPolicies(), p):
			out = append(out, FieldProblem{field, fmt.Sprintf("%s makes developers admins; put such people in admins instead", p)})
		default:
			if _, ok := iampolicy.DeveloperPolicy(p); !ok {
				out = append(out, FieldProblem{field, fmt.Sprintf("%s is not one of the AWS managed policies developers may hold: %s (each neither lets a developer make itself an admin nor reads data or secrets)", p, strings.Join(iampolicy.DeveloperPolicies(), ", "))})
			}
		}
	}
	return out
}
