package components

import (
	"errors"
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/secure-aws/secure-aws/spec"
)

// ThirdPartyUserType is the type token of ThirdPartyUser; renaming it changes every child URN.
const ThirdPartyUserType = "secure-aws:components:ThirdPartyUser"

// ThirdPartyUserArgs configures a ThirdPartyUser.
type ThirdPartyUserArgs struct {
	// Account the user lives in (required).
	Account spec.Account
	// Stack is the stack that creates the user (awsnames.StackTag), tagged on it so the
	// credential audit can tell it from one made by hand (required).
	Stack string
	// Environment is the deployment environment (required), e.g. production.
	Environment string
	// Principal is the service: its name (the user is <name>-<environment>), access keys
	// and the smallest set of S3 grants it needs, preferably per key prefix (see
	// spec.Principal; every problem is reported).
	spec.Principal
	// ExternalBuckets maps each bucket of the grants that the stack does not manage to the
	// 12-digit id of the account that owns it (default: none). Every grant is pinned to its
	// bucket's owner with s3:ResourceAccount; a bucket not listed is Account's own.
	ExternalBuckets map[string]string
}

// ThirdPartyUser is an external service's IAM identity in one environment (rule R10),
// e.g. zencoder-staging, with the same mechanics as AppUser under its own IAM path.
type ThirdPartyUser struct {
	pulumi.ResourceState
	PrincipalOutputs
}

// NewThirdPartyUser registers a ThirdPartyUser.
func NewThirdPartyUser(ctx *pulumi.Context, name string, args *ThirdPartyUserArgs, opts ...pulumi.ResourceOption) (*ThirdPartyUser, error) {
	if args == nil {
		return nil, errors.New("third-party user: args are required")
	}
	user, err := principalUser(args.Account, args.Stack, args.Environment, spec.ThirdPartyUserPath, args.Principal, args.ExternalBuckets)
	if err != nil {
		return nil, fmt.Errorf("third-party user %s: %w", name, err)
	}
	c := &ThirdPartyUser{}
	if err := user.component(ctx, ThirdPartyUserType, name, c, &c.PrincipalOutputs, opts...); err != nil {
		return nil, err
	}
	return c, nil
}
