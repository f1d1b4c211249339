package rules

import (
	"encoding/json"
	"fmt"
)

// Document is an IAM policy document as AWS accepts it: Statement an object or a list,
// Action and Resource a string or a list.
type Document struct {
	Statement Statements
}

// Statement is one statement of a Document.
type Statement struct {
	Sid         string
	Effect      string
	Principal   json.RawMessage
	Action      StringList
	NotAction   StringList
	Resource    StringList
	NotResource StringList
	Condition   map[string]map[string]StringList
}

// Statements reads a single statement object as a list of one.
type Statements []Statement

// UnmarshalJSON implements json.Unmarshaler.
func (s *Statements) UnmarshalJSON(b []byte) error {
	var one Statement
	if json.Unmarshal(b, &one) == nil && (one.Effect != "" || one.Sid != "") {
		*s = Statements{one}
		return nil
	}
	return json.Unmarshal(b, (*[]Statement)(s))
}

// ParseDocument parses policy JSON.
func ParseDocument(text string) (Document, error) {
	var doc Document
	err := json.Unmarshal([]byte(text), &doc)
	return doc, err
}

// StringList reads a string, or a list of strings, as a list. Booleans and numbers, which
// IAM accepts in condition values ("aws:SecureTransport": false), read as their text.
type StringList []string

// UnmarshalJSON implements json.Unmarshaler.
func (l *StringList) UnmarshalJSON(b []byte) error {
	var many []json.RawMessage
	if json.Unmarshal(b, &many) != nil {
		many = []json.RawMessage{b}
	}
	out := make(StringList, 0, len(many))
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

// unreadable is the Sid of the statement that stands for a policy the rules cannot read.
const unreadable = "UnreadablePolicy"

// policyDocument parses the policy JSON in property key of r; ok is false when it is not
// known yet. A known policy the rules cannot read is not skipped, which would let any
// grant through: it reads as one Allow of "*", which every identity rule refuses.
func policyDocument(r Resource, key string) (Document, bool) {
	text, ok := str(r.Props, key)
	if !ok {
		return Document{}, false
	}
	doc, err := ParseDocument(text)
	if err != nil {
		return Document{Statement: Statements{{Sid: unreadable, Effect: "Allow", Action: StringList{"*"}, Resource: StringList{"*"}}}}, true
	}
	return doc, true
}

// identityDocument returns the identity policy document of r, when r is one and its
// document is known and valid.
func identityDocument(r Resource) (Document, bool) {
	if !identityPolicies[r.Type] {
		return Document{}, false
	}
	return policyDocument(r, "policy")
}

// identityPolicies are the resource types whose `policy` property is an identity policy.
var identityPolicies = map[string]bool{
	TypePolicy:      true,
	TypeGroupPolicy: true,
	TypeUserPolicy:  true,
	TypeRolePolicy:  true,
}
