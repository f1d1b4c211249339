package iampolicy

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode"

	"github.com/secure-aws/secure-aws/awsnames"
)

// S3Grant allows Actions on one bucket, optionally only below a key prefix.
type S3Grant struct {
	Bucket  string   `json:"bucket"`
	Prefix  string   `json:"prefix"`
	Actions []string `json:"actions"`
	// AllowDelete accepts s3:DeleteObject on a bucket whose versioning this program does
	// not guarantee (an external bucket), where a delete may be final.
	AllowDelete bool `json:"allowDelete,omitempty"`
}

// BucketOwners names the account that owns each bucket a grant may reach. Every grant
// statement is pinned to it with s3:ResourceAccount: S3 bucket names are global, so a
// bucket deleted and its name registered again in another account is then out of reach.
type BucketOwners struct {
	Account  string            // the stack's own account: the owner of every bucket not in External
	External map[string]string // bucket name -> the account that owns it
}

// Of returns the account that owns bucket.
func (o BucketOwners) Of(bucket string) string {
	if a, ok := o.External[bucket]; ok {
		return a
	}
	return o.Account
}

// prefixScopedBucketAction is the one bucket-level action a prefix-limited grant may hold:
// ListBucket, confined to the prefix by an s3:prefix condition. Any other bucket-level
// action would reach the whole bucket, and its requests carry no s3:prefix to condition on.
const prefixScopedBucketAction = "s3:ListBucket"

// BucketARN is the ARN of a bucket: the resource of bucket-level actions.
func BucketARN(partition, bucket string) string {
	return "arn:" + partition + ":s3:::" + bucket
}

// ObjectsARN is the ARN of every object in bucket below prefix: the resource of
// object-level actions.
func ObjectsARN(partition, bucket, prefix string) string {
	return BucketARN(partition, bucket) + "/" + prefix + "*"
}

// CheckS3Prefix returns an error unless prefix is empty (the whole bucket) or a plain key
// prefix ending in "/" (so "uploads/" cannot also reach "uploads-private/").
func CheckS3Prefix(prefix string) error {
	switch {
	case prefix == "":
		return nil
	case strings.ContainsAny(prefix, "*?$"):
		return fmt.Errorf("prefix %q must not contain *, ? or $ (wildcards and policy variables)", prefix)
	case strings.HasPrefix(prefix, "/"):
		return fmt.Errorf("prefix %q must not start with /; S3 keys have no leading slash", prefix)
	case !strings.HasSuffix(prefix, "/"):
		return fmt.Errorf("prefix %q must end with / so it cannot match sibling keys", prefix)
	case strings.Contains(prefix, "//"):
		return fmt.Errorf("prefix %q must not contain //: an empty path segment is a different key than the one meant", prefix)
	case slices.Contains(strings.Split(prefix, "/"), ".."), slices.Contains(strings.Split(prefix, "/"), "."):
		return fmt.Errorf("prefix %q must not contain . or .. segments: S3 keys are literal, so the grant would not be the folder it looks like", prefix)
	case len(prefix) > 1024:
		return fmt.Errorf("prefix is %d bytes; S3 keys are at most 1024", len(prefix))
	}
	return nil
}

// CheckGrantAction returns an error unless action may be granted on a bucket, below prefix
// when prefix is set: a grantable S3 action (CheckGrantableS3Action) that a prefix can
// confine.
func CheckGrantAction(action, prefix string) error {
	if err := CheckGrantableS3Action(action); err != nil {
		return err
	}
	if prefix != "" && s3Actions[action] == BucketLevel && action != prefixScopedBucketAction {
		return fmt.Errorf("%q applies to the whole bucket and cannot be limited to prefix %q; grant it without a prefix", action, prefix)
	}
	return nil
}

// MaxManagedPolicySize is IAM's limit on a customer managed policy document, in
// characters without whitespace (the compact JSON this package writes has none).
const MaxManagedPolicySize = 6144

