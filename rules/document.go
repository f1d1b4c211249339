package rules

import (
	"encoding/json"
)

// Document is an IAM policy document as AWS accepts it: Statement an object or a list,
// Action and Resource a string or a list.
type Document struct {
	Statement Statements
}

// Statement is one statement of a Document.
type Statement struct {
	Sid       string
	Effect    string
	Action    StringList
	NotAction StringList
	Resource  StringList
	Condition map[string]map[string]StringList
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

// StringList reads a string as a list of one.
type StringList []string

// UnmarshalJSON implements json.Unmarshaler.
func (l *StringList) UnmarshalJSON(b []byte) error {
	var one string
	if json.Unmarshal(b, &one) == nil {
		*l = []string{one}
		return nil
	}
	return json.Unmarshal(b, (*[]string)(l))
}

// policyDocument parses the policy JSON in property key of r; ok is false when it is not
// known yet or not a valid document (AWS judges validity; the rules judge content).
func policyDocument(r Resource, key string) (Document, bool) {
	text, ok := str(r.Props, key)
	if !ok {
		return Document{}, false
	}
	doc, err := ParseDocument(text)
	return doc, err == nil
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
