package iampolicy

import (
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// normalized is a document as its JSON says it: lists sorted and without duplicates.
func normalized(d Document) Document {
	var out Document
	for _, s := range d.Statements {
		n := s
		n.Actions, n.NotActions = normalize(s.Actions), normalize(s.NotActions)
		n.Resources, n.NotResources = normalize(s.Resources), normalize(s.NotResources)
		n.Principals, n.Conditions = nil, nil
		for _, p := range s.Principals {
			n.Principals = append(n.Principals, Principal{Type: p.Type, Identifiers: normalize(p.Identifiers)})
		}
		slices.SortFunc(n.Principals, func(a, b Principal) int { return strings.Compare(a.Type, b.Type) })
		for _, c := range s.Conditions {
			n.Conditions = append(n.Conditions, Condition{Operator: c.Operator, Key: c.Key, Values: normalize(c.Values)})
		}
		slices.SortFunc(n.Conditions, func(a, b Condition) int { return strings.Compare(a.Operator+" "+a.Key, b.Operator+" "+b.Key) })
		out.Statements = append(out.Statements, n)
	}
	return out
}

// TestParseReadsWhatJSONWrites: every document this package writes parses back into the
// same document, principals and conditions included: one model writes and reads.
func TestParseReadsWhatJSONWrites(t *testing.T) {
	docs := map[string]Document{
		"tls-only":   TLSOnlyBucketPolicy("aws", "b"),
		"trail":      {Statements: CloudTrailBucketStatements("aws", "t", "111111111111", "arn:aws:cloudtrail:us-east-1:111111111111:trail/t")},
		"mfa":        {Statements: MFASelfServiceStatements("aws", "111111111111")},
		"oidc trust": GitHubOIDCTrust("arn:aws:iam::111111111111:oidc-provider/x", []string{"repo:a/b:ref:refs/heads/main"}),
		"reader":     ConfigurationReaderPolicy("aws", "state"),
		"everyone":   {Statements: []Statement{{Sid: "E", Effect: Deny, Principals: []Principal{{Type: Everyone, Identifiers: []string{"*"}}}, Actions: []string{"s3:*"}, Resources: []string{"*"}}}},
	}
	for name, doc := range docs {
		text, err := doc.JSON()
		require.NoError(t, err, name)
		parsed, err := Parse(text)
		require.NoError(t, err, name)
		assert.Equal(t, normalized(doc), parsed, name)
		again, err := parsed.JSON()
		require.NoError(t, err)
		assert.Equal(t, text, again, "%s: writing what was read gives the same bytes", name)
	}
}

func TestParseAcceptsWhatAWSAccepts(t *testing.T) {
	doc, err := Parse(`{"Version":"2012-10-17","Statement":{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::b","arn:aws:s3:::b/*"],"Condition":{"Bool":{"aws:SecureTransport":false},"NumericLessThan":{"s3:TlsVersion":1.2}}}}`)
	require.NoError(t, err)
	require.Len(t, doc.Statements, 1)
	s := doc.Statements[0]
	assert.True(t, s.IsEveryone())
	assert.Equal(t, []string{"false"}, s.ConditionValues("Bool", "aws:SecureTransport"), "a boolean reads as its text")
	assert.Equal(t, []string{"1.2"}, s.ConditionValues("NumericLessThan", "s3:TlsVersion"))
	assert.Equal(t, []string{"s3:*"}, s.Actions)
	assert.Empty(t, s.Sid, "a Sid is optional to AWS")

	for name, text := range map[string]string{
		"not JSON":        `{`,
		"bad statement":   `{"Statement":"x"}`,
		"bad principal":   `{"Statement":[{"Effect":"Allow","Principal":"someone","Action":"s3:*"}]}`,
		"object in value": `{"Statement":[{"Effect":"Allow","Action":{"a":1}}]}`,
	} {
		_, err := Parse(text)
		assert.Error(t, err, name)
	}
	aws := Statement{Principals: []Principal{{Type: "AWS", Identifiers: []string{"*"}}}}
	assert.True(t, aws.IsEveryone())
	assert.False(t, Statement{Principals: []Principal{{Type: "AWS", Identifiers: []string{"arn:aws:iam::1:root"}}}}.IsEveryone())
}

func TestPolicyARNs(t *testing.T) {
	assert.True(t, NamesPolicy("arn:aws:iam::111111111111:policy/apps/a-s3", "/apps/", "a-s3"))
	assert.True(t, NamesPolicy("arn:aws:iam::111111111111:policy/p", "", "p"), "the default path is /")
	assert.False(t, NamesPolicy("arn:aws:iam::aws:policy/ReadOnlyAccess", "/", "ReadOnlyAccess"), "an AWS managed policy is no customer policy of the same name")
	assert.False(t, NamesPolicy("arn:aws:iam::111111111111:policy/apps/a-s3", "/", "a-s3"))
	name, ok := AWSManagedPolicyName(AWSManagedPolicyARN("aws-us-gov", "job-function/ViewOnlyAccess"))
	assert.True(t, ok)
	assert.Equal(t, "job-function/ViewOnlyAccess", name)
	_, ok = AWSManagedPolicyName("arn:aws:iam::111111111111:policy/ReadOnlyAccess")
	assert.False(t, ok)
}

// TestParseRefusesKeysItDoesNotRead: NotPrincipal, or any key the reader has no field for,
// is an error, never dropped: the rules and the plan's diff would read another policy
// than AWS applies.
func TestParseRefusesKeysItDoesNotRead(t *testing.T) {
	for _, text := range []string{
		`{"Version":"2012-10-17","Statement":[{"Sid":"D","Effect":"Deny","NotPrincipal":{"AWS":["arn:aws:iam::111111111111:root"]},"Action":["s3:*"],"Resource":["*"]}]}`,
		`{"Version":"2012-10-17","Statement":{"Sid":"D","Effect":"Deny","NotPrincipal":{"AWS":"*"},"Action":"s3:*","Resource":"*"}}`,
		`{"Version":"2012-10-17","Extra":1,"Statement":[{"Sid":"A","Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`,
	} {
		_, err := Parse(text)
		assert.Error(t, err, text)
	}
	_, err := Parse(`{"Version":"2012-10-17","Id":"x","Statement":[{"Sid":"A","Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`)
	assert.NoError(t, err, "Version and Id are read")
}

// TestParseRefusesDuplicateSids: IAM wants each Sid unique within a policy (IAM JSON policy
// elements: Sid) and the plan's diff pairs statements by Sid, so a document with two
// statements of one Sid is an error, as Validate makes it for the documents this package
// writes; statements without a Sid (it is optional) are not compared.
func TestParseRefusesDuplicateSids(t *testing.T) {
	_, err := Parse(`{"Version":"2012-10-17","Statement":[{"Sid":"Same","Effect":"Allow","Action":"s3:GetObject","Resource":"*"},{"Sid":"Other","Effect":"Allow","Action":"s3:ListBucket","Resource":"*"},{"Sid":"Same","Effect":"Deny","Action":"s3:PutObject","Resource":"*"}]}`)
	require.Error(t, err)
	assert.Contains(t, err.Error(), `statement 2: duplicate Sid "Same"`)
	_, err = Parse(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"},{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*"}]}`)
	assert.NoError(t, err, "statements without a Sid")
}
