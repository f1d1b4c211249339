package components

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/secure-aws/secure-aws/awsnames"
	"github.com/secure-aws/secure-aws/iampolicy"
	"github.com/secure-aws/secure-aws/spec"
)

// serviceUser is what AppUser, ThirdPartyUser and BackupVault share: a machine identity
// with its own group carrying its S3 policy, and optionally an access key.
type serviceUser struct {
	userName string
	path     string
	grants   []iampolicy.S3Grant
	// external maps the buckets of grants that the stack does not manage to the accounts
	// that own them; every other bucket is account's.
	external map[string]string
	keys     []spec.KeyGeneration // see spec.KeyGenerations
	pgpKey   string
	account  spec.Account
	stack    string // tagged on the user (awsnames.StackTagKey)
	// importUser adopts an IAM user of that name that already exists: the first up
	// imports it instead of creating it, then brings it to this program's settings.
	importUser bool
}

// PrincipalOutputs are the attributes every machine principal (AppUser, ThirdPartyUser)
// exports.
type PrincipalOutputs struct {
	// UserName is the IAM user name.
	UserName pulumi.StringOutput `output:"userName"`
	// Arn is the IAM user ARN.
	Arn pulumi.StringOutput `output:"arn"`
	// GroupName is the IAM group that carries the user's permissions.
	GroupName pulumi.StringOutput `output:"groupName"`
	KeyOutputs
}

// principalUser is the serviceUser of an application or third-party service, once the
// account and the principal have no problem.
func principalUser(account spec.Account, stack, environment, path string, p spec.Principal, external map[string]string) (serviceUser, error) {
	problems := append(accountProblems(account), stackProblems(stack)...)
	if environment == "" {
		problems = append(problems, spec.FieldProblem{Field: "environment", Message: "is required"})
	}
	problems = append(problems, p.Problems(account.Partition, environment)...)
	if err := spec.ProblemsError(problems); err != nil {
		return serviceUser{}, err
	}
	return serviceUser{
		userName:   p.UserName(environment),
		path:       path,
		grants:     p.Grants,
		external:   external,
		keys:       spec.KeyGenerations(p.AccessKey, p.AccessKeys),
		pgpKey:     p.PGPKey,
		account:    account,
		stack:      stack,
		importUser: p.Import,
	}, nil
}

// accountProblems reports an account that ARNs cannot be built for.
func accountProblems(a spec.Account) []spec.FieldProblem {
	if err := a.Validate(); err != nil {
		return []spec.FieldProblem{{Field: "account", Message: err.Error()}}
	}
	return nil
}

// stackProblems reports a missing stack tag: a user without it is one the credential audit
// takes for made by hand.
func stackProblems(stack string) []spec.FieldProblem {
	if stack == "" {
		return []spec.FieldProblem{{Field: "stack", Message: "is required: the stack that creates the user, tagged on it (" + awsnames.StackTagKey + ")"}}
	}
	return nil
}

// userTags are the tags of a user created by stack.
func userTags(stack string) pulumi.StringMap {
	return pulumi.StringMap{awsnames.StackTagKey: pulumi.String(stack)}
}

// component registers c as a component of type token and the user's resources as its
// children, and fills outs.
func (s serviceUser) component(ctx *pulumi.Context, token, name string, c pulumi.ComponentResource, outs *PrincipalOutputs, opts ...pulumi.ResourceOption) error {
	if err := ctx.RegisterComponentResource(token, name, c, opts...); err != nil {
		return fmt.Errorf("registering %s %s: %w", token, name, err)
	}
	out, err := s.register(ctx, c, name)
	if err != nil {
		return err
	}
	*outs = out
	return registerOutputs(ctx, c, name)
}

// register creates the user, its group, the group's policy, the membership, the owned
// member and policy lists and the optional access key as children of parent, named from
// name.
func (s serviceUser) register(ctx *pulumi.Context, parent pulumi.Resource, name string) (PrincipalOutputs, error) {
	opt := pulumi.Parent(parent)
	docs, err := iampolicy.S3AccessDocuments(s.account.Partition, iampolicy.BucketOwners{Account: s.account.ID, External: s.external}, s.grants, s.account.RegionDeny()...)
	if err != nil {
		return PrincipalOutputs{}, fmt.Errorf("building the policy of %s: %w", s.userName, err)
	}
	userOpts := []pulumi.ResourceOption{opt}
	if s.importUser {
		userOpts = append(userOpts, pulumi.Import(pulumi.ID(s.userName)))
	}
	user, err := iam.NewUser(ctx, name+"-user", &iam.UserArgs{
		Name: pulumi.String(s.userName),
		Path: pulumi.String(s.path),
		Tags: userTags(s.stack),
	}, userOpts...)
	if err != nil {
		return PrincipalOutputs{}, fmt.Errorf("creating user %s: %w", s.userName, err)
	}
	group, err := iam.NewGroup(ctx, name+"-group", &iam.GroupArgs{
		Name: pulumi.String(s.userName),
		Path: pulumi.String(s.path),
	}, opt)
	if err != nil {
		return PrincipalOutputs{}, fmt.Errorf("creating group %s: %w", s.userName, err)
	}
	// Grants beyond one policy's size go to <user>-s3-2, -3, ...: the first keeps the name
	// and URN it always had.
	policyArns := pulumi.StringArray{}
	for i, doc := range docs {
		suffix := "-s3"
		if i > 0 {
			suffix = fmt.Sprintf("-s3-%d", i+1)
		}
		policy, err := attachGroupPolicy(ctx, parent, name+suffix, group, s.userName+suffix, s.path, doc)
		if err != nil {
			return PrincipalOutputs{}, err
		}
		policyArns = append(policyArns, policy.Arn)
	}
	if _, err := iam.NewUserGroupMembership(ctx, name+"-membership", &iam.UserGroupMembershipArgs{
		User:   user.Name,
		Groups: pulumi.StringArray{group.Name},
	}, opt); err != nil {
		return PrincipalOutputs{}, fmt.Errorf("adding %s to its group: %w", s.userName, err)
	}
	// The group is the user's alone, and the user holds nothing itself.
	if err := ownGroup(ctx, parent, name, group, s.userName, pulumi.StringArray{user.Name}, policyArns); err != nil {
		return PrincipalOutputs{}, err
	}
	if err := ownUser(ctx, parent, name+"-user", user, s.userName); err != nil {
		return PrincipalOutputs{}, err
	}
	out := PrincipalOutputs{
		UserName:  user.Name,
		Arn:       user.Arn,
		GroupName: group.Name,
		KeyOutputs: KeyOutputs{
			AccessKeyID:     emptyString(),
			AccessKeyIDs:    pulumi.StringMap{}.ToStringMapOutput(),
			SecretAccessKey: emptyString(),
		},
	}
	if err := s.registerKeys(ctx, parent, name, user, &out); err != nil {
		return PrincipalOutputs{}, err
	}
	return out, nil
}
