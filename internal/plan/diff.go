package plan

import (
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"github.com/secure-aws/secure-aws/awstypes"
	"github.com/secure-aws/secure-aws/iampolicy"
	"github.com/secure-aws/secure-aws/internal/record"
)

// Diff is what the deploy of a plan changes from the stack as deployed, for review: its
// steps, resource by resource, and whose S3 access they change. It renders as Markdown
// sections that read without the plan beside them: a new stack is a few lines per
// component, a narrowed grant the one statement that changed.
type Diff struct {
	Changes Changes
	// Access holds the rows of the plan's "Access by principal" that the deploy adds or
	// removes.
	Access []AccessChange
	// Overwrites say what the deploy overwrites on the existing resources it adopts (the
	// plan's list, for those it creates).
	Overwrites []string
	// Recipients are the credentials (access keys, login profiles) whose secret is
	// encrypted to a key that the deploy sets or that the configuration changes.
	Recipients []Recipient
}

// Recipient is the key a credential's secret is encrypted to (its pgpKey), as the deployed
// stack and the plan have it. AWS encrypts a secret once, when it creates the credential,
// and the program ignores a pgpKey change of an existing one: the new key applies from the
// next generation, which a reviewer must see, since a pull request that swaps the key hands
// the next credential to whoever holds the new one.
type Recipient struct {
	Type, Name, User string
	// Created is true for a credential the deploy creates (Old is then "").
	Created  bool
	Old, New string
}

// AccessChange is one row of "Access by principal" that a deploy adds or removes.
type AccessChange struct {
	Added                          bool
	Principal, Resource, Condition string
	Actions                        []string
}

// Diff compares p with base, the JSON plan of the stack as deployed (Compare).
func (p *Plan) Diff(base []byte) (*Diff, error) {
	changes, err := p.Compare(base)
	if err != nil {
		return nil, err
	}
	old, err := readPlan(base)
	if err != nil {
		return nil, err
	}
	regs := make([]record.Registration, 0, len(old.Resources))
	for _, r := range old.Resources {
		regs = append(regs, record.Registration{URN: r.URN, Type: r.Type, Name: r.Name, Parent: r.Parent, Inputs: resource.NewPropertyMapFromMap(r.Inputs)})
	}
	before, after := map[string]accessRow{}, map[string]accessRow{}
	for _, r := range access(regs, p.Config.Partition) {
		before[r.key()] = r
	}
	for _, r := range access(p.Resources, p.Config.Partition) {
		after[r.key()] = r
	}
	d := &Diff{Changes: changes, Recipients: recipients(regs, p.Resources)}
	d.Overwrites = p.overwrites(func(urn string) bool {
		return slices.ContainsFunc(changes, func(c Change) bool { return c.Op == Create && c.URN == urn })
	})
	for _, k := range slices.Sorted(maps.Keys(before)) {
		if _, ok := after[k]; !ok {
			r := before[k]
			d.Access = append(d.Access, AccessChange{Principal: r.principal, Resource: r.resource, Condition: r.condition, Actions: r.actions})
		}
	}
	for _, k := range slices.Sorted(maps.Keys(after)) {
		if _, ok := before[k]; !ok {
			r := after[k]
			d.Access = append(d.Access, AccessChange{Added: true, Principal: r.principal, Resource: r.resource, Condition: r.condition, Actions: r.actions})
		}
	}
	slices.SortStableFunc(d.Access, func(a, b AccessChange) int { return strings.Compare(a.Principal, b.Principal) })
	return d, nil
}

