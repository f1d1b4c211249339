package components

import (
	"errors"
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/secure-aws/secure-aws/iampolicy"
	"github.com/secure-aws/secure-aws/spec"
)

// CIDeployRoleType is the type token of CIDeployRole; renaming it changes every child URN.
const CIDeployRoleType = "secure-aws:components:CIDeployRole"

// Role names of the CI roles.
const (
	DeployRoleName  = "secure-aws-deploy"
	PreviewRoleName = "secure-aws-preview"
	DriftRoleName   = "secure-aws-drift"
)

// deployPolicies are what `pulumi up` of this program needs: it manages IAM, S3 and IAM
// Access Analyzer. IAM write access is admin-equivalent, which is why the role trusts
// only one branch and the protected deployment environments of one repository, and why
// its own policy (iampolicy.DeployRoleGuardrails) denies what the program never does.
var deployPolicies = []string{"IAMFullAccess", "AmazonS3FullAccess", "IAMAccessAnalyzerFullAccess", "AWSCloudTrail_FullAccess"}

// previewPolicy is all `pulumi preview` needs from AWS beyond the state backend: a preview
// does not refresh, so it reads no resource, only what the managing stack's checks read:
// the IAM account summary (the root check) and the credential report with the tags of the
// users it must tell apart (the credential audit), which hold users' credential dates and
// no secret. No data: ReadOnlyAccess would let any pull request read every bucket.
func previewPolicy() iampolicy.Document {
	return iampolicy.Document{Statements: []iampolicy.Statement{{
		Sid:       "ReadRootCredentialStatus",
		Effect:    iampolicy.Allow,
		Actions:   []string{"iam:GetAccountSummary"},
		Resources: []string{"*"},
	}, {
		Sid:       "AuditCredentials",
		Effect:    iampolicy.Allow,
		Actions:   iampolicy.CredentialAuditActions(),
		Resources: []string{"*"},
	}}}
}

// CIDeployRoleArgs configures a CIDeployRole.
type CIDeployRoleArgs struct {
	// Account the roles live in (required).
	Account spec.Account
	// CITrust is the repository, branch or environments the roles trust (required).
	spec.CITrust
	// CreateOIDCProvider creates the account's GitHub OIDC provider; set it false where the
	// account already has one (there is one per account).
	CreateOIDCProvider bool
	// ConsoleUserPaths are the IAM paths of the account's console groups (required): the
	// deploy role mints no programmatic credential for a user under them.
	ConsoleUserPaths []string
}

// CIDeployRole lets GitHub Actions deploy without stored AWS keys: the account's GitHub
// OIDC provider, a deploy role for one repository's branch or deployment environments, a
// preview role, for the repository's "preview" environment, that can read no data, and a
// drift role, for its "drift" environment, that reads configuration and no data.
type CIDeployRole struct {
	pulumi.ResourceState

	// DeployRoleArn is the role `pulumi up` assumes.
	DeployRoleArn pulumi.StringOutput `output:"deployRoleArn"`
	// PreviewRoleArn is the role `pulumi preview` assumes in pull requests.
	PreviewRoleArn pulumi.StringOutput `output:"previewRoleArn"`
	// DriftRoleArn is the role of the scheduled drift check: configuration reads only.
	DriftRoleArn pulumi.StringOutput `output:"driftRoleArn"`
}

// NewCIDeployRole registers a CIDeployRole.
func NewCIDeployRole(ctx *pulumi.Context, name string, args *CIDeployRoleArgs, opts ...pulumi.ResourceOption) (*CIDeployRole, error) {
	if args == nil {
		return nil, errors.New("ci deploy role: args are required")
	}
	problems := append(accountProblems(args.Account), args.CITrust.Problems()...)
	if len(args.ConsoleUserPaths) == 0 {
		problems = append(problems, spec.FieldProblem{Field: "consoleUserPaths", Message: "is required: the console groups' paths, e.g. /admins/"})
	}
	problems = append(problems, spec.IAMPathProblems("consoleUserPaths", args.ConsoleUserPaths)...)
	if err := spec.ProblemsError(problems); err != nil {
		return nil, fmt.Errorf("ci deploy role %s: %w", name, err)
	}
	c := &CIDeployRole{}
	if err := ctx.RegisterComponentResource(CIDeployRoleType, name, c, opts...); err != nil {
		return nil, fmt.Errorf("registering %s %s: %w", CIDeployRoleType, name, err)
	}
	parent := pulumi.Parent(c)
	providerARN := "arn:" + args.Account.Partition + ":iam::" + args.Account.ID + ":oidc-provider/" + iampolicy.GitHubOIDCIssuer
	var roleOpts []pulumi.ResourceOption
	if args.CreateOIDCProvider {
		provider, err := iam.NewOpenIdConnectProvider(ctx, name+"-github-oidc", &iam.OpenIdConnectProviderArgs{
			Url:           pulumi.String("https://" + iampolicy.GitHubOIDCIssuer),
			ClientIdLists: pulumi.StringArray{pulumi.String("sts.amazonaws.com")},
		}, parent)
		if err != nil {
			return nil, fmt.Errorf("creating the GitHub OIDC provider: %w", err)
		}
		roleOpts = append(roleOpts, pulumi.DependsOn([]pulumi.Resource{provider}))
	}

	deploySubjects := []string{args.Subject() + ":ref:refs/heads/" + args.Branch}
	if len(args.Environments) > 0 {
		deploySubjects = nil
		for _, e := range args.Environments {
			deploySubjects = append(deploySubjects, args.Subject()+":environment:"+e)
		}
	}
	deploy, err := newRole(ctx, c, name+"-deploy", roleSpec{name: DeployRoleName, description: "secure-aws: pulumi up from GitHub Actions", trust: iampolicy.GitHubOIDCTrust(providerARN, deploySubjects), managed: deployPolicies,
		policy: iampolicy.DeployRoleGuardrails(args.Account.Partition, args.Account.ID, iampolicy.UserPaths{Console: args.ConsoleUserPaths, Machine: spec.MachineUserPaths()})}, args.Account, roleOpts...)
	if err != nil {
		return nil, err
	}
	previewSubject := args.Subject() + ":environment:" + spec.PreviewEnvironment
	preview, err := newRole(ctx, c, name+"-preview", roleSpec{name: PreviewRoleName, description: "secure-aws: pulumi preview of pull requests; reads no data", trust: iampolicy.GitHubOIDCTrust(providerARN, []string{previewSubject}), policy: previewPolicy()}, args.Account, roleOpts...)
	if err != nil {
		return nil, err
	}
	drift, err := newRole(ctx, c, name+"-drift", roleSpec{name: DriftRoleName, description: "secure-aws: daily refresh-and-compare; reads configuration, no data", trust: iampolicy.GitHubOIDCTrust(providerARN, []string{args.Subject() + ":environment:" + spec.DriftEnvironment}), policy: iampolicy.ConfigurationReaderPolicy(args.Account.Partition, args.StateBucket)}, args.Account, roleOpts...)
	if err != nil {
		return nil, err
	}
	c.DeployRoleArn = deploy.Arn
	c.PreviewRoleArn = preview.Arn
	c.DriftRoleArn = drift.Arn
	if err := registerOutputs(ctx, c, name); err != nil {
		return nil, err
	}
	return c, nil
}
