package iampolicy

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/secure-aws/secure-aws/internal/testsupport/golden"
)

// assertGolden renders doc, checks it is valid JSON and compares its indented form with
// testdata/<name>.json. Run UPDATE_GOLDEN=1 go test ./iampolicy/ to rewrite the files.
func assertGolden(t *testing.T, name string, doc Document) {
	t.Helper()
	compact, err := doc.JSON()
	require.NoError(t, err)
	require.True(t, json.Valid([]byte(compact)), "rendered policy is not valid JSON: %s", compact)
	var buf bytes.Buffer
	require.NoError(t, json.Indent(&buf, []byte(compact), "", "  "))
	buf.WriteByte('\n')
	golden.Assert(t, filepath.Join("testdata", name+".json"), buf.Bytes())
}

// decoded is a rendered document read back as generic JSON, for checks on its shape.
type decoded struct {
	Version   string
	Statement []map[string]any
}

func decode(t *testing.T, doc Document) decoded {
	t.Helper()
	s, err := doc.JSON()
	require.NoError(t, err)
	var d decoded
	require.NoError(t, json.Unmarshal([]byte(s), &d))
	return d
}

func allow(sid string, actions ...string) Statement {
	return Statement{Sid: sid, Effect: Allow, Actions: actions, Resources: []string{"arn:aws:s3:::b"}}
}

