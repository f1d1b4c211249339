package components

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/secure-aws/secure-aws/iampolicy"
	"github.com/secure-aws/secure-aws/spec"
)

// ConsoleGroupArgs configures an AdminGroup or a DeveloperGroup.
type ConsoleGroupArgs struct {
	// Account the group lives in (required).
	Account spec.Account
	// Stack is the stack that creates the users (awsnames.StackTag), tagged on each so the
	// credential audit can tell them from users made by hand (required).
	Stack string
	// GroupName is the IAM group name (required), e.g. admins.
	GroupName string
	// Path is the IAM path of the group and its users (required), e.g. /admins/.
	Path string
	// OtherConsolePaths are the IAM paths of the account's other console groups (optional,
	// e.g. /developers/ for the admins): the members mint no credential for users there
	// either.
	OtherConsolePaths []string
	// Users are the group's members, each created with a console login profile. Optional.
	Users []spec.ConsoleUser
	// PasswordLength of generated initial passwords (required, 14 to 128; at least the
	// password policy's minimum length).
	PasswordLength int
}

// consoleKind is what tells the two console groups apart.
type consoleKind struct {
	token string
	// managed are the AWS managed policies the group holds.
	managed []string
	// policy builds the group's own policy: iampolicy.AdminConsolePolicy or
	// iampolicy.DeveloperConsolePolicy.
	policy func(partition, accountID string, paths iampolicy.UserPaths) iampolicy.Document
}

// ConsoleGroupOutputs are the attributes every console group exports.
type ConsoleGroupOutputs struct {
	// GroupName is the IAM group name.
	GroupName pulumi.StringOutput `output:"groupName"`
	// Arn is the IAM group ARN.
	Arn pulumi.StringOutput `output:"arn"`
	// UserNames are the member user names.
	UserNames pulumi.StringArrayOutput `output:"userNames"`
	// UserArns maps each member to its ARN.
	UserArns pulumi.StringMapOutput `output:"userArns"`
	// InitialPasswords maps each member to the initial password, a Pulumi secret, or the
	// PGP-encrypted password (base64) for members with a pgpKey.
	InitialPasswords pulumi.StringMapOutput `output:"initialPasswords,secret"`
}

// userPaths are the paths the group's guard-rails cover: every console group's and every
// machine principal's.
func (args *ConsoleGroupArgs) userPaths() iampolicy.UserPaths {
	return iampolicy.UserPaths{Console: append([]string{args.Path}, args.OtherConsolePaths...), Machine: spec.MachineUserPaths()}
}

func (args *ConsoleGroupArgs) validate() error {
	problems := slices.Concat(accountProblems(args.Account), stackProblems(args.Stack), spec.ConsoleGroupProblems(args.GroupName, args.Path))
	if args.PasswordLength < 14 || args.PasswordLength > 128 {
		problems = append(problems, spec.FieldProblem{Field: "passwordLength", Message: fmt.Sprintf("%d is out of range: 14 to 128", args.PasswordLength)})
	}
	problems = append(problems, spec.IAMPathProblems("otherConsolePaths", args.OtherConsolePaths)...)
	seen := map[string]bool{}
	for i, u := range args.Users {
		for _, p := range u.Problems() {
			problems = append(problems, spec.FieldProblem{Field: fmt.Sprintf("users[%d].%s", i, p.Field), Message: p.Message})
		}
		if seen[strings.ToLower(u.Name)] {
			problems = append(problems, spec.FieldProblem{Field: fmt.Sprintf("users[%d].name", i), Message: fmt.Sprintf("user %s is listed twice", u.Name)})
		}
		seen[strings.ToLower(u.Name)] = true
	}
	if len(problems) == 0 {
		if msg := spec.ConsolePathsProblem(args.Account, args.userPaths().Console); msg != "" {
			problems = append(problems, spec.FieldProblem{Field: "path", Message: "with otherConsolePaths: " + msg})
		}
	}
	return spec.ProblemsError(problems)
}

