package plan

import (
	"encoding/json"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"github.com/secure-aws/secure-aws/internal/record"
	"github.com/secure-aws/secure-aws/rules"
)

type jsonPlan struct {
	Stack       string         `json:"stack"`
	Environment string         `json:"environment"`
	AccountID   string         `json:"accountId"`
	Region      string         `json:"region"`
	Resources   []jsonResource `json:"resources"`
	Rules       []jsonRule     `json:"rules"`
	CIS         []CISRow       `json:"cis"` // the CIS v5.0.0 report (cis.go)
}

type jsonResource struct {
	URN            string         `json:"urn"`
	Type           string         `json:"type"`
	Name           string         `json:"name"`
	Parent         string         `json:"parent"`
	Protect        bool           `json:"protect"`
	RetainOnDelete bool           `json:"retainOnDelete"`
	Dependencies   []string       `json:"dependencies"`
	IgnoreChanges  []string       `json:"ignoreChanges"`
	ImportID       string         `json:"importId,omitempty"`
	Custom         bool           `json:"custom"`
	Aliases        []string       `json:"aliases,omitempty"`
	Inputs         map[string]any `json:"inputs"`
}

type jsonRule struct {
	Name        string            `json:"name"`
	Level       rules.Level       `json:"level"`
	Description string            `json:"description"`
	Violations  []rules.Violation `json:"violations"`
}

// JSON renders every registered resource with its options and inputs as registered
// (secrets replaced by SecretMarker), and the rule results.
func (p *Plan) JSON() ([]byte, error) {
	out := jsonPlan{Stack: p.Stack, Environment: p.Config.Environment, AccountID: p.Config.AccountID, Region: p.Config.Region, CIS: p.CIS()}
	for _, r := range p.Resources {
		out.Resources = append(out.Resources, jsonResource{
			URN:            r.URN,
			Type:           r.Type,
			Name:           r.Name,
			Parent:         r.Parent,
			Protect:        r.Protect,
			RetainOnDelete: r.RetainOnDelete,
			Dependencies:   orEmpty(r.Dependencies),
			IgnoreChanges:  orEmpty(r.IgnoreChanges),
			ImportID:       r.ImportID,
			Custom:         r.Custom,
			Aliases:        r.Aliases,
			Inputs:         PlainInputs(r.Inputs),
		})
	}
	for _, r := range p.Rules {
		jr := jsonRule{Name: r.Name, Level: r.Level, Description: r.Description, Violations: []rules.Violation{}}
		for _, v := range p.Violations {
			if v.Rule == r.Name {
				jr.Violations = append(jr.Violations, v)
			}
		}
		out.Rules = append(out.Rules, jr)
	}
	b, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

func orEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// PlainInputs renders inputs as the JSON plan shows them: JSON-ready values, secrets
// replaced by SecretMarker and unknown values by "[unknown]".
func PlainInputs(m resource.PropertyMap) map[string]any {
	out := map[string]any{}
	for k, v := range m {
		out[string(k)] = plain(v)
	}
	return out
}

// plain converts a property value to JSON-ready Go values, hiding secrets.
func plain(v resource.PropertyValue) any {
	switch {
	case v.IsSecret():
		return record.SecretMarker
	case v.IsComputed() || v.IsOutput():
		return "[unknown]"
	case v.IsObject():
		return PlainInputs(v.ObjectValue())
	case v.IsArray():
		out := []any{}
		for _, e := range v.ArrayValue() {
			out = append(out, plain(e))
		}
		return out
	case v.IsNull():
		return nil
	}
	return v.V
}

// registrations reads the resources of a JSON plan back as registrations: each input as
// PlainInputs wrote it, SecretMarker a secret and "[unknown]" an unknown value again.
func registrations(jp jsonPlan) []record.Registration {
	regs := make([]record.Registration, 0, len(jp.Resources))
	for _, r := range jp.Resources {
		inputs := resource.PropertyMap{}
		for k, v := range r.Inputs {
			inputs[resource.PropertyKey(k)] = unplain(v)
		}
		regs = append(regs, record.Registration{
			URN: r.URN, Type: r.Type, Name: r.Name, Parent: r.Parent, Custom: r.Custom, Inputs: inputs,
			Protect: r.Protect, RetainOnDelete: r.RetainOnDelete, Dependencies: r.Dependencies,
			IgnoreChanges: r.IgnoreChanges, Aliases: r.Aliases, ImportID: r.ImportID,
		})
	}
	return regs
}

// unplain is the property value plain rendered as v.
func unplain(v any) resource.PropertyValue {
	switch v := v.(type) {
	case string:
		switch v {
		case record.SecretMarker:
			return resource.MakeSecret(resource.NewStringProperty(""))
		case "[unknown]":
			return resource.MakeComputed(resource.NewStringProperty(""))
		}
	case map[string]any:
		m := resource.PropertyMap{}
		for k, e := range v {
			m[resource.PropertyKey(k)] = unplain(e)
		}
		return resource.NewObjectProperty(m)
	case []any:
		out := make([]resource.PropertyValue, len(v))
		for i, e := range v {
			out[i] = unplain(e)
		}
		return resource.NewArrayProperty(out)
	}
	return resource.NewPropertyValue(v)
}
