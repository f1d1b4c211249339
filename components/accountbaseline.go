package components

import (
	"errors"
	"fmt"
	"slices"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/accessanalyzer"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ebs"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/secure-aws/secure-aws/awsnames"
	"github.com/secure-aws/secure-aws/awstypes"
	"github.com/secure-aws/secure-aws/cis"
	"github.com/secure-aws/secure-aws/iampolicy"
	"github.com/secure-aws/secure-aws/spec"
)

// AccountBaselineType is the type token of AccountBaseline; renaming it changes every child URN.
const AccountBaselineType = awstypes.AccountBaseline

// SupportRoleName is the name of the support role of CIS v5.0.0 1.16 (v7.0.0 2.15).
const SupportRoleName = "aws-support"

// AccountBaselineArgs configures an AccountBaseline.
type AccountBaselineArgs struct {
	// Account to configure (required).
	Account spec.Account
	// Alias is the account alias used in the console sign-in URL (required).
	Alias string
	// PasswordPolicy for IAM users (required; see PasswordPolicy.Problems).
	PasswordPolicy spec.PasswordPolicy
	// AdminUserPath is the IAM path of the admin users, who alone may assume the support
	// role (required, e.g. /admins/).
	AdminUserPath string
	// Regions are further regions, beyond the stack's, that get the account defaults of
	// their own: an IAM Access Analyzer (CIS v5.0.0 1.19 (v7.0.0 2.18) asks for every region
	// in use) and EBS encryption by default (CIS v5.0.0 5.1.1 (v7.0.0 6.1.1)). Optional.
	Regions []string
	// ImportExisting adopts the alias the account already has (it must be Alias) and its
	// password policy: the first up imports them, then sets this program's policy.
	// Default false.
	ImportExisting bool
}

// AccountBaseline holds the account-wide settings (rule R2): alias, password policy,
// account-level S3 Block Public Access, the CIS v5.0.0 1.16 (v7.0.0 2.15) support role, and in
// the stack's region and each of Regions an IAM Access Analyzer and EBS encryption by
// default. They exist once per account: create it in one stack only.
type AccountBaseline struct {
	pulumi.ResourceState

	// Alias is the account alias.
	Alias pulumi.StringOutput `output:"alias"`
	// SupportRoleArn is the ARN of the support role.
	SupportRoleArn pulumi.StringOutput `output:"supportRoleArn"`
	// AnalyzerArn is the ARN of the account's IAM Access Analyzer.
	AnalyzerArn pulumi.StringOutput `output:"analyzerArn"`
}