// newConsoleGroup registers c, of the given kind, with its group, policies and members.
func newConsoleGroup(ctx *pulumi.Context, name string, c pulumi.ComponentResource, outs *ConsoleGroupOutputs, args *ConsoleGroupArgs, kind consoleKind, opts ...pulumi.ResourceOption) error {
	if args == nil {
		return errors.New(kind.token + ": args are required")
	}
	if err := args.validate(); err != nil {
		return fmt.Errorf("%s %s: %w", kind.token, name, err)
	}
	if err := ctx.RegisterComponentResource(kind.token, name, c, opts...); err != nil {
		return fmt.Errorf("registering %s %s: %w", kind.token, name, err)
	}
	parent := pulumi.Parent(c)
	group, err := iam.NewGroup(ctx, name+"-group", &iam.GroupArgs{
		Name: pulumi.String(args.GroupName),
		Path: pulumi.String(args.Path),
	}, parent)
	if err != nil {
		return fmt.Errorf("creating group %s: %w", args.GroupName, err)
	}
	policyArns := pulumi.StringArray{}
	for _, policy := range kind.managed {
		arn := pulumi.String(args.Account.ManagedPolicyARN(policy))
		if _, err := iam.NewGroupPolicyAttachment(ctx, name+"-"+strings.ReplaceAll(policy, "/", "-"), &iam.GroupPolicyAttachmentArgs{
			Group:     group.Name,
			PolicyArn: arn,
		}, parent); err != nil {
			return fmt.Errorf("attaching %s to %s: %w", policy, args.GroupName, err)
		}
		policyArns = append(policyArns, arn)
	}
	doc := kind.policy(args.Account.Partition, args.Account.ID, args.userPaths())
	doc.Statements = append(doc.Statements, args.Account.RegionDeny()...)
	console, err := attachGroupPolicy(ctx, c, name+"-console", group, args.GroupName+spec.ConsolePolicySuffix, args.Path, doc)
	if err != nil {
		return err
	}
	policyArns = append(policyArns, console.Arn)

	userNames := pulumi.StringArray{}
	userArns := pulumi.StringMap{}
	passwords := pulumi.StringMap{}
	for _, u := range args.Users {
		user, err := iam.NewUser(ctx, name+"-"+u.Name, &iam.UserArgs{
			Name: pulumi.String(u.Name),
			Path: pulumi.String(args.Path),
			Tags: userTags(args.Stack),
			// Removing a person must succeed even after they enrolled an MFA device.
			ForceDestroy: pulumi.Bool(true),
		}, parent)
		if err != nil {
			return fmt.Errorf("creating user %s: %w", u.Name, err)
		}
		profileArgs := &iam.UserLoginProfileArgs{
			User:                  user.Name,
			PasswordLength:        pulumi.Int(args.PasswordLength),
			PasswordResetRequired: pulumi.Bool(true),
		}
		if u.PGPKey != "" {
			profileArgs.PgpKey = pulumi.String(u.PGPKey)
		}
		// After the first sign-in AWS reports the reset flag cleared; these fields only
		// matter at creation, so a change to them must never replace the profile.
		profile, err := iam.NewUserLoginProfile(ctx, name+"-"+u.Name+"-login", profileArgs, parent,
			pulumi.IgnoreChanges([]string{"passwordResetRequired", "passwordLength", "pgpKey"}))
		if err != nil {
			return fmt.Errorf("creating the login profile of %s: %w", u.Name, err)
		}
		if _, err := iam.NewUserGroupMembership(ctx, name+"-"+u.Name+"-membership", &iam.UserGroupMembershipArgs{
			User:   user.Name,
			Groups: pulumi.StringArray{group.Name},
		}, parent); err != nil {
			return fmt.Errorf("adding %s to %s: %w", u.Name, args.GroupName, err)
		}
		if err := ownUser(ctx, c, name+"-"+u.Name, user, u.Name); err != nil {
			return err
		}
		userNames = append(userNames, user.Name)
		userArns[u.Name] = user.Arn
		if u.PGPKey != "" {
			passwords[u.Name] = profile.EncryptedPassword
		} else {
			passwords[u.Name] = profile.Password
		}
	}
	if err := ownGroup(ctx, c, name, group, args.GroupName, userNames, policyArns); err != nil {
		return err
	}

	*outs = ConsoleGroupOutputs{
		GroupName:        group.Name,
		Arn:              group.Arn,
		UserNames:        userNames.ToStringArrayOutput(),
		UserArns:         userArns.ToStringMapOutput(),
		InitialPasswords: pulumi.ToSecret(passwords.ToStringMapOutput()).(pulumi.StringMapOutput),
	}
	return registerOutputs(ctx, c, name)
}
