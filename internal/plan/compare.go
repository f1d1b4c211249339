package plan

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"github.com/secure-aws/secure-aws/awstypes"
	"github.com/secure-aws/secure-aws/internal/awsmodel"
)

// Op is what a deploy does to one resource.
type Op string

// The steps of a deploy, as `pulumi preview` names them.
const (
	Create  Op = "create"
	Update  Op = "update"
	Replace Op = "replace"
	Delete  Op = "delete"
)

// Change is what the deploy of a plan does to one resource of the stack deployed from a
// base plan, matched by URN.
type Change struct {
	Op   Op
	URN  string
	Type string
	Name string
	// Changed lists the inputs that differ (update, replace); Replaces those of them that
	// make the AWS provider replace the resource (awsmodel.ReplaceOn).
	Changed, Replaces []string
	// Stops: Pulumi refuses the step, so the deploy fails there. It refuses to delete a
	// resource protected at the base, and to replace one protected at the base and the head
	// (pulumi/pkg resource/deploy: step.go DeleteStep.Apply, step_generator.go).
	Stops bool
	// Retained: a deletion that removes the resource from the stack only; it stays in AWS
	// (retainOnDelete at the base).
	Retained bool
	// Lost says how the holder of a credential (an access key or a login profile) loses it:
	// "deleted", "replaced" (the old secret stops working) or "deactivated"; "" otherwise.
	Lost string
	// User is the IAM user of a credential, as the base plan names it.
	User string
	// Parent is the resource's parent (its component); ImportID, of a creation, the
	// existing resource it adopts.
	Parent, ImportID string
	// Inputs are the changed inputs (Changed), before and after.
	Inputs []InputChange
}

// Changes are the changes of a deploy, deletions first, then replacements, updates and
// creations, each ordered by URN.
type Changes []Change

var opOrder = []Op{Delete, Replace, Update, Create}

// Compare matches the resources of p with those of base, the JSON plan (Plan.JSON) of the
// stack as deployed (the pull request's base), by URN. An empty base is a stack not yet
// deployed: everything is created. Aliases are not followed (the program declares none):
// a resource moved to a new URN under an alias would show as deleted and created.
func (p *Plan) Compare(base []byte) (Changes, error) {
	old, err := readPlan(base)
	if err != nil {
		return nil, err
	}
	// Both sides go through the same JSON form, so secrets and numbers compare alike.
	raw, err := p.JSON()
	if err != nil {
		return nil, err
	}
	var now jsonPlan
	if err := json.Unmarshal(raw, &now); err != nil {
		return nil, err
	}
	olds := map[string]jsonResource{}
	for _, r := range old.Resources {
		olds[r.URN] = r
	}
	var out Changes
	for _, n := range now.Resources {
		o, ok := olds[n.URN]
		delete(olds, n.URN)
		if !ok {
			out = append(out, Change{Op: Create, URN: n.URN, Type: n.Type, Name: n.Name, Parent: n.Parent, ImportID: n.ImportID})
			continue
		}
		oldInputs, newInputs := resource.NewPropertyMapFromMap(o.Inputs), resource.NewPropertyMapFromMap(n.Inputs)
		changed, replaces := awsmodel.Diff(n.Type, oldInputs, newInputs, n.IgnoreChanges)
		if len(changed) == 0 {
			continue
		}
		c := Change{Op: Update, URN: n.URN, Type: n.Type, Name: n.Name, Parent: n.Parent, Changed: changed, Replaces: replaces}
		for _, k := range changed {
			c.Inputs = append(c.Inputs, InputChange{Key: k, Old: o.Inputs[k], New: n.Inputs[k]})
		}
		if len(replaces) > 0 {
			c.Op, c.Stops = Replace, o.Protect && n.Protect
		}
		if c.Lost = lost(c.Op, n.Type, changed, newInputs); c.Lost != "" {
			c.User = inputString(oldInputs, "user")
		}
		out = append(out, c)
	}
	for _, o := range olds {
		c := Change{Op: Delete, URN: o.URN, Type: o.Type, Name: o.Name, Parent: o.Parent, Stops: o.Protect, Retained: o.RetainOnDelete}
		oldInputs := resource.NewPropertyMapFromMap(o.Inputs)
		if c.Lost = lost(Delete, o.Type, nil, oldInputs); c.Lost != "" {
			c.User = inputString(oldInputs, "user")
		}
		out = append(out, c)
	}
	slices.SortFunc(out, func(a, b Change) int {
		return cmp.Or(cmp.Compare(slices.Index(opOrder, a.Op), slices.Index(opOrder, b.Op)), strings.Compare(a.URN, b.URN))
	})
	return out, nil
}

// readPlan reads a JSON plan (Plan.JSON); empty is a stack not deployed yet.
func readPlan(text []byte) (jsonPlan, error) {
	var out jsonPlan
	if len(bytes.TrimSpace(text)) > 0 {
		if err := json.Unmarshal(text, &out); err != nil {
			return jsonPlan{}, fmt.Errorf("reading the base plan: %w", err)
		}
	}
	return out, nil
}

// lost says how a step on a resource of type typ, changing the inputs changed, with inputs
// after the step, takes a credential from its holder.
func lost(op Op, typ string, changed []string, inputs resource.PropertyMap) string {
	if typ != awstypes.AccessKey && typ != awstypes.LoginProfile {
		return ""
	}
	switch {
	case op == Delete:
		return "deleted"
	case op == Replace:
		return "replaced"
	case op == Update && slices.Contains(changed, "status") && inputString(inputs, "status") == "Inactive":
		return "deactivated"
	}
	return ""
}

func inputString(m resource.PropertyMap, key string) string {
	if v, ok := m[resource.PropertyKey(key)]; ok && v.IsString() {
		return v.StringValue()
	}
	return ""
}

// Count returns how many changes are op.
func (cs Changes) Count(op Op) int {
	n := 0
	for _, c := range cs {
		if c.Op == op {
			n++
		}
	}
	return n
}

// Stops returns the changes Pulumi refuses: the deploy would fail at the first of them.
func (cs Changes) Stops() Changes {
	return slices.DeleteFunc(slices.Clone(cs), func(c Change) bool { return !c.Stops })
}