// S3AccessDocument is the identity policy of a non-admin principal: each grant's actions
// on the right resource type, pinned to the bucket's owning account, then an explicit Deny of destructiveS3Actions on every bucket
// the grants reach, whole bucket and all objects, whatever the prefix; then always, statements
// every policy of the principal carries (a region deny), counted in the size.
func S3AccessDocument(partition string, owners BucketOwners, grants []S3Grant, always ...Statement) (Document, error) {
	if len(grants) == 0 {
		return Document{}, errors.New("no grants: a principal without S3 access needs no policy")
	}
	var doc Document
	var denyResources []string
	used := map[string]bool{}
	for _, g := range grants {
		statements, err := grantStatements(partition, owners.Of(g.Bucket), g)
		if err != nil {
			return Document{}, fmt.Errorf("grant on bucket %q: %w", g.Bucket, err)
		}
		// Sids drop the separators of bucket names and prefixes, so distinct grants can
		// meet ("acme-assets" and "acme.assets"): number the later ones.
		for i := range statements {
			sid := statements[i].Sid
			for n := 2; used[sid]; n++ {
				sid = fmt.Sprintf("%s%d", statements[i].Sid, n)
			}
			used[sid] = true
			statements[i].Sid = sid
		}
		doc.Statements = append(doc.Statements, statements...)
		denyResources = append(denyResources, BucketARN(partition, g.Bucket), ObjectsARN(partition, g.Bucket, ""))
	}
	doc.Statements = append(doc.Statements, Statement{
		Sid:       "DenyDestructiveS3Actions",
		Effect:    Deny,
		Actions:   slices.Clone(destructiveS3Actions),
		Resources: denyResources,
	})
	doc.Statements = append(doc.Statements, always...)
	text, err := doc.JSON()
	if err != nil {
		return Document{}, err
	}
	if len(text) > MaxManagedPolicySize {
		return Document{}, fmt.Errorf("%w: %d characters, IAM allows %d", ErrPolicyTooLarge, len(text), MaxManagedPolicySize)
	}
	return doc, nil
}

// ErrPolicyTooLarge is returned for a document over MaxManagedPolicySize.
var ErrPolicyTooLarge = errors.New("the policy is too large for one IAM managed policy")

// S3AccessDocuments is S3AccessDocument for grants of any size: it packs the grants, in
// order, into as few documents as fit IAM's size limit, each with its own deny of the
// destructive actions on the buckets it reaches. One grant too large for a document on its
// own is an error. Each document ends with always.
func S3AccessDocuments(partition string, owners BucketOwners, grants []S3Grant, always ...Statement) ([]Document, error) {
	if len(grants) == 0 {
		return nil, errors.New("no grants: a principal without S3 access needs no policy")
	}
	var docs []Document
	start := 0
	for start < len(grants) {
		doc, err := S3AccessDocument(partition, owners, grants[start:start+1], always...)
		if err != nil {
			return nil, err
		}
		end := start + 1
		for ; end < len(grants); end++ {
			bigger, err := S3AccessDocument(partition, owners, grants[start:end+1], always...)
			if errors.Is(err, ErrPolicyTooLarge) {
				break
			}
			if err != nil {
				return nil, err
			}
			doc = bigger
		}
		docs = append(docs, doc)
		start = end
	}
	return docs, nil
}

func grantStatements(partition, owner string, g S3Grant) ([]Statement, error) {
	if g.Bucket == "" {
		return nil, errors.New("bucket name is empty")
	}
	if err := awsnames.AccountID(owner); err != nil {
		return nil, fmt.Errorf("owning account: %w", err)
	}
	pinned := Condition{Operator: "StringEquals", Key: "s3:ResourceAccount", Values: []string{owner}}
	// A wildcard or malformed bucket name would reach buckets nobody named.
	if err := awsnames.BucketName(g.Bucket, false); err != nil {
		return nil, err
	}
	if err := CheckS3Prefix(g.Prefix); err != nil {
		return nil, err
	}
	if len(g.Actions) == 0 {
		return nil, errors.New("no actions")
	}
	var bucketActions, objectActions []string
	for _, a := range g.Actions {
		if err := CheckGrantAction(a, g.Prefix); err != nil {
			return nil, err
		}
		if s3Actions[a] == ObjectLevel {
			objectActions = append(objectActions, a)
		} else {
			bucketActions = append(bucketActions, a)
		}
	}
	name := sidName(g.Bucket) + sidName(g.Prefix)
	var out []Statement
	if len(bucketActions) > 0 {
		s := Statement{
			Sid:        "Bucket" + name,
			Effect:     Allow,
			Actions:    bucketActions,
			Resources:  []string{BucketARN(partition, g.Bucket)},
			Conditions: []Condition{pinned},
		}
		if g.Prefix != "" {
			s.Conditions = append(s.Conditions, Condition{Operator: "StringLike", Key: "s3:prefix", Values: []string{g.Prefix + "*"}})
		}
		out = append(out, s)
	}
	if len(objectActions) > 0 {
		out = append(out, Statement{
			Sid:        "Objects" + name,
			Effect:     Allow,
			Actions:    objectActions,
			Resources:  []string{ObjectsARN(partition, g.Bucket, g.Prefix)},
			Conditions: []Condition{pinned},
		})
	}
	return out, nil
}

// sidName turns "acme-assets.prod/uploads/" into "AcmeAssetsProdUploads".
func sidName(s string) string {
	var b strings.Builder
	upper := true
	for _, r := range s {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) || r > unicode.MaxASCII {
			upper = true
			continue
		}
		if upper {
			r = unicode.ToUpper(r)
			upper = false
		}
		b.WriteRune(r)
	}
	return b.String()
}
