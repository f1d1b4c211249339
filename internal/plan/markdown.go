package plan

import (
	"cmp"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"github.com/secure-aws/secure-aws/awstypes"
	"github.com/secure-aws/secure-aws/iampolicy"
	"github.com/secure-aws/secure-aws/internal/adoptcheck"
	"github.com/secure-aws/secure-aws/internal/awsmodel"
	"github.com/secure-aws/secure-aws/internal/record"
	"github.com/secure-aws/secure-aws/pgpkey"
	"github.com/secure-aws/secure-aws/rules"
)

// Markdown renders the plan for review. The output is deterministic: the same program and
// stack file always give the same bytes, so a diff of two plans is the change.
func (p *Plan) Markdown() string {
	var b strings.Builder
	c := p.Config
	fmt.Fprintf(&b, "# secure-aws plan: stack `%s`\n\n", p.Stack)
	fmt.Fprintf(&b, "Environment `%s`, account `%s`, region `%s`; %d resources. Generated offline by\n", c.Environment, c.AccountID, c.Region, len(p.Resources))
	fmt.Fprintf(&b, "`go run ./cmd/plan --stack %s` from the stack file, without contacting AWS.\n\n", p.Stack)
	if c.Account.Manage {
		a := c.Account.CredentialAudit
		fmt.Fprintf(&b, "This stack manages the account. Root credential check: `%s`; credential audit: `%s`, keys\nrotated within %d days, credentials used within %d (warn: report, fail: stop the run, off: skip).\n\n",
			c.Account.RootCredentialCheck, a.Mode, a.MaxKeyAgeDays, a.MaxUnusedDays)
	}
	stack := Resources(p.Resources)
	p.writeSummary(&b, stack)
	writeAdoptionCheck(&b, c.Adopted())
	writeOverwrites(&b, overwriteLines(p.overwrites(func(string) bool { return true })))
	p.writeRules(&b, stack)
	p.writeAccess(&b)
	p.writeTree(&b)
	p.writePolicies(&b)
	// Last: long, and the same from one change to the next.
	p.writeCIS(&b)
	return b.String()
}

// writeAdoptionCheck says which adopted buckets the offline plan could not check, and what
// the adoption check of every preview and `up` stops on (adoptcheck; docs/adoption.md).
func writeAdoptionCheck(b *strings.Builder, adopted []adoptcheck.Bucket) {
	if len(adopted) == 0 {
		return
	}
	names := make([]string, len(adopted))
	var replaced []string
	for i, a := range adopted {
		names[i] = fmt.Sprintf("`%s` (`%s`)", a.Name, a.Key)
		if a.ReplaceLifecycle {
			replaced = append(replaced, "`"+a.Name+"`")
		}
	}
	its, they := "Its", "it has"
	if len(adopted) > 1 {
		its, they = "Their", "each has"
	}
	fmt.Fprintf(b, "This stack adopts %s. %s replication, lifecycle rules, event notifications and access\npoints were **not checked**: this plan does not call AWS. Every preview and `up` first reads what\n%s and stops, registering nothing, on a replication rule, an event notification or an access point\n(the program manages none of them), and on lifecycle rules the program's lifecycle would replace (unless `replaceLifecycle: true` accepts that).\n",
		strings.Join(names, ", "), its, they)
	if len(replaced) > 0 {
		fmt.Fprintf(b, "`replaceLifecycle: true`: the lifecycle rules of %s are replaced.\n", strings.Join(replaced, ", "))
	}
	b.WriteString("\n")
}

// result says how rule r fares on stack: its violations, pass, or n/a when the stack holds
// nothing it judges.
func (p *Plan) result(r rules.Rule, stack []rules.Resource) string {
	n := 0
	for _, v := range p.Violations {
		if v.Rule == r.Name {
			n++
		}
	}
	switch {
	case n > 0:
		return fmt.Sprintf("**%d violation(s)**", n)
	case !r.Applies(stack):
		return "n/a"
	}
	return "pass"
}

func (p *Plan) writeRules(b *strings.Builder, stack []rules.Resource) {
	b.WriteString("## Policy rules\n\n`n/a`: the stack has nothing the rule judges.\n\n| Rule | Level | Result |\n|------|-------|--------|\n")
	for _, r := range p.Rules {
		fmt.Fprintf(b, "| `%s` | %s | %s |\n", r.Name, r.Level, p.result(r, stack))
	}
	if len(p.Violations) > 0 {
		b.WriteString("\n")
	}
	for _, v := range p.Violations {
		fmt.Fprintf(b, "- %s\n", v)
	}
}

