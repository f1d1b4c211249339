package components

import (
	"errors"
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/secure-aws/secure-aws/spec"
)

// AppUserType is the type token of AppUser; renaming it changes every child URN.
const AppUserType = "secure-aws:components:AppUser"

// AppUserArgs configures an AppUser.
type AppUserArgs struct {
	// Account the user lives in (required).
	Account spec.Account
	// Stack is the stack that creates the user (awsnames.StackTag), tagged on it so the
	// credential audit can tell it from one made by hand (required).
	Stack string
	// Environment is the deployment environment (required), e.g. staging.
	Environment string
	// Principal is the application: its name (the user is <name>-<environment>), access
	// keys and grants (see spec.Principal; every problem is reported).
	spec.Principal
	// ExternalBuckets maps each bucket of the grants that the stack does not manage to the
	// 12-digit id of the account that owns it (default: none). Every grant is pinned to its
	// bucket's owner with s3:ResourceAccount; a bucket not listed is Account's own.
	ExternalBuckets map[string]string
}

// AppUser is one application's IAM identity in one environment (rule R5): a user in its
// own group whose policy allows the listed S3 actions and explicitly denies the
// destructive ones on every bucket it can reach.
type AppUser struct {
	pulumi.ResourceState
	PrincipalOutputs
}

// NewAppUser registers an AppUser.
func NewAppUser(ctx *pulumi.Context, name string, args *AppUserArgs, opts ...pulumi.ResourceOption) (*AppUser, error) {
	if args == nil {
		return nil, errors.New("app user: args are required")
	}
	user, err := principalUser(args.Account, args.Stack, args.Environment, spec.AppUserPath, args.Principal, args.ExternalBuckets)
	if err != nil {
		return nil, fmt.Errorf("app user %s: %w", name, err)
	}
	c := &AppUser{}
	if err := user.component(ctx, AppUserType, name, c, &c.PrincipalOutputs, opts...); err != nil {
		return nil, err
	}
	return c, nil
}
