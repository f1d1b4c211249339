package components

import (
	"errors"
	"fmt"
	"slices"

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

// deployPolicy is the deploy role's own policy: its guard-rails, and what the account's
// alerts, budget and contacts, EBS encryption by default and detective services need,
// which none of deployPolicies covers.
func deployPolicy(account spec.Account, consolePaths []string) iampolicy.Document {
	doc := iampolicy.DeployRoleGuardrails(account.Partition, account.ID, iampolicy.UserPaths{Console: consolePaths, Machine: spec.MachineUserPaths()})
	doc.Statements = append(doc.Statements, iampolicy.AlertsDeployStatement(), iampolicy.DetectionDeployStatement())
	return doc
}

// stateReads are what a preview needs of an S3 state backend: its objects, and the listing
// the backend uses to find a stack's checkpoint (.json, .json.gz).
var stateReads = []string{"s3:GetObject", "s3:ListBucket"}

// stateWrites are what `pulumi up` writes to an S3 state backend: checkpoints, history and
// lock files, which it deletes after the run, and the aborts of failed multipart uploads.
var stateWrites = []string{"s3:AbortMultipartUpload", "s3:DeleteObject", "s3:PutObject"}

// previewPolicy is all `pulumi preview` needs from AWS: a preview does not refresh, so it
// reads no resource, only what the managing stack's checks read: the IAM account summary
// and the virtual MFA devices (the root check) and the credential report with the tags of the users it must tell
// apart (the credential audit), which hold users' credential dates and no secret. No data:
// ReadOnlyAccess would let any pull request read every bucket. With an S3 state backend,
// it reads the state (stateReads) and may change nothing there; and since the state bucket
// is always adopted, what the adoption check reads of it (its replication, lifecycle and
// notification configuration, and the account's access points). A bucket marked for
// import is not among them: the preview role cannot preview an import anyway.
func previewPolicy(account spec.Account, stateBucket string) (iampolicy.Document, error) {
	doc := iampolicy.Document{Statements: []iampolicy.Statement{{
		Sid:       "ReadRootCredentialStatus",
		Effect:    iampolicy.Allow,
		Actions:   iampolicy.RootCheckActions(),
		Resources: []string{"*"},
	}, {
		Sid:       "AuditCredentials",
		Effect:    iampolicy.Allow,
		Actions:   iampolicy.CredentialAuditActions(),
		Resources: []string{"*"},
	}}}
	if stateBucket == "" {
		return doc, nil
	}
	var bucketReads, accountReads []string
	for _, a := range iampolicy.AdoptionCheckActions() {
		if level, _ := iampolicy.S3ActionLevel(a); level == iampolicy.AccountLevel {
			accountReads = append(accountReads, a)
		} else {
			bucketReads = append(bucketReads, a)
		}
	}
	state, err := iampolicy.S3AccessDocument(account.Partition, iampolicy.BucketOwners{Account: account.ID}, []iampolicy.S3Grant{{Bucket: stateBucket, Actions: append(slices.Clone(stateReads), bucketReads...)}})
	if err != nil {
		return iampolicy.Document{}, fmt.Errorf("the preview role's state access: %w", err)
	}
	doc.Statements = append(doc.Statements, state.Statements...)
	doc.Statements = append(doc.Statements, iampolicy.Statement{Sid: "ListAccessPointsOfAdoptedBuckets", Effect: iampolicy.Allow, Actions: accountReads, Resources: []string{"*"}})
	return doc, nil
}

// stateGuard is what the state bucket's own policy allows whatever any identity policy says
// (rule R15): only the deploy role writes the state, and only the CI roles read it, so no
// application, third party or backup writer of any stack reaches it by a grant made in
// error. A person signed in with MFA may do both: the first deploy, a run by hand and
// `pulumi state` commands are an admin's.
func stateGuard(account spec.Account) iampolicy.ObjectGuard {
	person := iampolicy.ExceptSignedInWithMFA()
	return iampolicy.ObjectGuard{
		WriteActions: slices.Clone(stateWrites),
		Writers:      []iampolicy.Condition{iampolicy.ExceptPrincipals(account.RoleARN(DeployRoleName)), person},
		Readers:      []iampolicy.Condition{iampolicy.ExceptPrincipals(account.RoleARN(DeployRoleName), account.RoleARN(PreviewRoleName), account.RoleARN(DriftRoleName)), person},
	}
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
// drift role, for its "drift" environment, that reads configuration and no data. With an
// S3 state backend (StateBucket), it adopts the backend's bucket as a SecureBucket that
// only the deploy role writes and only the three roles read (stateGuard).
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
	preview, err := previewPolicy(args.Account, args.StateBucket)
	if err != nil {
		return nil, fmt.Errorf("ci deploy role %s: %w", name, err)
	}
	var state *SecureBucketArgs
	if args.StateBucket != "" {
		// The backend's bucket exists before the first up (it holds this very state), so it
		// is always adopted; once in the state, the import is a no-op.
		state = &SecureBucketArgs{
			Account:          args.Account,
			BucketName:       args.StateBucket,
			ImportExisting:   true,
			PolicyStatements: iampolicy.GuardedObjectStatements(args.Account.Partition, args.StateBucket, stateGuard(args.Account)),
		}
		if err := state.validate(); err != nil {
			return nil, fmt.Errorf("ci deploy role %s: state bucket: %w", name, err)
		}
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
		policy: deployPolicy(args.Account, args.ConsoleUserPaths)}, args.Account, roleOpts...)
	if err != nil {
		return nil, err
	}
	previewSubject := args.Subject() + ":environment:" + spec.PreviewEnvironment
	previewRole, err := newRole(ctx, c, name+"-preview", roleSpec{name: PreviewRoleName, description: "secure-aws: pulumi preview of pull requests; reads no data", trust: iampolicy.GitHubOIDCTrust(providerARN, []string{previewSubject}), policy: preview}, args.Account, roleOpts...)
	if err != nil {
		return nil, err
	}
	drift, err := newRole(ctx, c, name+"-drift", roleSpec{name: DriftRoleName, description: "secure-aws: daily refresh-and-compare; reads configuration, no data", trust: iampolicy.GitHubOIDCTrust(providerARN, []string{args.Subject() + ":environment:" + spec.DriftEnvironment}), policy: iampolicy.ConfigurationReaderPolicy(args.Account.Partition, args.StateBucket)}, args.Account, roleOpts...)
	if err != nil {
		return nil, err
	}
	if state != nil {
		if _, err := NewSecureBucket(ctx, name+"-state", state, parent); err != nil {
			return nil, err
		}
	}
	c.DeployRoleArn = deploy.Arn
	c.PreviewRoleArn = previewRole.Arn
	c.DriftRoleArn = drift.Arn
	if err := registerOutputs(ctx, c, name); err != nil {
		return nil, err
	}
	return c, nil
}
