package components

import (
	"errors"
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/secure-aws/secure-aws/iampolicy"
	"github.com/secure-aws/secure-aws/spec"
)

// ThirdPartyUserType is the type token of ThirdPartyUser; renaming it changes every child URN.
const ThirdPartyUserType = "secure-aws:components:ThirdPartyUser"

// ThirdPartyUserArgs configures a ThirdPartyUser.
type ThirdPartyUserArgs struct {
	// Account the user lives in (required).
	Account spec.Account
	// Service is the third-party service name (required); the user is <service>-<environment>.
	Service string
	// Environment is the deployment environment (required), e.g. production.
	Environment string
	// Grants is the smallest set of S3 actions the service needs, per bucket and
	// preferably per key prefix (required, at least one).
	Grants []iampolicy.S3Grant
	// CreateAccessKey creates an access key to hand to the service. Default false.
	CreateAccessKey bool
	// AccessKeys are the key generations, to rotate without downtime (see KeyGeneration);
	// empty: generation 1 when CreateAccessKey is set. Optional.
	AccessKeys []spec.KeyGeneration
	// PGPKey encrypts the access key secret (keybase:<user> or base64 key). Optional.
	PGPKey string
	// ImportExistingUser adopts an existing IAM user of the same name: the first up
	// imports it instead of failing to create it. Default false.
	ImportExistingUser bool
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
	if args.Service == "" || args.Environment == "" {
		return nil, fmt.Errorf("third-party user %s: service and environment are required", name)
	}
	spec := serviceUser{
		userName:   spec.PrincipalName(args.Service, args.Environment),
		path:       spec.ThirdPartyUserPath,
		grants:     args.Grants,
		keys:       spec.KeyGenerations(args.CreateAccessKey, args.AccessKeys),
		pgpKey:     args.PGPKey,
		account:    args.Account,
		importUser: args.ImportExistingUser,
	}
	c := &ThirdPartyUser{}
	if err := spec.component(ctx, ThirdPartyUserType, name, c, &c.PrincipalOutputs, opts...); err != nil {
		return nil, err
	}
	return c, nil
}
