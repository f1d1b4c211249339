package awsapi

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// iamClient is an IAM client for the iam endpoint of c.
func (c Config) iamClient() (*iam.Client, error) {
	cfg, e, err := c.clientConfig("iam", "IAM")
	if err != nil {
		return nil, err
	}
	return iam.NewFromConfig(cfg, func(o *iam.Options) { o.BaseEndpoint = aws.String(e) }), nil
}

// syncList makes have into want: add for each entry want has and have lacks, then remove
// for each entry have has and want does not name, as the provider's syncAttachments.
func syncList(have, want []string, add, remove func(string) error) error {
	for _, w := range want {
		if !slices.Contains(have, w) {
			if err := add(w); err != nil {
				return err
			}
		}
	}
	for _, h := range have {
		if !slices.Contains(want, h) {
			if err := remove(h); err != nil {
				return err
			}
		}
	}
	return nil
}

// setOrder gives the entries of have, a set AWS lists in its own order, in the order of
// olds (the list last sent) where olds names them, then the others sorted: a set that did
// not change reads back as the program sent it. It is never nil.
func setOrder(have, olds []string) []string {
	out := []string{}
	for _, o := range olds {
		if slices.Contains(have, o) && !slices.Contains(out, o) {
			out = append(out, o)
		}
	}
	var extra []string
	for _, h := range have {
		if !slices.Contains(out, h) {
			extra = append(extra, h)
		}
	}
	slices.Sort(extra)
	return append(out, extra...)
}

// keepSpelling is now, a JSON document as AWS holds it, or old, the document last sent,
// when the two are the same JSON: the provider shows no diff for a reformatted policy.
func keepSpelling(old resource.PropertyValue, now string) string {
	if old.IsString() && samePolicy(old.StringValue(), now) {
		return old.StringValue()
	}
	return now
}

func iamTags(m map[string]string) []iamtypes.Tag {
	var out []iamtypes.Tag
	for _, k := range slices.Sorted(maps.Keys(m)) {
		out = append(out, iamtypes.Tag{Key: aws.String(k), Value: aws.String(m[k])})
	}
	return out
}

var uniqueCounter atomic.Uint32

// prefixedUniqueID is an id as the provider makes one (terraform-plugin-sdk
// id.PrefixedUniqueId): prefix, a UTC timestamp to the 1/10000 second, and a counter.
func prefixedUniqueID(prefix string) string {
	ts := strings.ReplaceAll(time.Now().UTC().Format("20060102150405.0000"), ".", "")
	return fmt.Sprintf("%s%s%08x", prefix, ts, uniqueCounter.Add(1))
}
