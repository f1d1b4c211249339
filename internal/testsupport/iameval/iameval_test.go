package iameval

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestMissingKeys: a key missing from the request fails a positive operator and satisfies
// a negated one and every ...IfExists; Null tests for the key's absence. This is what the
// guarded buckets' denies rely on: a request without aws:PrincipalArn or aws:SourceArn is
// denied, not let through.
func TestMissingKeys(t *testing.T) {
	service := Request{Principal: "cloudtrail.amazonaws.com", Service: true}
	user := Request{Principal: "arn:aws:iam::111111111111:user/apps/app-staging"}
	cases := []struct {
		op, key string
		values  []string
		r       Request
		want    bool
	}{
		{"ArnEquals", "aws:PrincipalArn", []string{user.Principal}, user, true},
		{"ArnNotEquals", "aws:PrincipalArn", []string{user.Principal}, user, false},
		{"ArnNotEquals", "aws:PrincipalArn", []string{"arn:aws:iam::111111111111:user/other"}, user, true},
		{"ArnEquals", "aws:PrincipalArn", []string{user.Principal}, service, false},
		{"ArnNotEquals", "aws:PrincipalArn", []string{user.Principal}, service, true},
		{"StringNotEquals", "aws:SourceArn", []string{"arn:trail"}, user, true},
		{"StringNotEquals", "aws:SourceArn", []string{"arn:trail"}, service.With("aws:SourceArn", "arn:trail"), false},
		{"StringEquals", "aws:SourceArn", []string{"arn:trail"}, user, false},
		{"BoolIfExists", "aws:MultiFactorAuthPresent", []string{"false"}, user, true},
		{"BoolIfExists", "aws:MultiFactorAuthPresent", []string{"false"}, user.With("aws:MultiFactorAuthPresent", "true"), false},
		{"Bool", "aws:MultiFactorAuthPresent", []string{"false"}, user, false},
		{"Null", "aws:SourceArn", []string{"true"}, user, true},
		{"Null", "aws:SourceArn", []string{"false"}, user, false},
		{"ArnLike", "aws:PrincipalArn", []string{"arn:aws:iam::111111111111:user/apps/*"}, user, true},
	}
	for _, c := range cases {
		assert.Equal(t, c.want, condition(t, c.op, c.key, c.values, c.r), "%s %s %v", c.op, c.key, c.values)
	}
	assert.Equal(t, "app-staging", func() string { v, _ := user.value("aws:username"); return v }())
}