// Markdown renders the diff: the counts and whose access changes; what would stop the deploy and the credentials
// their holders lose; whose access changes; each deleted, replaced or updated resource with
// what changes in it (a policy statement by statement); the created resources, by the
// component they belong to; what it overwrites on what it adopts.
func (d *Diff) Markdown() string {
	cs := d.Changes
	var b strings.Builder
	if len(cs) == 0 {
		b.WriteString("No resource is created, updated, replaced or deleted.\n")
		writeRecipients(&b, d.Recipients)
		return b.String()
	}
	fmt.Fprintf(&b, "**%d to create, %d to update, %d to replace, %d to delete.**\n", cs.Count(Create), cs.Count(Update), cs.Count(Replace), cs.Count(Delete))
	var whose []string
	for _, a := range d.Access {
		if p := "`" + a.Principal + "`"; !slices.Contains(whose, p) {
			whose = append(whose, p)
		}
	}
	if len(whose) > 0 {
		fmt.Fprintf(&b, "Whose S3 access changes: %s.\n", strings.Join(whose, ", "))
	}
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
	writeRecipients(&b, d.Recipients)
	if len(d.Access) > 0 {
		b.WriteString("\n**Access that changes** (S3 actions allowed, as the plan's \"Access by principal\" lists them):\n\n")
		b.WriteString("| | Principal | Resource | Condition | Allowed |\n|-|-----------|----------|-----------|---------|\n")
		for _, a := range d.Access {
			sign := "removed"
			if a.Added {
				sign = "added"
			}
			fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |\n", sign, a.Principal, a.Resource, a.Condition, strings.Join(a.Actions, ", "))
		}
	}
	if cs.Count(Create) < len(cs) {
		b.WriteString("\n| Step | Resource | Inputs changed |\n|------|----------|----------------|\n")
		for _, c := range cs {
			if c.Op == Create {
				continue
			}
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
		var details []string
		for _, c := range cs {
			for _, in := range c.Inputs {
				for _, line := range in.lines() {
					details = append(details, fmt.Sprintf("- `%s` `%s` %s\n", c.Type, c.Name, line))
				}
			}
		}
		if len(details) > 0 {
			b.WriteString("\n**What changes in them:**\n\n")
			b.WriteString(strings.Join(details, ""))
		}
	}
	writeCreated(&b, cs)
	if len(d.Overwrites) > 0 {
		b.WriteString("\n")
		writeOverwrites(&b, d.Overwrites)
	}
	return b.String()
}

// credentialTypes are the resources whose secret AWS encrypts to their pgpKey.
var credentialTypes = []string{awstypes.AccessKey, awstypes.LoginProfile}

// recipients compares the pgpKey of each credential in before (the deployed stack) and
// after (the plan): those created, and those kept whose configured key changes.
func recipients(before, after []record.Registration) []Recipient {
	old := map[string]string{}
	for _, r := range before {
		if slices.Contains(credentialTypes, r.Type) {
			old[r.URN] = inputString(r.Inputs, "pgpKey")
		}
	}
	var out []Recipient
	for _, r := range after {
		if !slices.Contains(credentialTypes, r.Type) {
			continue
		}
		key := inputString(r.Inputs, "pgpKey")
		was, kept := old[r.URN]
		if kept && was == key {
			continue
		}
		out = append(out, Recipient{Type: r.Type, Name: r.Name, User: inputString(r.Inputs, "user"), Created: !kept, Old: was, New: key})
	}
	return out
}

// recipientText says who can read a secret encrypted to key (a pgpKey input).
func recipientText(key string) string {
	if key == "" {
		return "no PGP key (the secret is a Pulumi secret output)"
	}
	return inputText("pgpKey", resource.NewStringProperty(key))
}

// writeRecipients lists whom each created credential is encrypted to and each recipient the
// configuration changes, before the rest of the diff: a swapped key is loud.
func writeRecipients(b *strings.Builder, rs []Recipient) {
	if len(rs) == 0 {
		return
	}
	b.WriteString("\n**Credential recipients** (the key each secret is encrypted to: whoever holds it reads the credential):\n\n")
	for _, r := range rs {
		kind := "access key"
		if r.Type == awstypes.LoginProfile {
			kind = "login profile"
		}
		if r.Created {
			fmt.Fprintf(b, "- %s `%s` of user `%s` (created): encrypted to %s\n", kind, r.Name, r.User, recipientText(r.New))
			continue
		}
		fmt.Fprintf(b, "- **recipient changes**: %s `%s` of user `%s`: %s → %s (applies from the next generation; this one stays encrypted to the old key)\n", kind, r.Name, r.User, recipientText(r.Old), recipientText(r.New))
	}
}

// writeCreated lists the created resources by their parent (the component they belong
// to), one line each: a new stack reads as its components.
func writeCreated(b *strings.Builder, cs Changes) {
	byParent := map[string][]Change{}
	var parents []string
	created := map[string]Change{}
	for _, c := range cs {
		if c.Op != Create {
			continue
		}
		created[c.URN] = c
		if _, ok := byParent[c.Parent]; !ok {
			parents = append(parents, c.Parent)
		}
		byParent[c.Parent] = append(byParent[c.Parent], c)
	}
	if len(created) == 0 {
		return
	}
	fmt.Fprintf(b, "\n**Created** (%d), by the component they belong to:\n\n", len(created))
	for _, parent := range parents {
		var kinds []string
		for _, c := range byParent[parent] {
			if _, isParent := byParent[c.URN]; isParent {
				continue // a component, listed on its own line
			}
			kind := c.Type[strings.LastIndex(c.Type, ":")+1:]
			if c.ImportID != "" {
				kind += " (adopted: imports " + c.ImportID + ")"
			}
			kinds = append(kinds, kind)
		}
		if len(kinds) == 0 {
			continue
		}
		owner := "the stack"
		if u := resource.URN(parent); u.IsValid() {
			owner = fmt.Sprintf("`%s` `%s`", u.Type(), u.Name())
			if _, isNew := created[parent]; !isNew {
				owner += " (exists)"
			}
		}
		fmt.Fprintf(b, "- %s: %s\n", owner, countedList(kinds))
	}
}

// countedList joins names, a repeated one once with its count: "Group, User ×2".
func countedList(names []string) string {
	counts := map[string]int{}
	var order []string
	for _, n := range names {
		if counts[n] == 0 {
			order = append(order, n)
		}
		counts[n]++
	}
	slices.Sort(order)
	for i, n := range order {
		if counts[n] > 1 {
			order[i] = fmt.Sprintf("%s ×%d", n, counts[n])
		}
	}
	return strings.Join(order, ", ")
}

// InputChange is one input a deploy changes, before and after, as the JSON plan holds it.
type InputChange struct {
	Key      string
	Old, New any
}

// lines says what changes in the input: a policy document statement by statement, any
// other value as old -> new.
func (in InputChange) lines() []string {
	if slices.Contains(documentInputs, in.Key) {
		oldText, _ := in.Old.(string)
		newText, _ := in.New.(string)
		if out, ok := statementChanges(oldText, newText); ok {
			for i, l := range out {
				out[i] = in.Key + ": " + l
			}
			return out
		}
	}
	return valueChanges(in.Key, in.Old, in.New)
}

// valueChanges says what changes from old to new, path by path: two mappings (or two lists
// of one length, or two strings that hold such JSON) by their keys, e.g.
// "rules[0].noncurrentVersionExpiration.noncurrentDays: `7` → `30`", so a long value cut
// short never hides the one field that changes; anything else as old → new.
func valueChanges(path string, old, new any) []string {
	old, new = jsonValue(old), jsonValue(new)
	switch o := old.(type) {
	case map[string]any:
		if n, ok := new.(map[string]any); ok {
			var out []string
			keys := slices.Collect(maps.Keys(o))
			for k := range n {
				if _, ok := o[k]; !ok {
					keys = append(keys, k)
				}
			}
			slices.Sort(keys)
			for _, k := range keys {
				out = append(out, valueChanges(path+"."+k, o[k], n[k])...)
			}
			return out
		}
	case []any:
		if n, ok := new.([]any); ok && len(n) == len(o) {
			var out []string
			for i := range o {
				out = append(out, valueChanges(fmt.Sprintf("%s[%d]", path, i), o[i], n[i])...)
			}
			return out
		}
	}
	if reflect.DeepEqual(old, new) {
		return nil
	}
	return []string{fmt.Sprintf("%s: %s → %s", path, compact(old), compact(new))}
}

// jsonValue is the mapping or list a string holds as JSON, else v itself.
func jsonValue(v any) any {
	if s, ok := v.(string); ok && (strings.HasPrefix(s, "{") || strings.HasPrefix(s, "[")) {
		var decoded any
		if json.Unmarshal([]byte(s), &decoded) == nil {
			return decoded
		}
	}
	return v
}

// compact renders a value in one line, cut short when long; an absent one as "not set".
func compact(v any) string {
	if v == nil {
		return "not set"
	}
	text, err := json.Marshal(v)
	if err != nil {
		text = []byte(fmt.Sprint(v))
	}
	s := string(text)
	if len(s) > 120 {
		s = s[:117] + "..."
	}
	return "`" + s + "`"
}

// statementChanges compares two policy documents statement by statement (matched by Sid):
// the statements added and removed, and in each kept one the actions, resources,
// principals, conditions and effect that change. ok is false when either is not a policy
// the plan can read.
func statementChanges(oldText, newText string) (out []string, ok bool) {
	before, err := iampolicy.Parse(oldText)
	if err != nil {
		return nil, false
	}
	after, err := iampolicy.Parse(newText)
	if err != nil {
		return nil, false
	}
	olds := map[string]iampolicy.Statement{}
	for _, s := range before.Statements {
		olds[s.Sid] = s
	}
	for _, s := range after.Statements {
		o, kept := olds[s.Sid]
		delete(olds, s.Sid)
		if !kept {
			out = append(out, fmt.Sprintf("statement `%s` added: %s", s.Sid, statementText(s)))
			continue
		}
		var parts []string
		if o.Effect != s.Effect {
			parts = append(parts, fmt.Sprintf("Effect %s → %s", o.Effect, s.Effect))
		}
		for _, f := range statementFields {
			if d := listDiff(f.get(o), f.get(s)); d != "" {
				parts = append(parts, f.name+" "+d)
			}
		}
		if len(parts) > 0 {
			out = append(out, fmt.Sprintf("statement `%s`: %s", s.Sid, strings.Join(parts, "; ")))
		}
	}
	for _, s := range before.Statements {
		if _, removed := olds[s.Sid]; removed {
			out = append(out, fmt.Sprintf("statement `%s` removed: %s", s.Sid, statementText(s)))
		}
	}
	return out, true
}

// statementFields are the lists of a statement a diff compares, by their JSON names.
var statementFields = []struct {
	name string
	get  func(iampolicy.Statement) []string
}{
	{"Principal", func(s iampolicy.Statement) []string {
		var out []string
		for _, p := range s.Principals {
			for _, id := range p.Identifiers {
				out = append(out, p.Type+" "+id)
			}
		}
		return out
	}},
	{"Action", func(s iampolicy.Statement) []string { return s.Actions }},
	{"NotAction", func(s iampolicy.Statement) []string { return s.NotActions }},
	{"Resource", func(s iampolicy.Statement) []string { return s.Resources }},
	{"NotResource", func(s iampolicy.Statement) []string { return s.NotResources }},
	{"Condition", func(s iampolicy.Statement) []string {
		var out []string
		for _, c := range s.Conditions {
			out = append(out, fmt.Sprintf("%s %s %s", c.Operator, c.Key, strings.Join(c.Values, ",")))
		}
		return out
	}},
}

// listDiff says which values b adds to a (+) and removes (−), "" when none.
func listDiff(a, b []string) string {
	var parts []string
	for _, v := range b {
		if !slices.Contains(a, v) {
			parts = append(parts, "+`"+v+"`")
		}
	}
	for _, v := range a {
		if !slices.Contains(b, v) {
			parts = append(parts, "−`"+v+"`")
		}
	}
	return strings.Join(parts, " ")
}

// statementText is a statement in one line, for one added or removed whole.
func statementText(s iampolicy.Statement) string {
	parts := []string{string(s.Effect)}
	for _, f := range statementFields {
		if v := f.get(s); len(v) > 0 {
			parts = append(parts, f.name+" `"+strings.Join(v, "`, `")+"`")
		}
	}
	return strings.Join(parts, "; ")
}
