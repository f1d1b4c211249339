// Package iampolicy builds IAM policy documents as typed Go values and renders them as
// deterministic JSON: lists sorted and de-duplicated, single-item lists flattened, maps
// in key order. The same input always yields the same bytes, so a preview diff shows only
// real permission changes.
package iampolicy

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
)

// Version is the only policy language version this package writes.
const Version = "2012-10-17"

// Effect is Allow or Deny.
type Effect string

// The two statement effects.
const (
	Allow Effect = "Allow"
	Deny  Effect = "Deny"
)

// Document is an IAM policy document.
type Document struct {
	// Statements in the order they are written; their Sids must be unique.
	Statements []Statement
}

// Statement is one IAM policy statement. Exactly one of Actions and NotActions is set;
// identity policies set Resources, trust policies set Principals instead.
type Statement struct {
	Sid          string
	Effect       Effect
	Principals   []Principal
	Actions      []string
	NotActions   []string
	Resources    []string
	NotResources []string
	Conditions   []Condition
}

// Principal names who a resource or trust policy applies to, e.g. {"AWS", [arn]}.
type Principal struct {
	Type        string
	Identifiers []string
}

// Condition is one condition clause: Operator (StringLike, BoolIfExists...) applied to Key.
type Condition struct {
	Operator string
	Key      string
	Values   []string
}

var sidPattern = regexp.MustCompile(`^[A-Za-z0-9]+$`)

// Validate reports the first structural problem that AWS would reject the document for.
func (d Document) Validate() error {
	if len(d.Statements) == 0 {
		return errors.New("policy has no statements")
	}
	for i, s := range d.Statements {
		if err := s.validate(); err != nil {
			return fmt.Errorf("statement %d (%q): %w", i, s.Sid, err)
		}
	}
	return uniqueSids(d.Statements)
}

// uniqueSids refuses two statements of one Sid: IAM wants each Sid unique within a policy
// (IAM JSON policy elements: Sid,
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_sid.html),
// and the plan's diff pairs statements by Sid. Statements without a Sid are not compared.
func uniqueSids(statements []Statement) error {
	seen := map[string]bool{}
	for i, s := range statements {
		if s.Sid != "" && seen[s.Sid] {
			return fmt.Errorf("statement %d: duplicate Sid %q", i, s.Sid)
		}
		seen[s.Sid] = true
	}
	return nil
}

func (s Statement) validate() error {
	switch {
	case !sidPattern.MatchString(s.Sid):
		return errors.New("the Sid must be non-empty and alphanumeric")
	case s.Effect != Allow && s.Effect != Deny:
		return fmt.Errorf("effect must be Allow or Deny, not %q", s.Effect)
	case (len(s.Actions) == 0) == (len(s.NotActions) == 0):
		return errors.New("exactly one of Actions and NotActions must be set")
	case len(s.Resources) > 0 && len(s.NotResources) > 0:
		return errors.New("exactly one of Resources and NotResources may be set, not both")
	case len(s.Principals) == 0 && len(s.Resources) == 0 && len(s.NotResources) == 0:
		return errors.New("exactly one of Resources and NotResources must be set")
	}
	for _, p := range s.Principals {
		if p.Type == "" || len(p.Identifiers) == 0 {
			return fmt.Errorf("principal %+v needs a type and identifiers", p)
		}
	}
	for _, c := range s.Conditions {
		if c.Operator == "" || c.Key == "" || len(c.Values) == 0 {
			return fmt.Errorf("condition %+v needs an operator, a key and values", c)
		}
	}
	return nil
}

// JSON renders the document compactly, as IAM stores it and counts it against quotas.
func (d Document) JSON() (string, error) {
	if err := d.Validate(); err != nil {
		return "", err
	}
	out := jsonDocument{Version: Version}
	for _, s := range d.Statements {
		out.Statement = append(out.Statement, s.toJSON())
	}
	b, err := json.Marshal(out)
	if err != nil {
		return "", fmt.Errorf("marshalling policy: %w", err)
	}
	return string(b), nil
}

// MustJSON is JSON for documents built entirely from constants; it panics on a bug.
func (d Document) MustJSON() string {
	s, err := d.JSON()
	if err != nil {
		panic(err)
	}
	return s
}

type jsonDocument struct {
	Version   string          `json:"Version"`
	Statement []jsonStatement `json:"Statement"`
}

type jsonStatement struct {
	Sid         string                             `json:"Sid"`
	Effect      Effect                             `json:"Effect"`
	Principal   any                                `json:"Principal,omitempty"` // "*" or a map of types
	Action      stringOrList                       `json:"Action,omitempty"`
	NotAction   stringOrList                       `json:"NotAction,omitempty"`
	Resource    stringOrList                       `json:"Resource,omitempty"`
	NotResource stringOrList                       `json:"NotResource,omitempty"`
	Condition   map[string]map[string]stringOrList `json:"Condition,omitempty"`
}

func (s Statement) toJSON() jsonStatement {
	out := jsonStatement{
		Sid:         s.Sid,
		Effect:      s.Effect,
		Action:      normalize(s.Actions),
		NotAction:   normalize(s.NotActions),
		Resource:    normalize(s.Resources),
		NotResource: normalize(s.NotResources),
	}
	byType := map[string]stringOrList{}
	for _, p := range s.Principals {
		if p.Type == Everyone {
			out.Principal = "*"
			break
		}
		byType[p.Type] = normalize(append(byType[p.Type], p.Identifiers...))
	}
	if out.Principal == nil && len(byType) > 0 {
		out.Principal = byType
	}
	for _, c := range s.Conditions {
		if out.Condition == nil {
			out.Condition = map[string]map[string]stringOrList{}
		}
		if out.Condition[c.Operator] == nil {
			out.Condition[c.Operator] = map[string]stringOrList{}
		}
		out.Condition[c.Operator][c.Key] = normalize(append(out.Condition[c.Operator][c.Key], c.Values...))
	}
	return out
}

// normalize returns a sorted copy without duplicates, so statement order is the only
// order that carries meaning.
func normalize(values []string) stringOrList {
	if len(values) == 0 {
		return nil
	}
	out := slices.Clone(values)
	slices.Sort(out)
	return slices.Compact(out)
}

// stringOrList marshals a single value as a plain string, as AWS writes it.
type stringOrList []string

func (l stringOrList) MarshalJSON() ([]byte, error) {
	if len(l) == 1 {
		return json.Marshal(l[0])
	}
	return json.Marshal([]string(l))
}