// writeSummary lists who and what the stack holds, and how the rules fare, before the
// detail.
func (p *Plan) writeSummary(b *strings.Builder, stack []rules.Resource) {
	credentials := map[string][]string{} // user -> its kinds of credential
	for _, r := range p.Resources {
		switch r.Type {
		case awstypes.LoginProfile:
			credentials[r.Input("user")] = append(credentials[r.Input("user")], "console password")
		case awstypes.AccessKey:
			credentials[r.Input("user")] = append(credentials[r.Input("user")], "access key")
		}
	}
	users := map[string][]string{} // kind of credential -> users
	var roles, buckets, adopted []string
	for _, r := range p.Resources {
		if r.ImportID != "" {
			adopted = append(adopted, fmt.Sprintf("%s (%s)", code(r.ImportID), mdText(r.Type[strings.LastIndex(r.Type, ":")+1:])))
		}
		switch r.Type {
		case awstypes.User:
			kind := strings.Join(slices.Compact(slices.Sorted(slices.Values(credentials[r.Input("name")]))), " and ")
			users[cmp.Or(kind, "no credential")] = append(users[cmp.Or(kind, "no credential")], code(r.Input("name")))
		case awstypes.Role:
			roles = append(roles, code(r.Input("name")))
		case awstypes.Bucket:
			buckets = append(buckets, code(r.Input("bucket")))
		}
	}
	slices.Sort(buckets)
	slices.Sort(adopted)
	b.WriteString("## Summary\n\n")
	var kinds []string
	for _, k := range slices.Sorted(maps.Keys(users)) {
		slices.Sort(users[k])
		kinds = append(kinds, fmt.Sprintf("%s (%s)", strings.Join(users[k], ", "), k))
	}
	slices.Sort(roles)
	for _, line := range []struct{ what, names string }{
		{"IAM users", strings.Join(kinds, "; ")}, {"IAM roles", strings.Join(roles, ", ")}, {"Buckets", strings.Join(buckets, ", ")},
		{adoptedLine(len(adopted)), strings.Join(adopted, ", ")},
	} {
		if line.names != "" {
			fmt.Fprintf(b, "- %s: %s\n", line.what, line.names)
		}
	}
	counts := map[string]int{}
	for _, r := range p.Rules {
		result := p.result(r, stack)
		if strings.Contains(result, "violation") {
			result = "**violated**"
		}
		counts[result]++
	}
	var results []string
	for _, k := range []string{"**violated**", "pass", "n/a"} {
		if counts[k] > 0 {
			results = append(results, fmt.Sprintf("%d %s", counts[k], k))
		}
	}
	fmt.Fprintf(b, "- Policy rules: %s\n\n", strings.Join(results, ", "))
}

// adoptedLine heads the summary's list of the n resources the stack adopts.
func adoptedLine(n int) string {
	if n == 1 {
		return "Adopted (it exists: the first `up` imports it and overwrites what the list below names)"
	}
	return "Adopted (they exist: the first `up` imports them and overwrites what the list below names)"
}

// overwritten names what `up` writes over on a resource it adopts: the settings that side
// resources of their own replace whole.
var overwritten = map[string]string{
	awstypes.BucketPolicy:        "bucket policy",
	awstypes.Encryption:          "default encryption",
	awstypes.Lifecycle:           "lifecycle rules",
	awstypes.Ownership:           "object ownership",
	awstypes.PublicAccessBlock:   "public access block",
	awstypes.Versioning:          "versioning",
	awstypes.ObjectLock:          "Object Lock configuration",
	awstypes.UserPoliciesExcl:    "inline policies",
	awstypes.UserAttachmentsExcl: "attached policies",
}

// overwrite is what the first `up` replaces on one resource the stack adopts.
type overwrite struct {
	URN, ImportID, Type, Name string
	// What names its inputs and the settings side resources write whole, sorted.
	What []string
}

// text is the overwritten list, as a phrase: "its `path`, attached policies".
func (o overwrite) text() string { return "its " + strings.Join(o.What, ", ") }

// overwriteLines renders the overwrites, one Markdown list item each.
func overwriteLines(list []overwrite) []string {
	lines := make([]string, len(list))
	for i, o := range list {
		lines[i] = fmt.Sprintf("- %s (%s %s): %s\n", code(o.ImportID), mdText(o.Type), code(o.Name), o.text())
	}
	return lines
}