// NewAccountBaseline registers an AccountBaseline.
func NewAccountBaseline(ctx *pulumi.Context, name string, args *AccountBaselineArgs, opts ...pulumi.ResourceOption) (*AccountBaseline, error) {
	if args == nil {
		return nil, errors.New("account baseline: args are required")
	}
	problems := accountProblems(args.Account)
	if err := awsnames.AccountAlias(args.Alias); err != nil {
		problems = append(problems, spec.FieldProblem{Field: "alias", Message: err.Error()})
	}
	for _, p := range args.PasswordPolicy.Problems() {
		problems = append(problems, spec.FieldProblem{Field: "passwordPolicy." + p.Field, Message: p.Message})
	}
	if err := awsnames.IAMPath(args.AdminUserPath); err != nil {
		problems = append(problems, spec.FieldProblem{Field: "adminUserPath", Message: err.Error()})
	}
	if err := spec.ProblemsError(problems); err != nil {
		return nil, fmt.Errorf("account baseline %s: %w", name, err)
	}

	c := &AccountBaseline{}
	if err := ctx.RegisterComponentResource(AccountBaselineType, name, c, opts...); err != nil {
		return nil, fmt.Errorf("registering %s %s: %w", AccountBaselineType, name, err)
	}
	parent := pulumi.Parent(c)
	// The account-wide settings outlive the stack that set them: if account.manage moves to
	// another stack, or the baseline leaves the program, the account keeps its alias,
	// password policy and public access block rather than dropping to AWS defaults.
	retained := []pulumi.ResourceOption{parent, pulumi.RetainOnDelete(true)}
	adopt := func(id string) []pulumi.ResourceOption {
		if !args.ImportExisting {
			return retained
		}
		return append(slices.Clone(retained), pulumi.Import(pulumi.ID(id)))
	}
	alias, err := iam.NewAccountAlias(ctx, name+"-alias", &iam.AccountAliasArgs{
		AccountAlias: pulumi.String(args.Alias),
	}, adopt(args.Alias)...)
	if err != nil {
		return nil, fmt.Errorf("setting the account alias: %w", err)
	}
	p := args.PasswordPolicy
	policyArgs := &iam.AccountPasswordPolicyArgs{
		MinimumPasswordLength:      pulumi.Int(p.MinimumLength),
		PasswordReusePrevention:    pulumi.Int(p.ReusePrevention),
		RequireUppercaseCharacters: pulumi.Bool(p.RequireUppercase),
		RequireLowercaseCharacters: pulumi.Bool(p.RequireLowercase),
		RequireNumbers:             pulumi.Bool(p.RequireNumbers),
		RequireSymbols:             pulumi.Bool(p.RequireSymbols),
		AllowUsersToChangePassword: pulumi.Bool(p.AllowUsersToChange),
		HardExpiry:                 pulumi.Bool(p.HardExpiry),
		// Always set, so going back to 0 (never expire) shows as a change and is applied.
		MaxPasswordAge: pulumi.Int(p.MaxAgeDays),
	}
	// The password policy's id is fixed: an account has one.
	if _, err := iam.NewAccountPasswordPolicy(ctx, name+"-password-policy", policyArgs, adopt("iam-account-password-policy")...); err != nil {
		return nil, fmt.Errorf("setting the password policy: %w", err)
	}
	if _, err := s3.NewAccountPublicAccessBlock(ctx, name+"-s3-public-access", &s3.AccountPublicAccessBlockArgs{
		AccountId:             pulumi.String(args.Account.ID),
		BlockPublicAcls:       pulumi.Bool(true),
		BlockPublicPolicy:     pulumi.Bool(true),
		IgnorePublicAcls:      pulumi.Bool(true),
		RestrictPublicBuckets: pulumi.Bool(true),
	}, retained...); err != nil {
		return nil, fmt.Errorf("blocking public S3 access for the account: %w", err)
	}
	// The stack's region keeps the names it always had (no suffix), each further region
	// its own; the analyzers' names are those of the analyzerRegions they were created
	// under, so no URN changed when the key became account.regions.
	analyzer, err := regionDefaults(ctx, name, "", args, parent, retained)
	if err != nil {
		return nil, err
	}
	for _, region := range args.Regions {
		provider, err := regionProvider(ctx, name, region, args.Account, parent)
		if err != nil {
			return nil, err
		}
		in := pulumi.Provider(provider)
		if _, err := regionDefaults(ctx, name, "-"+region, args, pulumi.Composite(parent, in), append(slices.Clone(retained), in)); err != nil {
			return nil, fmt.Errorf("region %s: %w", region, err)
		}
	}
	role, err := newRole(ctx, c, name+"-support-role", roleSpec{
		name:        SupportRoleName,
		description: cis.Ref("1.16") + ": manage incidents with AWS Support; assumable by admins with MFA",
		trust:       supportTrust(args.Account, args.AdminUserPath),
		managed:     []string{"AWSSupportAccess"},
	}, args.Account)
	if err != nil {
		return nil, err
	}

	c.Alias = alias.AccountAlias
	c.SupportRoleArn = role.Arn
	c.AnalyzerArn = analyzer.Arn
	if err := registerOutputs(ctx, c, name); err != nil {
		return nil, err
	}
	return c, nil
}

// regionDefaults registers the account defaults of one region, each named name-<what><suffix>:
// the IAM Access Analyzer, and EBS encryption by default (new volumes and snapshot copies
// are encrypted with the region's default key), retained like the other account-wide
// settings so that leaving the program does not turn it off.
func regionDefaults(ctx *pulumi.Context, name, suffix string, args *AccountBaselineArgs, opt pulumi.ResourceOption, retained []pulumi.ResourceOption) (*accessanalyzer.Analyzer, error) {
	analyzer, err := accessanalyzer.NewAnalyzer(ctx, name+"-access-analyzer"+suffix, &accessanalyzer.AnalyzerArgs{
		AnalyzerName: pulumi.String(args.Alias + "-account"),
		Type:         pulumi.String("ACCOUNT"),
	}, opt)
	if err != nil {
		return nil, fmt.Errorf("creating the access analyzer: %w", err)
	}
	if _, err := ebs.NewEncryptionByDefault(ctx, name+"-ebs-encryption"+suffix, &ebs.EncryptionByDefaultArgs{
		Enabled: pulumi.Bool(true),
	}, retained...); err != nil {
		return nil, fmt.Errorf("turning on EBS encryption by default: %w", err)
	}
	return analyzer, nil
}

// supportTrust lets only the account's admin users, signed in with MFA, assume the role.
func supportTrust(a spec.Account, adminPath string) iampolicy.Document {
	doc := iampolicy.AssumeRoleWithMFATrust(a.Partition, a.ID)
	doc.Statements[0].Conditions = append(doc.Statements[0].Conditions, iampolicy.Condition{
		Operator: "ArnLike",
		Key:      "aws:PrincipalArn",
		Values:   []string{"arn:" + a.Partition + ":iam::" + a.ID + ":user" + adminPath + "*"},
	})
	return doc
}