func TestJSONRendering(t *testing.T) {
	tests := []struct {
		name string
		doc  Document
		want string
	}{
		{
			name: "single-item lists are flattened to strings",
			doc:  Document{Statements: []Statement{allow("One", "s3:GetObject")}},
			want: `{"Version":"2012-10-17","Statement":[{"Sid":"One","Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b"}]}`,
		},
		{
			name: "lists are sorted and de-duplicated",
			doc: Document{Statements: []Statement{{
				Sid:       "Many",
				Effect:    Allow,
				Actions:   []string{"s3:PutObject", "s3:GetObject", "s3:PutObject", "s3:DeleteObject"},
				Resources: []string{"arn:aws:s3:::b/*", "arn:aws:s3:::b", "arn:aws:s3:::b/*"},
			}}},
			want: `{"Version":"2012-10-17","Statement":[{"Sid":"Many","Effect":"Allow","Action":["s3:DeleteObject","s3:GetObject","s3:PutObject"],"Resource":["arn:aws:s3:::b","arn:aws:s3:::b/*"]}]}`,
		},
		{
			name: "duplicates collapsing to one item are flattened",
			doc: Document{Statements: []Statement{{
				Sid: "Dup", Effect: Deny, Actions: []string{"s3:GetObject", "s3:GetObject"}, Resources: []string{"*", "*"},
			}}},
			want: `{"Version":"2012-10-17","Statement":[{"Sid":"Dup","Effect":"Deny","Action":"s3:GetObject","Resource":"*"}]}`,
		},
		{
			name: "NotAction and NotResource",
			doc: Document{Statements: []Statement{{
				Sid: "Not", Effect: Deny, NotActions: []string{"sts:GetSessionToken", "iam:GetUser"}, NotResources: []string{"arn:aws:s3:::b"},
			}}},
			want: `{"Version":"2012-10-17","Statement":[{"Sid":"Not","Effect":"Deny","NotAction":["iam:GetUser","sts:GetSessionToken"],"NotResource":"arn:aws:s3:::b"}]}`,
		},
		{
			name: "principals are merged per type, sorted and flattened",
			doc: Document{Statements: []Statement{{
				Sid:    "Trust",
				Effect: Allow,
				Principals: []Principal{
					{Type: "Service", Identifiers: []string{"ec2.amazonaws.com"}},
					{Type: "AWS", Identifiers: []string{"arn:aws:iam::222222222222:root", "arn:aws:iam::111111111111:root"}},
					{Type: "AWS", Identifiers: []string{"arn:aws:iam::111111111111:root", "arn:aws:iam::333333333333:root"}},
				},
				Actions: []string{"sts:AssumeRole"},
			}}},
			want: `{"Version":"2012-10-17","Statement":[{"Sid":"Trust","Effect":"Allow","Principal":{"AWS":["arn:aws:iam::111111111111:root","arn:aws:iam::222222222222:root","arn:aws:iam::333333333333:root"],"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`,
		},
		{
			name: "conditions are grouped by operator then key, values merged and sorted",
			doc: Document{Statements: []Statement{{
				Sid:       "Cond",
				Effect:    Allow,
				Actions:   []string{"s3:ListBucket"},
				Resources: []string{"arn:aws:s3:::b"},
				Conditions: []Condition{
					{Operator: "StringLike", Key: "s3:prefix", Values: []string{"b/*", "a/*"}},
					{Operator: "Bool", Key: "aws:SecureTransport", Values: []string{"true"}},
					{Operator: "StringLike", Key: "s3:prefix", Values: []string{"a/*", "c/*"}},
					{Operator: "StringLike", Key: "s3:delimiter", Values: []string{"/"}},
				},
			}}},
			want: `{"Version":"2012-10-17","Statement":[{"Sid":"Cond","Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::b","Condition":{"Bool":{"aws:SecureTransport":"true"},"StringLike":{"s3:delimiter":"/","s3:prefix":["a/*","b/*","c/*"]}}}]}`,
		},
		{
			name: "statement order is preserved, not sorted",
			doc:  Document{Statements: []Statement{allow("Zulu", "s3:PutObject"), allow("Alpha", "s3:GetObject"), allow("Mike", "s3:ListBucket")}},
			want: `{"Version":"2012-10-17","Statement":[` +
				`{"Sid":"Zulu","Effect":"Allow","Action":"s3:PutObject","Resource":"arn:aws:s3:::b"},` +
				`{"Sid":"Alpha","Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b"},` +
				`{"Sid":"Mike","Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::b"}]}`,
		},
		{
			name: "policy variables are not escaped",
			doc: Document{Statements: []Statement{{
				Sid: "Self", Effect: Allow, Actions: []string{"iam:GetUser"}, Resources: []string{"arn:aws:iam::111111111111:user/${aws:username}"},
			}}},
			want: `{"Version":"2012-10-17","Statement":[{"Sid":"Self","Effect":"Allow","Action":"iam:GetUser","Resource":"arn:aws:iam::111111111111:user/${aws:username}"}]}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.doc.JSON()
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
			assert.Equal(t, got, tt.doc.MustJSON())
		})
	}
}

func TestJSONIsDeterministic(t *testing.T) {
	build := func(actions, resources, values []string, principals []Principal) Document {
		return Document{Statements: []Statement{
			{
				Sid: "First", Effect: Allow, Principals: principals, Actions: actions, Resources: resources,
				Conditions: []Condition{
					{Operator: "StringLike", Key: "s3:prefix", Values: values},
					{Operator: "Bool", Key: "aws:SecureTransport", Values: []string{"true"}},
				},
			},
			allow("Second", "s3:GetObject"),
		}}
	}
	want := build(
		[]string{"s3:GetObject", "s3:ListBucket", "s3:PutObject"},
		[]string{"arn:aws:s3:::a", "arn:aws:s3:::b"},
		[]string{"x/*", "y/*"},
		[]Principal{{Type: "AWS", Identifiers: []string{"1", "2"}}, {Type: "Service", Identifiers: []string{"s"}}},
	).MustJSON()
	for i := 0; i < 50; i++ {
		got := build(
			[]string{"s3:PutObject", "s3:ListBucket", "s3:GetObject", "s3:ListBucket"},
			[]string{"arn:aws:s3:::b", "arn:aws:s3:::a"},
			[]string{"y/*", "x/*", "y/*"},
			[]Principal{{Type: "Service", Identifiers: []string{"s"}}, {Type: "AWS", Identifiers: []string{"2"}}, {Type: "AWS", Identifiers: []string{"1"}}},
		).MustJSON()
		require.Equal(t, want, got, "render %d differs", i)
	}
}

func TestJSONDoesNotModifyInput(t *testing.T) {
	actions := []string{"s3:PutObject", "s3:GetObject", "s3:PutObject"}
	values := []string{"b", "a"}
	ids := []string{"z", "y"}
	doc := Document{Statements: []Statement{{
		Sid: "Keep", Effect: Allow, Actions: actions, Resources: []string{"*"},
		Principals: []Principal{{Type: "AWS", Identifiers: ids}},
		Conditions: []Condition{{Operator: "StringEquals", Key: "k", Values: values}},
	}}}
	_, err := doc.JSON()
	require.NoError(t, err)
	assert.Equal(t, []string{"s3:PutObject", "s3:GetObject", "s3:PutObject"}, actions)
	assert.Equal(t, []string{"b", "a"}, values)
	assert.Equal(t, []string{"z", "y"}, ids)
}

func TestJSONOmitsUnsetElements(t *testing.T) {
	d := decode(t, Document{Statements: []Statement{allow("Only", "s3:GetObject")}})
	require.Len(t, d.Statement, 1)
	assert.Equal(t, Version, d.Version)
	for _, k := range []string{"Principal", "NotAction", "NotResource", "Condition"} {
		assert.NotContains(t, d.Statement[0], k)
	}
	assert.Equal(t, map[string]any{
		"Sid": "Only", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b",
	}, d.Statement[0])
}

func TestValidateAcceptsWellFormedDocuments(t *testing.T) {
	tests := []struct {
		name string
		doc  Document
	}{
		{"identity allow", Document{Statements: []Statement{allow("A1", "s3:GetObject")}}},
		{"deny with NotAction", Document{Statements: []Statement{{Sid: "D", Effect: Deny, NotActions: []string{"iam:GetUser"}, Resources: []string{"*"}}}}},
		{"NotResource", Document{Statements: []Statement{{Sid: "N", Effect: Deny, Actions: []string{"s3:GetObject"}, NotResources: []string{"arn:aws:s3:::b/*"}}}}},
		{"trust policy without resources", Document{Statements: []Statement{{
			Sid: "T", Effect: Allow, Principals: []Principal{{Type: "AWS", Identifiers: []string{"arn:aws:iam::111111111111:root"}}}, Actions: []string{"sts:AssumeRole"},
		}}}},
		{"bucket policy with principal and resources", Document{Statements: []Statement{{
			Sid: "B", Effect: Deny, Principals: []Principal{{Type: "AWS", Identifiers: []string{"*"}}}, Actions: []string{"s3:*"}, Resources: []string{"arn:aws:s3:::b"},
		}}}},
		{"several statements", Document{Statements: []Statement{allow("A", "s3:GetObject"), allow("B", "s3:PutObject")}}},
		{"complete condition", Document{Statements: []Statement{{
			Sid: "C", Effect: Allow, Actions: []string{"s3:ListBucket"}, Resources: []string{"arn:aws:s3:::b"},
			Conditions: []Condition{{Operator: "StringLike", Key: "s3:prefix", Values: []string{"a/*"}}},
		}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.NoError(t, tt.doc.Validate())
			_, err := tt.doc.JSON()
			assert.NoError(t, err)
		})
	}
}

func TestValidateRejectsMalformedDocuments(t *testing.T) {
	res := []string{"*"}
	act := []string{"s3:GetObject"}
	tests := []struct {
		name string
		doc  Document
		want []string // substrings of the error
	}{
		{"no statements", Document{}, []string{"no statements"}},
		{"empty statement list", Document{Statements: []Statement{}}, []string{"no statements"}},
		{"empty Sid", Document{Statements: []Statement{{Effect: Allow, Actions: act, Resources: res}}}, []string{"statement 0", "Sid must be non-empty and alphanumeric"}},
		{"Sid with hyphen", Document{Statements: []Statement{{Sid: "Allow-All", Effect: Allow, Actions: act, Resources: res}}}, []string{`"Allow-All"`, "alphanumeric"}},
		{"Sid with space", Document{Statements: []Statement{{Sid: "Allow All", Effect: Allow, Actions: act, Resources: res}}}, []string{"alphanumeric"}},
		{"Sid with underscore", Document{Statements: []Statement{{Sid: "Allow_All", Effect: Allow, Actions: act, Resources: res}}}, []string{"alphanumeric"}},
		{"duplicate Sid", Document{Statements: []Statement{allow("Same", "s3:GetObject"), allow("Other", "s3:ListBucket"), allow("Same", "s3:PutObject")}}, []string{"statement 2", `duplicate Sid "Same"`}},
		{"lower-case effect", Document{Statements: []Statement{{Sid: "E", Effect: "allow", Actions: act, Resources: res}}}, []string{`effect must be Allow or Deny, not "allow"`}},
		{"empty effect", Document{Statements: []Statement{{Sid: "E", Actions: act, Resources: res}}}, []string{"effect must be Allow or Deny"}},
		{"both Actions and NotActions", Document{Statements: []Statement{{Sid: "A", Effect: Allow, Actions: act, NotActions: act, Resources: res}}}, []string{"exactly one of Actions and NotActions"}},
		{"neither Actions nor NotActions", Document{Statements: []Statement{{Sid: "A", Effect: Allow, Resources: res}}}, []string{"exactly one of Actions and NotActions"}},
		{"both Resources and NotResources", Document{Statements: []Statement{{Sid: "R", Effect: Allow, Actions: act, Resources: res, NotResources: res}}}, []string{"exactly one of Resources and NotResources"}},
		{"neither Resources nor NotResources", Document{Statements: []Statement{{Sid: "R", Effect: Allow, Actions: act}}}, []string{"exactly one of Resources and NotResources"}},
		{"condition without operator", Document{Statements: []Statement{{Sid: "C", Effect: Allow, Actions: act, Resources: res, Conditions: []Condition{{Key: "k", Values: []string{"v"}}}}}}, []string{"needs an operator, a key and values"}},
		{"condition without key", Document{Statements: []Statement{{Sid: "C", Effect: Allow, Actions: act, Resources: res, Conditions: []Condition{{Operator: "Bool", Values: []string{"v"}}}}}}, []string{"needs an operator, a key and values"}},
		{"condition without values", Document{Statements: []Statement{{Sid: "C", Effect: Allow, Actions: act, Resources: res, Conditions: []Condition{{Operator: "Bool", Key: "aws:SecureTransport"}}}}}, []string{"needs an operator, a key and values"}},
		{"second statement broken", Document{Statements: []Statement{allow("Good", "s3:GetObject"), {Sid: "Bad", Effect: Deny}}}, []string{`statement 1 ("Bad")`, "Actions and NotActions"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.doc.Validate()
			require.Error(t, err)
			for _, w := range tt.want {
				assert.Contains(t, err.Error(), w)
			}
			out, jerr := tt.doc.JSON()
			assert.Equal(t, "", out, "JSON must not render an invalid document")
			assert.EqualError(t, jerr, err.Error())
			assert.Panics(t, func() { tt.doc.MustJSON() })
		})
	}
}

func TestStringOrList(t *testing.T) {
	tests := []struct {
		in   stringOrList
		want string
	}{
		{stringOrList{"a"}, `"a"`},
		{stringOrList{"a", "b"}, `["a","b"]`},
		{stringOrList{}, `[]`},
	}
	for _, tt := range tests {
		b, err := json.Marshal(tt.in)
		require.NoError(t, err)
		assert.Equal(t, tt.want, string(b))
	}
}

func TestNormalize(t *testing.T) {
	assert.Nil(t, normalize(nil))
	assert.Nil(t, normalize([]string{}))
	in := []string{"c", "a", "b", "a", "c"}
	assert.Equal(t, stringOrList{"a", "b", "c"}, normalize(in))
	assert.True(t, slices.Equal([]string{"c", "a", "b", "a", "c"}, in), "normalize must not sort its input in place")
}