// overwrites says, for each resource the stack adopts (imports) whose URN keep accepts,
// what of it the first `up` replaces with the program's: its own inputs, and the settings
// that resources of their own, naming it, write whole.
func (p *Plan) overwrites(keep func(urn string) bool) []overwrite {
	var out []overwrite
	for _, r := range p.Resources {
		if r.ImportID == "" || !keep(r.URN) {
			continue
		}
		var what []string
		for _, k := range slices.Sorted(maps.Keys(r.Inputs)) {
			if v := r.Inputs[k]; !v.IsString() || v.StringValue() != r.ImportID {
				what = append(what, code(string(k)))
			}
		}
		for _, side := range p.Resources {
			noun, ok := overwritten[side.Type]
			if ok && side.ImportID == "" && slices.ContainsFunc(slices.Collect(maps.Values(side.Inputs)), func(v resource.PropertyValue) bool {
				return v.IsString() && v.StringValue() == r.ImportID
			}) {
				what = append(what, noun)
			}
		}
		if len(what) > 0 {
			slices.Sort(what)
			out = append(out, overwrite{URN: r.URN, ImportID: r.ImportID, Type: r.Type, Name: r.Name, What: slices.Compact(what)})
		}
	}
	return out
}

// writeOverwrites prints the overwrites, under a heading, when there are any.
func writeOverwrites(b *strings.Builder, lines []string) {
	if len(lines) > 0 {
		b.WriteString("**What the first `up` overwrites** on what it adopts, replaced by the program's (under Resources):\n\n")
		b.WriteString(strings.Join(lines, ""))
		b.WriteString("\n")
	}
}

// accessRow is one principal's allowed S3 actions on one resource.
type accessRow struct {
	principal, resource, condition string
	actions                        []string
}

// key orders and identifies rows.
func (r accessRow) key() string {
	return strings.Join(append([]string{r.principal, r.resource, r.condition}, r.actions...), "\x00")
}

// writeAccess lists, per IAM user, the S3 actions its groups' customer policies allow on
// each bucket or prefix, and the AWS managed policies it holds.
func (p *Plan) writeAccess(b *strings.Builder) {
	b.WriteString("\n## Access by principal\n\n")
	b.WriteString("Allowed S3 actions from each user's group policies and each role's policies; every\nnon-admin principal is also denied the destructive S3 actions on each bucket it reaches.\nAWS managed policies are named.\n\n")
	rows := access(p.Resources, p.Config.Partition)
	if len(rows) == 0 {
		b.WriteString("None: the stack creates no IAM user or role.\n")
		return
	}
	b.WriteString("| Principal | Resource | Condition | Allowed |\n|-----------|----------|-----------|---------|\n")
	for _, r := range rows {
		fmt.Fprintf(b, "| %s | %s | %s | %s |\n", r.principal, r.resource, r.condition, strings.Join(r.actions, ", "))
	}
}

// access lists, per IAM user and role of resources, the S3 actions its customer policies
// allow on each bucket or prefix, and the AWS managed policies it holds, ordered.
func access(resources []record.Registration, partition string) []accessRow {
	policies := map[string][]string{} // group -> policy ARNs
	for _, r := range resources {
		if r.Type == awstypes.GroupAttachment {
			policies[r.Input("group")] = append(policies[r.Input("group")], r.Input("policyArn"))
		}
	}
	var rows []accessRow
	for _, m := range resources {
		if m.Type != awstypes.Membership {
			continue
		}
		user := m.Input("user")
		for _, group := range awsmodel.StringList(m.Inputs["groups"]) {
			for _, arn := range policies[group] {
				rows = append(rows, accessRows(resources, partition, user, arn)...)
			}
		}
	}
	for _, a := range resources {
		if a.Type == awstypes.RoleAttachment {
			rows = append(rows, accessRows(resources, partition, "role "+a.Input("role"), a.Input("policyArn"))...)
		}
	}
	slices.SortFunc(rows, func(x, y accessRow) int { return strings.Compare(x.key(), y.key()) })
	return rows
}

