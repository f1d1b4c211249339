package plan

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"github.com/secure-aws/secure-aws/awstypes"
	"github.com/secure-aws/secure-aws/iampolicy"
	"github.com/secure-aws/secure-aws/internal/record"
	"github.com/secure-aws/secure-aws/pgpkey"
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
	if adopted := c.Adopted(); len(adopted) > 0 {
		names := make([]string, len(adopted))
		for i, a := range adopted {
			names[i] = fmt.Sprintf("`%s` (`%s`)", a.Name, a.Key)
		}
		fmt.Fprintf(&b, "This stack adopts %s. Their replication, lifecycle rules, event notifications and access\npoints were **not checked**: this plan does not call AWS. Every preview and `up` reads them\nfirst and stops on any that the configuration does not declare.\n\n", strings.Join(names, ", "))
	}
	p.writeRules(&b)
	p.writeCIS(&b)
	p.writeAccess(&b)
	p.writeTree(&b)
	p.writePolicies(&b)
	return b.String()
}

func (p *Plan) writeRules(b *strings.Builder) {
	b.WriteString("## Policy rules\n\n| Rule | Level | Result |\n|------|-------|--------|\n")
	for _, r := range p.Rules {
		n := 0
		for _, v := range p.Violations {
			if v.Rule == r.Name {
				n++
			}
		}
		result := "pass"
		if n > 0 {
			result = fmt.Sprintf("**%d violation(s)**", n)
		}
		fmt.Fprintf(b, "| `%s` | %s | %s |\n", r.Name, r.Level, result)
	}
	if len(p.Violations) > 0 {
		b.WriteString("\n")
	}
	for _, v := range p.Violations {
		fmt.Fprintf(b, "- `%s` on `%s`: %s\n", v.Rule, v.URN, v.Message)
	}
}

// accessRow is one principal's allowed S3 actions on one resource.
type accessRow struct {
	principal, resource, condition string
	actions                        []string
}

// writeAccess lists, per IAM user, the S3 actions its groups' customer policies allow on
// each bucket or prefix, and the AWS managed policies it holds.
func (p *Plan) writeAccess(b *strings.Builder) {
	b.WriteString("\n## Access by principal\n\n")
	b.WriteString("Allowed S3 actions from each user's group policies and each role's policies; every\nnon-admin principal is also denied the destructive S3 actions on each bucket it reaches.\nAWS managed policies are named.\n\n")
	b.WriteString("| Principal | Resource | Condition | Allowed |\n|-----------|----------|-----------|---------|\n")
	policies := map[string][]string{} // group -> policy ARNs
	for _, r := range p.Resources {
		if r.Type == awstypes.GroupAttachment {
			policies[r.Input("group")] = append(policies[r.Input("group")], r.Input("policyArn"))
		}
	}
	var rows []accessRow
	for _, m := range p.Resources {
		if m.Type != awstypes.Membership {
			continue
		}
		user := m.Input("user")
		for _, group := range stringList(m.Inputs["groups"]) {
			for _, arn := range policies[group] {
				rows = append(rows, p.accessRows(user, arn)...)
			}
		}
	}
	for _, a := range p.Resources {
		if a.Type == awstypes.RoleAttachment {
			rows = append(rows, p.accessRows("role "+a.Input("role"), a.Input("policyArn"))...)
		}
	}
	key := func(r accessRow) string {
		return strings.Join(append([]string{r.principal, r.resource, r.condition}, r.actions...), "\x00")
	}
	slices.SortFunc(rows, func(x, y accessRow) int { return strings.Compare(key(x), key(y)) })
	for _, r := range rows {
		fmt.Fprintf(b, "| %s | %s | %s | %s |\n", r.principal, r.resource, r.condition, strings.Join(r.actions, ", "))
	}
}

// accessRows reads one policy of user: an AWS managed policy by name, a customer policy
// statement by statement.
func (p *Plan) accessRows(user, arn string) []accessRow {
	if name, ok := iampolicy.AWSManagedPolicyName(arn); ok {
		return []accessRow{{principal: user, resource: "*", condition: "AWS managed policy", actions: []string{name}}}
	}
	var out []accessRow
	for _, r := range p.Resources {
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
				cond = append(cond, fmt.Sprintf("%s %s %s", c.Operator, c.Key, strings.Join(c.Values, ",")))
			}
			slices.Sort(cond)
			for _, res := range s.Resources {
				out = append(out, accessRow{
					principal: user,
					resource:  strings.TrimPrefix(res, "arn:"+p.Config.Partition+":s3:::"),
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
			fmt.Fprintf(b, "%s%s %s%s\n", indent, r.Type, r.Name, flags(r))
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

func (p *Plan) writePolicies(b *strings.Builder) {
	b.WriteString("\n## IAM and bucket policy documents\n")
	for _, r := range p.Resources {
		for _, k := range []string{"policy", "assumeRolePolicy"} {
			text := r.Input(k)
			if text == "" {
				continue
			}
			var out bytes.Buffer
			if err := json.Indent(&out, []byte(text), "", "  "); err != nil {
				out.Reset()
				out.WriteString(text)
			}
			title := r.Input("name")
			if title == "" {
				title = r.Input("bucket")
			}
			fmt.Fprintf(b, "\n### %s `%s` (%s %s)\n\n```json\n%s\n```\n", k, title, r.Type, r.Name, out.String())
		}
	}
}

// stringList reads a list of strings from a property value.
func stringList(v resource.PropertyValue) []string {
	if !v.IsArray() {
		return nil
	}
	var out []string
	for _, e := range v.ArrayValue() {
		if e.IsString() {
			out = append(out, e.StringValue())
		}
	}
	return out
}
