package rules

import (
	"slices"
	"strings"

	"github.com/secure-aws/secure-aws/awstypes"
	"github.com/secure-aws/secure-aws/iampolicy"
)

// regionsRestricted holds account.allowedRegions. The pack sees resources, not the
// configuration, so a stack counts as restricted when any of its group or role policies
// denies requests outside a list of regions (iampolicy.DeniedOutside); then every such
// policy must carry the same deny, and every group and role must hold one of them, so that
// no principal the stack creates escapes it. The program-level tests hold the other half:
// with allowedRegions set, the deny is there.
func regionsRestricted(stack []Resource) []Violation {
	const rule = "regions-restricted"
	denies := map[string][]string{} // policy URN -> its allowed regions, sorted
	var want []string
	for _, r := range stack {
		if r.Type != awstypes.Policy && r.Type != awstypes.GroupPolicy && r.Type != awstypes.RolePolicy {
			continue
		}
		doc, ok := policyDocument(r, "policy")
		if !ok {
			continue
		}
		denies[r.URN] = nil
		for _, s := range doc.Statements {
			if regions, ok := iampolicy.DeniedOutside(s); ok {
				denies[r.URN] = slices.Sorted(slices.Values(regions))
				if want == nil {
					want = denies[r.URN]
				}
			}
		}
	}
	if want == nil {
		return nil // no region restriction in this stack
	}
	var out []Violation
	for _, r := range stack {
		regions, judged := denies[r.URN]
		switch {
		case !judged:
		case regions == nil:
			out = append(out, Violation{Rule: rule, URN: r.URN, Message: "the policy does not deny requests outside the allowed regions (" + strings.Join(want, ", ") + ") as the stack's other policies do"})
		case !slices.Equal(regions, want):
			out = append(out, Violation{Rule: rule, URN: r.URN, Message: "the policy allows regions " + strings.Join(regions, ", ") + ", the stack's other policies " + strings.Join(want, ", ")})
		}
	}
	for _, r := range stack {
		kind := map[string]string{awstypes.Group: "group", awstypes.Role: "role"}[r.Type]
		name, ok := str(r.Props, "name")
		if kind == "" || !ok {
			continue
		}
		held, unknown := false, false
		for _, a := range attachments(stack) {
			if a.kind != kind || a.owner != name {
				continue
			}
			if a.arn == "" {
				unknown = true
				continue
			}
			for _, p := range stack {
				if p.Type == awstypes.Policy && iampolicy.NamesPolicy(a.arn, strOr(p.Props, "path"), strOr(p.Props, "name")) && denies[p.URN] != nil {
					held = true
				}
			}
		}
		for _, p := range stack {
			if inline := map[string]string{awstypes.GroupPolicy: "group", awstypes.RolePolicy: "role"}[p.Type]; inline == kind && strOr(p.Props, kind) == name && denies[p.URN] != nil {
				held = true
			}
		}
		if !held && !unknown {
			out = append(out, Violation{Rule: rule, URN: r.URN, Message: kind + " " + name + " holds no policy that denies requests outside the allowed regions (" + strings.Join(want, ", ") + ")"})
		}
	}
	return out
}
