package components

import (
	"fmt"
	"slices"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/secure-aws/secure-aws/internal/awsnames"
)

// KeyGeneration is one access key of a machine principal. IAM allows two keys per user,
// so a principal holds at most two generations: a rotation adds the next generation while
// the current one keeps working, deactivates the old one once the workload uses the new
// one, then removes it.
type KeyGeneration struct {
	// Generation numbers the key (1, 2, 3, ...): generation 1 is the key <name>-key,
	// generation N the key <name>-key-N, so a rotation shows in the plan as one key added
	// and, later, one removed.
	Generation int `json:"generation"`
	// Status is Active (the default) or Inactive: an inactive key is refused by AWS but
	// can be re-activated, until its generation is removed.
	Status string `json:"status"`
	// PGPKey encrypts this generation's secret; default: the principal's pgpKey.
	PGPKey string `json:"pgpKey"`
}

// Access key statuses, as IAM names them.
const (
	KeyActive   = "Active"
	KeyInactive = "Inactive"
)

// MaxKeyGenerations is IAM's limit of access keys per user.
const MaxKeyGenerations = 2

// KeyGenerations are the generations a principal holds: gens as configured (they imply an
// access key), or, with none configured, generation 1 when create is set.
func KeyGenerations(create bool, gens []KeyGeneration) []KeyGeneration {
	if len(gens) == 0 && create {
		return []KeyGeneration{{Generation: 1}}
	}
	return gens
}

// KeyGenerationProblems checks a principal's generations; each problem names the field.
func KeyGenerationProblems(gens []KeyGeneration) []FieldProblem {
	var out []FieldProblem
	if len(gens) > MaxKeyGenerations {
		out = append(out, FieldProblem{Field: "accessKeys", Message: fmt.Sprintf("holds %d generations; IAM allows %d access keys per user: remove the oldest generation before adding another", len(gens), MaxKeyGenerations)})
	}
	seen := map[int]bool{}
	for i, g := range gens {
		field := fmt.Sprintf("accessKeys[%d]", i)
		if g.Generation < 1 {
			out = append(out, FieldProblem{Field: field + ".generation", Message: "is required: a number from 1"})
		} else if seen[g.Generation] {
			out = append(out, FieldProblem{Field: field + ".generation", Message: fmt.Sprintf("generation %d is listed twice", g.Generation)})
		}
		seen[g.Generation] = true
		if g.Status != "" && g.Status != KeyActive && g.Status != KeyInactive {
			out = append(out, FieldProblem{Field: field + ".status", Message: fmt.Sprintf("%q is not Active or Inactive", g.Status)})
		}
		if err := awsnames.PGPKey(g.PGPKey); err != nil {
			out = append(out, FieldProblem{Field: field + ".pgpKey", Message: err.Error()})
		}
	}
	return out
}

// keyName is the logical name of a generation's access key; generation 1 keeps the name
// every key had before generations existed.
func keyName(name string, generation int) string {
	if generation == 1 {
		return name + "-key"
	}
	return fmt.Sprintf("%s-key-%d", name, generation)
}

// current is the generation a workload should use: the newest active one, else the newest.
func current(gens []KeyGeneration) KeyGeneration {
	newest := slices.MaxFunc(gens, func(a, b KeyGeneration) int { return a.Generation - b.Generation })
	active := slices.DeleteFunc(slices.Clone(gens), func(g KeyGeneration) bool { return g.Status == KeyInactive })
	if len(active) == 0 {
		return newest
	}
	return slices.MaxFunc(active, func(a, b KeyGeneration) int { return a.Generation - b.Generation })
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
		if g.Status == KeyInactive {
			args.Status = pulumi.String(KeyInactive)
		}
		key, err := iam.NewAccessKey(ctx, keyName(name, g.Generation), args, pulumi.Parent(parent))
		if err != nil {
			return fmt.Errorf("creating access key generation %d of %s: %w", g.Generation, s.userName, err)
		}
		ids[fmt.Sprint(g.Generation)] = key.ID().ToStringOutput()
		if g.Generation != current(s.keys).Generation {
			continue
		}
		out.AccessKeyId = key.ID().ToStringOutput()
		if pgp != "" {
			out.SecretAccessKey = pulumi.ToSecret(key.EncryptedSecret).(pulumi.StringOutput)
		} else {
			out.SecretAccessKey = pulumi.ToSecret(key.Secret).(pulumi.StringOutput)
		}
	}
	out.AccessKeyIds = ids.ToStringMapOutput()
	return nil
}
