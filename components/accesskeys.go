package components

import (
	"fmt"
	"slices"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/secure-aws/secure-aws/spec"
)

// keyName is the logical name of a generation's access key; generation 1 keeps the name
// every key had before generations existed.
func keyName(name string, generation int) string {
	if generation == 1 {
		return name + "-key"
	}
	return fmt.Sprintf("%s-key-%d", name, generation)
}

// current is the generation a workload should use: the newest active one, else the newest.
func current(gens []spec.KeyGeneration) spec.KeyGeneration {
	newest := slices.MaxFunc(gens, func(a, b spec.KeyGeneration) int { return a.Generation - b.Generation })
	active := slices.DeleteFunc(slices.Clone(gens), func(g spec.KeyGeneration) bool { return g.Status == spec.KeyInactive })
	if len(active) == 0 {
		return newest
	}
	return slices.MaxFunc(active, func(a, b spec.KeyGeneration) int { return a.Generation - b.Generation })
}

// KeyOutputs are a principal's access key outputs.
type KeyOutputs struct {
	// AccessKeyID is the current generation's access key id (the newest active one), or
	// "" without an access key.
	AccessKeyID pulumi.StringOutput `output:"accessKeyId"`
	// AccessKeyIDs maps each generation ("1", "2") to its access key id.
	AccessKeyIDs pulumi.StringMapOutput `output:"accessKeyIds"`
	// SecretAccessKey is the current generation's key secret as a Pulumi secret,
	// PGP-encrypted when a pgpKey is set, or "" without an access key.
	SecretAccessKey pulumi.StringOutput `output:"secretAccessKey,secret"`
}

// registerKeys creates one access key per generation for user, and fills the key outputs
// of out with the current generation's id and secret, and every generation's id.
func (s serviceUser) registerKeys(ctx *pulumi.Context, parent pulumi.Resource, name string, user *iam.User, out *PrincipalOutputs) error {
	ids := pulumi.StringMap{}
	for _, g := range s.keys {
		args := &iam.AccessKeyArgs{User: user.Name}
		pgp := g.PGPKey
		if pgp == "" {
			pgp = s.pgpKey
		}
		if pgp != "" {
			args.PgpKey = pulumi.String(pgp)
		}
		if g.Status == spec.KeyInactive {
			args.Status = pulumi.String(spec.KeyInactive)
		}
		// AWS encrypts a secret once, when it creates the key: a new pgpKey is for the next
		// generation, and must never replace (delete) the key a workload uses.
		key, err := iam.NewAccessKey(ctx, keyName(name, g.Generation), args, pulumi.Parent(parent), pulumi.IgnoreChanges([]string{"pgpKey"}))
		if err != nil {
			return fmt.Errorf("creating access key generation %d of %s: %w", g.Generation, s.userName, err)
		}
		ids[fmt.Sprint(g.Generation)] = key.ID().ToStringOutput()
		if g.Generation != current(s.keys).Generation {
			continue
		}
		out.AccessKeyID = key.ID().ToStringOutput()
		if pgp != "" {
			out.SecretAccessKey = pulumi.ToSecret(key.EncryptedSecret).(pulumi.StringOutput)
		} else {
			out.SecretAccessKey = pulumi.ToSecret(key.Secret).(pulumi.StringOutput)
		}
	}
	out.AccessKeyIDs = ids.ToStringMapOutput()
	return nil
}
