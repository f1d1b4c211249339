package plan

import (
	"bytes"
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
	Overwrites []overwrite
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
	regs := registrations(old)
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

// writePolicyHolders adds to the summary the roles whose trust policy changes (who can
// assume them) and the buckets whose bucket policy changes: what "Whose S3 access
// changes", read from identity policies' Allows, does not see.
func writePolicyHolders(b *strings.Builder, cs Changes) {
	for _, w := range []struct {
		typ, input, line string
	}{
		{awstypes.Role, "assumeRolePolicy", "Who can assume a role changes"},
		{awstypes.BucketPolicy, "policy", "Bucket policies change"},
	} {
		var names []string
		for _, c := range cs {
			if c.Type == w.typ && (c.Op == Create || c.Op == Delete || slices.Contains(c.Changed, w.input)) {
				names = append(names, code(c.Name))
			}
		}
		if len(names) > 0 {
			fmt.Fprintf(b, "%s: %s.\n", w.line, strings.Join(names, ", "))
		}
	}
}

// Markdown renders the diff: the counts and whose access changes; what would stop the deploy and the credentials
// their holders lose; whose access changes; each deleted, replaced or updated resource with
// what changes in it (a policy statement by statement); the created resources, by the
// component they belong to, each adopted one with what the deploy overwrites on it.
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
	writePolicyHolders(&b, cs)
	if stops := cs.Stops(); len(stops) > 0 {
		b.WriteString("\n**The deploy would stop**: it would delete or replace these protected resources, which Pulumi refuses:\n\n")
		for _, c := range stops {
			fmt.Fprintf(&b, "- %s %s %s\n", c.Op, code(c.Type), code(c.Name))
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
			lost = append(lost, fmt.Sprintf("- %s %s of user %s: %s\n", kind, code(c.Name), code(c.User), c.Lost))
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
			fmt.Fprintf(&b, "| %s | %s %s | %s |\n", step, cell(c.Type), cell(c.Name), strings.Join(inputs, ", "))
		}
		var details []string
		for _, c := range cs {
			for _, in := range c.Inputs {
				for _, line := range in.lines() {
					details = append(details, fmt.Sprintf("- %s %s %s\n", code(c.Type), code(c.Name), line))
				}
			}
		}
		if len(details) > 0 {
			b.WriteString("\n**What changes in them:**\n\n")
			b.WriteString(strings.Join(details, ""))
		}
	}
	writeCreated(&b, cs, d.Overwrites)
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
			fmt.Fprintf(b, "- %s %s of user %s (created): encrypted to %s\n", kind, code(r.Name), code(r.User), recipientText(r.New))
			continue
		}
		fmt.Fprintf(b, "- **recipient changes**: %s %s of user %s: %s → %s (applies from the next generation; this one stays encrypted to the old key)\n", kind, code(r.Name), code(r.User), recipientText(r.Old), recipientText(r.New))
	}
}

