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
	"github.com/secure-aws/secure-aws/internal/fakeaws"
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
	// make the AWS provider replace the resource (fakeaws.ReplaceOn).
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
	var old jsonPlan
	if len(bytes.TrimSpace(base)) > 0 {
		if err := json.Unmarshal(base, &old); err != nil {
			return nil, fmt.Errorf("reading the base plan: %w", err)
		}
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
			out = append(out, Change{Op: Create, URN: n.URN, Type: n.Type, Name: n.Name})
			continue
		}
		oldInputs, newInputs := resource.NewPropertyMapFromMap(o.Inputs), resource.NewPropertyMapFromMap(n.Inputs)
		changed, replaces := fakeaws.Diff(n.Type, oldInputs, newInputs, n.IgnoreChanges)
		if len(changed) == 0 {
			continue
		}
		c := Change{Op: Update, URN: n.URN, Type: n.Type, Name: n.Name, Changed: changed, Replaces: replaces}
		if len(replaces) > 0 {
			c.Op, c.Stops = Replace, o.Protect && n.Protect
		}
		if c.Lost = lost(c.Op, n.Type, changed, newInputs); c.Lost != "" {
			c.User = inputString(oldInputs, "user")
		}
		out = append(out, c)
	}
	for _, o := range olds {
		c := Change{Op: Delete, URN: o.URN, Type: o.Type, Name: o.Name, Stops: o.Protect, Retained: o.RetainOnDelete}
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

// Markdown renders the changes for review: the counts, what would stop the deploy, which
// credentials their holders lose, then one row per changed resource.
func (cs Changes) Markdown() string {
	var b strings.Builder
	if len(cs) == 0 {
		b.WriteString("No resource is created, updated, replaced or deleted.\n")
		return b.String()
	}
	fmt.Fprintf(&b, "**%d to create, %d to update, %d to replace, %d to delete.**\n", cs.Count(Create), cs.Count(Update), cs.Count(Replace), cs.Count(Delete))
	if stops := cs.Stops(); len(stops) > 0 {
		b.WriteString("\n**The deploy would stop**: it would delete or replace these protected resources, which Pulumi refuses:\n\n")
		for _, c := range stops {
			fmt.Fprintf(&b, "- %s `%s` `%s`\n", c.Op, c.Type, c.Name)
		}
		b.WriteString("\nTo stop managing a bucket, unprotect it in the state first (README: \"What is protected, and how to really delete it\").\n")
	}
	var lost []string
	for _, c := range cs {
		if c.Lost != "" {
			kind := "access key"
			if c.Type == awstypes.LoginProfile {
				kind = "login profile (console password)"
			}
			lost = append(lost, fmt.Sprintf("- %s `%s` of user `%s`: %s\n", kind, c.Name, c.User, c.Lost))
		}
	}
	if len(lost) > 0 {
		b.WriteString("\n**Credentials lost**: whoever uses these (a workload, a person) loses access when the deploy runs:\n\n")
		b.WriteString(strings.Join(lost, ""))
	}
	b.WriteString("\n| Step | Resource | Inputs changed |\n|------|----------|----------------|\n")
	for _, c := range cs {
		var inputs []string
		for _, k := range c.Changed {
			if slices.Contains(c.Replaces, k) {
				k += " (forces replacement)"
			}
			inputs = append(inputs, k)
		}
		step := string(c.Op)
		switch {
		case c.Stops:
			step += ", refused (protected)"
		case c.Retained:
			step += " from the stack, kept in AWS"
		}
		fmt.Fprintf(&b, "| %s | `%s` `%s` | %s |\n", step, c.Type, c.Name, strings.Join(inputs, ", "))
	}
	return b.String()
}
