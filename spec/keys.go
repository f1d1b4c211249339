package spec

import (
	"fmt"
	"time"

	"github.com/secure-aws/secure-aws/pgpkey"
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

// pgpKeyProblems checks a pgpKey setting, if set, as of now: keybase:<user>, or a public
// key AWS can encrypt to (pgpkey.Parse); whether keybase is allowed is the stack's to say.
func pgpKeyProblems(field, key string) []FieldProblem {
	if key == "" {
		return nil
	}
	if _, err := pgpkey.Parse(key, time.Now()); err != nil {
		return []FieldProblem{{Field: field, Message: err.Error()}}
	}
	return nil
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
		out = append(out, pgpKeyProblems(field+".pgpKey", g.PGPKey)...)
	}
	return out
}
