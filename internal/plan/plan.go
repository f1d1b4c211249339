// Package plan runs the real program offline, under the recording mock, and renders what
// it would register for review: the resource tree, every IAM policy document, who can do
// what on which bucket, and the policy rule results. It needs no AWS credentials and no
// Pulumi CLI, so every pull request, even from a fork, can show the permission diff, and
// what its deploy would change compared with the base's plan (Compare).
package plan

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"github.com/secure-aws/secure-aws/internal/adoptcheck"
	"github.com/secure-aws/secure-aws/internal/config"
	"github.com/secure-aws/secure-aws/internal/program"
	"github.com/secure-aws/secure-aws/internal/record"
	"github.com/secure-aws/secure-aws/internal/rootcheck"
	"github.com/secure-aws/secure-aws/internal/stackfile"
	"github.com/secure-aws/secure-aws/rules"
)

// Plan is the offline result of one stack.
type Plan struct {
	Stack     string
	Config    *config.Config
	Resources []record.Registration // ordered by URN
	Rules     []rules.Rule
	// Violations of Rules, in rule order.
	Violations []rules.Violation
}

// offline is the account reader of the plan: it never calls AWS, so the root check, the
// credential audit and the adoption check report that they were skipped (a warning, even
// in fail mode, as in a preview), and the plan says so in its header.
type offline struct{}

var errOffline = errors.New("the offline plan does not call AWS")

func (offline) RootStatus(context.Context) (rootcheck.Status, error) {
	return rootcheck.Status{}, errOffline
}

func (offline) CredentialReport(context.Context) ([]byte, error) { return nil, errOffline }

func (offline) UserTags(context.Context, string) (map[string]string, error) {
	return nil, errOffline
}

func (offline) UserGroups(context.Context, string) ([]string, error) { return nil, errOffline }

func (offline) AdoptedBucket(context.Context, string, string) (adoptcheck.Existing, error) {
	return adoptcheck.Existing{}, errOffline
}

// Run loads the project in dir and the stack file of stack, runs the program as a preview
// would and evaluates the rules. An invalid configuration is returned as a *config.Error.
func Run(dir, stack string) (*Plan, error) {
	st, cfg, keys, err := load(dir, stack)
	if err != nil {
		return nil, err
	}
	rec := record.New(config.Project, stack)
	if err := rec.Run(st.Config, true, program.Run(program.Env{Account: offline{}, ConfigKeys: keys, Dir: dir})); err != nil {
		return nil, fmt.Errorf("running the program: %w", err)
	}
	return evaluate(stack, cfg, rec.Registrations()), nil
}

// Render is the plan of stack from recorded, the JSON plan (JSON) of the stack made by
// another build of the program: the resources as that build registered them, with the
// configuration read and the rules evaluated by this build. The plan workflow renders a
// pull request's plan with the base's code this way, so the pull request's own rendering
// and rules cannot change what its reviewers read. Secret and unknown inputs stay secret
// and unknown (the JSON plan holds their markers). A resource whose URN, type, name or
// parent holds a control character is refused, naming it.
func Render(dir, stack string, recorded []byte) (*Plan, error) {
	_, cfg, _, err := load(dir, stack)
	if err != nil {
		return nil, err
	}
	jp, err := readPlan(recorded)
	if err != nil {
		return nil, err
	}
	if jp.Stack != stack {
		return nil, fmt.Errorf("the recorded plan is of stack %q, not %q", jp.Stack, stack)
	}
	// The names are printed into the pull request comment: a control character (a newline
	// and "<!--") would let the pull request's program write Markdown that hides the rest.
	for _, r := range jp.Resources {
		for _, f := range []struct{ field, value string }{{"urn", r.URN}, {"type", r.Type}, {"name", r.Name}, {"parent", r.Parent}} {
			if c := controlled(f.value); c != "" {
				return nil, fmt.Errorf("the recorded resource %q: its %s holds the control character %s; a recorded name or type may hold none", r.URN, f.field, c)
			}
		}
	}
	return evaluate(stack, cfg, registrations(jp)), nil
}

// load reads the stack file of stack in dir and its configuration, and checks the stacks
// of its account.
func load(dir, stack string) (*stackfile.Stack, *config.Config, []string, error) {
	st, err := stackfile.Load(dir, stack)
	if err != nil {
		return nil, nil, nil, err
	}
	keys := slices.Collect(maps.Keys(st.Config))
	cfg, err := config.Load(stack, config.MapGetter(st.Config), keys...)
	if err != nil {
		return nil, nil, nil, err
	}
	// The program checks the account too; checked here first, a refusal is the
	// *config.Error itself, as for a single stack's problems.
	others, unreadable := program.AccountStacks(dir, cfg)
	if err := config.CheckAccount(cfg, others, unreadable); err != nil {
		return nil, nil, nil, err
	}
	return st, cfg, keys, nil
}

// evaluate is the plan of the registrations, with the rules' results.
func evaluate(stack string, cfg *config.Config, regs []record.Registration) *Plan {
	p := &Plan{Stack: stack, Config: cfg, Resources: regs, Rules: rules.All()}
	p.Violations = rules.Evaluate(p.Rules, Resources(p.Resources))
	return p
}

// Resources converts registrations into what the rules see.
func Resources(regs []record.Registration) []rules.Resource {
	out := make([]rules.Resource, 0, len(regs))
	for _, r := range regs {
		retain := r.RetainOnDelete
		out = append(out, rules.Resource{
			URN:            r.URN,
			Type:           r.Type,
			Name:           r.Name,
			Parent:         r.Parent,
			Props:          resource.FromResourcePropertyMap(r.Inputs),
			Protect:        r.Protect,
			RetainOnDelete: &retain,
		})
	}
	return out
}

// MandatoryViolations counts the violations of mandatory rules.
func (p *Plan) MandatoryViolations() int {
	n := 0
	for _, v := range p.Violations {
		if p.Level(v) == rules.Mandatory {
			n++
		}
	}
	return n
}

// Level is the enforcement level of the rule v violates ("" for a rule not in the plan).
func (p *Plan) Level(v rules.Violation) rules.Level {
	if i := slices.IndexFunc(p.Rules, func(r rules.Rule) bool { return r.Name == v.Rule }); i >= 0 {
		return p.Rules[i].Level
	}
	return ""
}