// writeCreated lists the created resources by their parent (the component they belong
// to), one line each: a new stack reads as its components. An adopted one says what the
// first `up` overwrites on it (ows).
func writeCreated(b *strings.Builder, cs Changes, ows []overwrite) {
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
			kind := mdText(c.Type[strings.LastIndex(c.Type, ":")+1:])
			if c.ImportID != "" {
				kind += " (adopted: imports " + mdText(c.ImportID)
				if i := slices.IndexFunc(ows, func(o overwrite) bool { return o.URN == c.URN }); i >= 0 {
					kind += "; the first `up` overwrites " + ows[i].text()
				}
				kind += ")"
			}
			kinds = append(kinds, kind)
		}
		if len(kinds) == 0 {
			continue
		}
		owner := "the stack"
		if u := resource.URN(parent); u.IsValid() {
			owner = code(string(u.Type())) + " " + code(u.Name())
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

// statementChanges compares two policy documents statement by statement: the top-level
// fields that change (Version), the statements added and removed, and in each kept one
// the actions, resources, principals, conditions and effect that change. Statements are
// matched by Sid where the Sid is unique on both sides, the rest by content (two
// statements sharing a Sid, or both without one, never hide each other). A document the
// plan cannot read as a policy (a key it does not know, NotPrincipal) is compared line by
// line as indented JSON; ok is false only when either is not JSON at all.
func statementChanges(oldText, newText string) (out []string, ok bool) {
	before, err := iampolicy.Parse(oldText)
	if err != nil {
		return jsonLineDiff(oldText, newText)
	}
	after, err := iampolicy.Parse(newText)
	if err != nil {
		return jsonLineDiff(oldText, newText)
	}
	out = topLevelChanges(oldText, newText)
	pairs, removed, added := pairStatements(before.Statements, after.Statements)
	for _, p := range pairs {
		o, s := p[0], p[1]
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
	for _, s := range added {
		out = append(out, fmt.Sprintf("statement `%s` added: %s", s.Sid, statementText(s)))
	}
	for _, s := range removed {
		out = append(out, fmt.Sprintf("statement `%s` removed: %s", s.Sid, statementText(s)))
	}
	return out, true
}

// pairStatements matches the statements of two documents: by Sid where it is non-empty and
// unique on both sides, then the rest by equal content (those pairs have nothing to say,
// and are left out). What stays unmatched is removed (before) or added (after).
func pairStatements(before, after []iampolicy.Statement) (pairs [][2]iampolicy.Statement, removed, added []iampolicy.Statement) {
	count := func(list []iampolicy.Statement) map[string]int {
		n := map[string]int{}
		for _, s := range list {
			n[s.Sid]++
		}
		return n
	}
	nb, na := count(before), count(after)
	unique := func(sid string) bool { return sid != "" && nb[sid] == 1 && na[sid] == 1 }
	bySid := map[string]iampolicy.Statement{}
	for _, s := range before {
		if unique(s.Sid) {
			bySid[s.Sid] = s
		} else {
			removed = append(removed, s)
		}
	}
	for _, s := range after {
		if o, ok := bySid[s.Sid]; ok && unique(s.Sid) {
			pairs = append(pairs, [2]iampolicy.Statement{o, s})
			continue
		}
		if i := slices.IndexFunc(removed, func(o iampolicy.Statement) bool { return reflect.DeepEqual(o, s) }); i >= 0 {
			removed = slices.Delete(removed, i, i+1)
			continue
		}
		added = append(added, s)
	}
	return pairs, removed, added
}

// topLevelChanges says which fields of the documents besides Statement change (Version,
// Id), each as old → new JSON.
func topLevelChanges(oldText, newText string) []string {
	var before, after map[string]json.RawMessage
	if json.Unmarshal([]byte(oldText), &before) != nil || json.Unmarshal([]byte(newText), &after) != nil {
		return nil
	}
	keys := map[string]bool{}
	for k := range before {
		keys[k] = true
	}
	for k := range after {
		keys[k] = true
	}
	var out []string
	for _, k := range slices.Sorted(maps.Keys(keys)) {
		o, n := before[k], after[k]
		if k == "Statement" || string(o) == string(n) {
			continue
		}
		show := func(v json.RawMessage) string {
			if v == nil {
				return "not set"
			}
			return "`" + string(v) + "`"
		}
		out = append(out, fmt.Sprintf("%s %s → %s", k, show(o), show(n)))
	}
	return out
}

// jsonLineDiff compares two JSON documents line by line as indented JSON: each line the
// new one adds (+) or drops (−), in order. ok is false when either is not JSON.
func jsonLineDiff(oldText, newText string) (out []string, ok bool) {
	var a, b bytes.Buffer
	if json.Indent(&a, []byte(oldText), "", "  ") != nil || json.Indent(&b, []byte(newText), "", "  ") != nil {
		return nil, false
	}
	x, y := strings.Split(a.String(), "\n"), strings.Split(b.String(), "\n")
	// lcs[i][j] is the longest common subsequence of x[i:] and y[j:].
	lcs := make([][]int, len(x)+1)
	for i := range lcs {
		lcs[i] = make([]int, len(y)+1)
	}
	for i := len(x) - 1; i >= 0; i-- {
		for j := len(y) - 1; j >= 0; j-- {
			if x[i] == y[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	for i, j := 0, 0; i < len(x) || j < len(y); {
		switch {
		case i < len(x) && j < len(y) && x[i] == y[j]:
			i, j = i+1, j+1
		case j < len(y) && (i == len(x) || lcs[i][j+1] >= lcs[i+1][j]):
			out = append(out, "+`"+strings.TrimSpace(y[j])+"`")
			j++
		default:
			out = append(out, "−`"+strings.TrimSpace(x[i])+"`")
			i++
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
			out = append(out, conditionText(c))
		}
		return out
	}},
}

// conditionText is a condition in one line, its values a JSON list: joined by commas, the
// one value "a,b" would read as the two values "a" and "b".
func conditionText(c iampolicy.Condition) string {
	values, _ := json.Marshal(c.Values) // a list of strings always marshals
	return fmt.Sprintf("%s %s %s", c.Operator, c.Key, values)
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
