package spec

import (
	"errors"
	"fmt"

	"github.com/secure-aws/secure-aws/awsnames"
	"github.com/secure-aws/secure-aws/iampolicy"
)

// Principal is an application or a third-party service: one IAM user per environment,
// <name>-<environment>, in its own group whose policy allows the grants and denies the
// destructive S3 actions on every bucket they reach.
type Principal struct {
	// Name is the application or service (required).
	Name string `json:"name"`
	// AccessKey creates an access key for the user. Default false.
	AccessKey bool `json:"accessKey"`
	// AccessKeys are the key generations, to rotate without downtime; empty: generation 1
	// when AccessKey is set.
	AccessKeys []KeyGeneration `json:"accessKeys"`
	// PGPKey encrypts the access key secret (base64 public key, or keybase:<user>).
	PGPKey string `json:"pgpKey"`
	// Grants is the allow-list of S3 actions per bucket (required, at least one).
	Grants []iampolicy.S3Grant `json:"grants"`
	// Import adopts the IAM user of that name that exists already: the first up imports it.
	Import bool `json:"import"`
}

// UserName is the principal's IAM user in environment.
func (p Principal) UserName(environment string) string { return PrincipalName(p.Name, environment) }

// Problems checks the principal on its own, in environment and the account's partition:
// every problem, each naming its field. Grants need actions: the configuration gives
// those that list none its defaults before they get here. What depends on the rest of the stack (which
// buckets exist, names used twice, quotas) is the configuration's to check.
func (p Principal) Problems(partition, environment string) []FieldProblem {
	var out []FieldProblem
	add := func(field, format string, args ...any) {
		out = append(out, FieldProblem{field, fmt.Sprintf(format, args...)})
	}
	if p.Name == "" {
		add("name", "is required")
	} else if err := awsnames.IAMName(p.UserName(environment), awsnames.MaxUserName, "user"); err != nil {
		add("name", "%v", err)
	}
	out = append(out, AccessKeyProblems(p.AccessKey, p.PGPKey, p.AccessKeys)...)
	if len(p.Grants) == 0 {
		add("grants", "is empty: list at least one bucket this principal needs")
	}
	grantsValid := true
	seen := map[string]bool{}
	for j, g := range p.Grants {
		gk := fmt.Sprintf("grants[%d]", j)
		before := len(out)
		if g.Bucket == "" {
			add(gk+".bucket", "is required")
		} else if err := awsnames.BucketName(g.Bucket, false); err != nil {
			add(gk+".bucket", "%v", err)
		}
		if len(g.Actions) == 0 {
			add(gk+".actions", "is empty, which would grant nothing; list the actions, or leave actions out for the defaults")
		}
		if err := iampolicy.CheckS3Prefix(g.Prefix); err != nil {
			add(gk+".prefix", "%v", err)
		} else {
			for a, action := range g.Actions {
				if err := iampolicy.CheckGrantAction(action, g.Prefix); err != nil {
					add(fmt.Sprintf("%s.actions[%d]", gk, a), "%v", err)
				}
			}
		}
		if id := g.Bucket + "/" + g.Prefix; seen[id] {
			add(gk, "repeats bucket %q with prefix %q; merge the actions into one grant", g.Bucket, g.Prefix)
		} else {
			seen[id] = true
		}
		grantsValid = grantsValid && len(out) == before
	}
	if grantsValid && len(p.Grants) > 0 {
		// Only the size is left to check, and it does not depend on which accounts own
		// the buckets: every account id is 12 digits.
		if _, err := iampolicy.S3AccessDocuments(partition, iampolicy.BucketOwners{Account: "000000000000"}, p.Grants); err != nil {
			add("grants", "%v", err)
		}
	}
	return out
}

// AccessKeyProblems checks a principal's access key settings: its PGP key, and its key
// generations, which need AccessKey.
func AccessKeyProblems(accessKey bool, pgpKey string, gens []KeyGeneration) []FieldProblem {
	out := pgpKeyProblems("pgpKey", pgpKey)
	if pgpKey != "" && !accessKey {
		out = append(out, FieldProblem{"pgpKey", "is set but accessKey is false; it only encrypts an access key secret"})
	}
	if len(gens) > 0 && !accessKey {
		return append(out, FieldProblem{"accessKeys", "lists key generations but accessKey is false; set accessKey: true, or remove accessKeys to have no key"})
	}
	return append(out, KeyGenerationProblems(gens)...)
}

// ProblemsError joins problems into one error, each as "field message" (the messages read
// on from their field: "name is required"); nil without any.
func ProblemsError(problems []FieldProblem) error {
	if len(problems) == 0 {
		return nil
	}
	var errs []error
	for _, p := range problems {
		errs = append(errs, fmt.Errorf("%s %s", p.Field, p.Message))
	}
	return errors.Join(errs...)
}
