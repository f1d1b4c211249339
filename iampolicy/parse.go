package iampolicy

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// Parse reads a policy document as AWS accepts it, into the same types this package
// writes: Statement an object or a list, Action, Resource and condition values a string or
// a list (booleans and numbers read as their text), Principal "*" or a map of types. It
// checks the shape, not the content: a document AWS would store parses, whatever it
// grants; two statements of one Sid, which IAM refuses, do not. A key it does not read (NotPrincipal) is an error, never dropped: a reader
// that ignored it would judge, or show, another policy than AWS applies.
func Parse(text string) (Document, error) {
	var raw struct {
		Version   string
		Id        string
		Statement json.RawMessage
	}
	if err := strict([]byte(text), &raw); err != nil {
		return Document{}, fmt.Errorf("policy is not a JSON object of Version, Id and Statement: %w", err)
	}
	var list []jsonReadStatement
	if err := strict(raw.Statement, &list); err != nil {
		var one jsonReadStatement
		if err := strict(raw.Statement, &one); err != nil {
			return Document{}, fmt.Errorf("policy Statement is neither a statement nor a list of them: %w", err)
		}
		list = []jsonReadStatement{one}
	}
	var doc Document
	for i, r := range list {
		s, err := r.statement()
		if err != nil {
			return Document{}, fmt.Errorf("statement %d (%q): %w", i, r.Sid, err)
		}
		doc.Statements = append(doc.Statements, s)
	}
	if err := uniqueSids(doc.Statements); err != nil {
		return Document{}, err
	}
	return doc, nil
}

// strict decodes data into v, refusing keys v has no field for.
func strict(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}

// Everyone is the principal type of a statement whose Principal is "*".
const Everyone = "*"

// IsEveryone reports whether the statement applies to every principal: "*" or {"AWS": "*"}.
func (s Statement) IsEveryone() bool {
	return slices.ContainsFunc(s.Principals, func(p Principal) bool {
		return p.Type == Everyone || p.Type == "AWS" && slices.Contains(p.Identifiers, "*")
	})
}

// ConditionValues are the values the statement's condition operator applies to key.
func (s Statement) ConditionValues(operator, key string) []string {
	var out []string
	for _, c := range s.Conditions {
		if c.Operator == operator && c.Key == key {
			out = append(out, c.Values...)
		}
	}
	return out
}

type jsonReadStatement struct {
	Sid         string
	Effect      Effect
	Principal   json.RawMessage
	Action      readList
	NotAction   readList
	Resource    readList
	NotResource readList
	Condition   map[string]map[string]readList
}

func (r jsonReadStatement) statement() (Statement, error) {
	s := Statement{Sid: r.Sid, Effect: r.Effect, Actions: r.Action, NotActions: r.NotAction, Resources: r.Resource, NotResources: r.NotResource}
	if len(r.Principal) > 0 {
		var star string
		if json.Unmarshal(r.Principal, &star) == nil {
			if star != "*" {
				return Statement{}, fmt.Errorf("principal %q is neither \"*\" nor a map of principal types", star)
			}
			s.Principals = []Principal{{Type: Everyone, Identifiers: []string{"*"}}}
		} else {
			var byType map[string]readList
			if err := json.Unmarshal(r.Principal, &byType); err != nil {
				return Statement{}, fmt.Errorf("reading the principal: %w", err)
			}
			for _, t := range sortedKeys(byType) {
				s.Principals = append(s.Principals, Principal{Type: t, Identifiers: byType[t]})
			}
		}
	}
	for _, op := range sortedKeys(r.Condition) {
		for _, key := range sortedKeys(r.Condition[op]) {
			s.Conditions = append(s.Conditions, Condition{Operator: op, Key: key, Values: r.Condition[op][key]})
		}
	}
	return s, nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// readList reads a string, or a list of strings, as a list. Booleans and numbers, which
// IAM accepts in condition values ("aws:SecureTransport": false), read as their text.
type readList []string

func (l *readList) UnmarshalJSON(b []byte) error {
	var many []json.RawMessage
	if json.Unmarshal(b, &many) != nil {
		many = []json.RawMessage{b}
	}
	out := make(readList, 0, len(many))
	for _, raw := range many {
		var v any
		if err := json.Unmarshal(raw, &v); err != nil {
			return err
		}
		switch v := v.(type) {
		case string:
			out = append(out, v)
		case bool, float64:
			out = append(out, fmt.Sprint(v))
		default:
			return fmt.Errorf("policy value %s is not a string, number or boolean", raw)
		}
	}
	*l = out
	return nil
}

// NamesPolicy reports whether arn is the ARN of the customer managed policy with that
// path (default "/") and name: the one way an attachment is traced to its document. An
// AWS managed policy's ARN (account "aws") never names a customer policy.
func NamesPolicy(arn, path, name string) bool {
	if path == "" {
		path = "/"
	}
	_, managed := AWSManagedPolicyName(arn)
	return !managed && strings.HasPrefix(arn, "arn:") && strings.HasSuffix(arn, ":policy"+path+name)
}

// AWSManagedPolicyARN is the ARN of the AWS managed policy name, e.g. ReadOnlyAccess.
func AWSManagedPolicyARN(partition, name string) string {
	return "arn:" + partition + ":iam::aws:policy/" + name
}

// AWSManagedPolicyName is the name of the AWS managed policy arn names
// (arn:PARTITION:iam::aws:policy/NAME), in any partition.
func AWSManagedPolicyName(arn string) (string, bool) {
	_, name, ok := strings.Cut(arn, ":iam::aws:policy/")
	return name, ok && strings.HasPrefix(arn, "arn:")
}