// accessRows reads one policy of user: an AWS managed policy by name, a customer policy
// statement by statement.
func accessRows(resources []record.Registration, partition, user, arn string) []accessRow {
	if name, ok := iampolicy.AWSManagedPolicyName(arn); ok {
		return []accessRow{{principal: user, resource: "*", condition: "AWS managed policy", actions: []string{name}}}
	}
	var out []accessRow
	for _, r := range resources {
		if r.Type != awstypes.Policy || !iampolicy.NamesPolicy(arn, r.Input("path"), r.Input("name")) {
			continue
		}
		doc, err := iampolicy.Parse(r.Input("policy"))
		if err != nil {
			continue
		}
		for _, s := range doc.Statements {
			if s.Effect != iampolicy.Allow || !slices.ContainsFunc(s.Actions, func(a string) bool { return strings.HasPrefix(a, "s3:") }) {
				continue
			}
			var cond []string
			for _, c := range s.Conditions {
				cond = append(cond, conditionText(c))
			}
			slices.Sort(cond)
			for _, res := range s.Resources {
				out = append(out, accessRow{
					principal: user,
					resource:  strings.TrimPrefix(res, "arn:"+partition+":s3:::"),
					condition: strings.Join(cond, "; "),
					actions:   slices.DeleteFunc(slices.Sorted(slices.Values(s.Actions)), func(a string) bool { return !strings.HasPrefix(a, "s3:") }),
				})
			}
		}
	}
	return out
}

// documentInputs are shown as documents in their own section, not in the tree.
var documentInputs = []string{"policy", "assumeRolePolicy"}

func (p *Plan) writeTree(b *strings.Builder) {
	b.WriteString("\n## Resources\n\nEvery resource with every input it is created with (`·` lines; policy documents follow\nin the next section). `[protected]`: protected and retained on delete; `[retained]`:\nretained on delete (left in AWS when removed from the program); `[adopted]`: exists\nalready, imported instead of created.\n\n```\n")
	children := map[string][]record.Registration{}
	urns := map[string]bool{}
	for _, r := range p.Resources {
		urns[r.URN] = true
	}
	for _, r := range p.Resources {
		parent := r.Parent
		if !urns[parent] {
			parent = ""
		}
		children[parent] = append(children[parent], r)
	}
	var walk func(parent, indent string)
	walk = func(parent, indent string) {
		for _, r := range children[parent] {
			fmt.Fprintf(b, "%s%s %s%s\n", indent, oneLine(r.Type), oneLine(r.Name), flags(r))
			for _, k := range slices.Sorted(maps.Keys(r.Inputs)) {
				if !slices.Contains(documentInputs, string(k)) {
					fmt.Fprintf(b, "%s  · %s = %s\n", indent, k, inputText(string(k), r.Inputs[k]))
				}
			}
			walk(r.URN, indent+"    ")
		}
	}
	walk("", "")
	b.WriteString("```\n")
}

// inputText renders one input as compact JSON (secrets masked, unknowns marked); a PGP
// key, long base64 no reviewer can read, by whose key it is (pgpkey.Key.String), and a
// Keybase user with the warning that nobody sees its key.
func inputText(key string, v resource.PropertyValue) string {
	text, err := json.Marshal(plain(v))
	if err != nil {
		return fmt.Sprintf("%v", v)
	}
	if key == "pgpKey" && v.IsString() {
		k, err := pgpkey.Parse(v.StringValue(), time.Now())
		if err != nil {
			return fmt.Sprintf("(not a key AWS can encrypt to: it %v)", err)
		}
		return k.String()
	}
	return string(text)
}

func flags(r record.Registration) string {
	var out string
	switch {
	case r.Protect && r.RetainOnDelete:
		out = "  [protected]"
	case r.RetainOnDelete:
		out = "  [retained]"
	case r.Protect:
		out = "  [protect without retainOnDelete]"
	}
	if r.ImportID != "" {
		out += fmt.Sprintf("  [adopted: the first up imports %s]", r.ImportID)
	}
	return out
}

// writePolicies prints every policy document, what several share once (share).
func (p *Plan) writePolicies(b *strings.Builder) {
	b.WriteString("\n## IAM and bucket policy documents\n")
	type titled struct {
		heading string
		doc     document
	}
	var docs []titled
	for _, r := range p.Resources {
		for _, k := range documentInputs {
			text := r.Input(k)
			if text == "" {
				continue
			}
			title := cmp.Or(r.Input("name"), r.Input("bucket"))
			docs = append(docs, titled{fmt.Sprintf("%s %s (%s %s)", k, code(title), mdText(r.Type), mdText(r.Name)), newDocument(code(title), text)})
		}
	}
	all := make([]document, len(docs))
	for i, d := range docs {
		all[i] = d.doc
	}
	sh := share(all)
	sh.write(b)
	for _, d := range docs {
		fmt.Fprintf(b, "\n### %s\n\n```json\n%s\n```\n", d.heading, sh.render(d.doc))
	}
}
