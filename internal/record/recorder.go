// Package record runs the program against a recording Pulumi mock, for the offline plan
// (cmd/plan) and the tests. It keeps every registration with its options, fills computed
// attributes the way AWS does (ARNs, ids, generated secrets) and fails on any invoke the
// program is not expected to make.
package record

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/secure-aws/secure-aws/awsnames"
	"github.com/secure-aws/secure-aws/internal/awsmodel"
)

// Registration is one resource as the program registered it.
type Registration struct {
	URN            string
	Type           string
	Name           string
	Parent         string // parent URN; the stack's for top-level resources
	Custom         bool   // false for component resources
	Inputs         resource.PropertyMap
	Protect        bool
	RetainOnDelete bool
	Dependencies   []string
	IgnoreChanges  []string
	Aliases        []string // alias URNs and specs, rendered as text
	ImportID       string   // the id of an existing resource the first up adopts
	Provider       string   // the explicit provider's reference (URN::id); "" for the default
}

// Recorder implements pulumi.MockResourceMonitor and keeps every registration.
type Recorder struct {
	Project string
	Stack   string
	// AccountID and Partition build the ARNs the mock computes; Run takes them from the
	// stack's aws:allowedAccountIds and aws:region.
	AccountID string
	Partition string
	Region    string
	// Unknowns makes a preview (dryRun) run report what the engine reports for resources
	// being created: no id and no computed attribute (ARNs, secrets) known yet.
	Unknowns bool

	dryRun bool
	mu     sync.Mutex
	regs   []Registration
}

// DefaultAccountID is the account of runs whose configuration names none.
const DefaultAccountID = "123456789012"

// New returns a Recorder for one program run.
func New(project, stack string) *Recorder {
	return &Recorder{Project: project, Stack: stack, Partition: "aws", Region: "us-east-1", AccountID: DefaultAccountID}
}

// RunOption runs a program against the recorder with cfg as its configuration (full keys,
// structured values as JSON text) and dryRun as pulumi preview would set it.
func (r *Recorder) RunOption(cfg map[string]string, dryRun bool) pulumi.RunOption {
	return func(info *pulumi.RunInfo) {
		info.Project, info.Stack, info.Mocks = r.Project, r.Stack, r
		info.Config = cfg
		info.DryRun = dryRun
		r.dryRun = dryRun
	}
}

// Call fails: the program reads everything it needs from configuration, so any invoke is
// a surprise worth a failing test.
func (r *Recorder) Call(args pulumi.MockCallArgs) (resource.PropertyMap, error) {
	return nil, fmt.Errorf("unexpected invoke %s", args.Token)
}

// NewResource records a registration and returns the state AWS would report.
func (r *Recorder) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	reg := Registration{Type: args.TypeToken, Name: args.Name, Custom: args.Custom, Inputs: args.Inputs}
	if rpc := args.RegisterRPC; rpc != nil {
		// The SDK's mock drops unknown inputs; read them from the registration itself, so
		// a preview's unknown values reach the rules as the engine sends them.
		inputs, err := plugin.UnmarshalProperties(rpc.GetObject(), plugin.MarshalOptions{KeepUnknowns: true, KeepSecrets: true, KeepResources: true})
		if err != nil {
			return "", nil, fmt.Errorf("reading the inputs of %s: %w", args.Name, err)
		}
		reg.Inputs = inputs
		reg.Parent = rpc.GetParent()
		reg.Protect = rpc.GetProtect()
		reg.RetainOnDelete = rpc.GetRetainOnDelete()
		reg.Dependencies = slices.Sorted(slices.Values(rpc.GetDependencies()))
		reg.IgnoreChanges = rpc.GetIgnoreChanges()
		reg.ImportID = rpc.GetImportId()
		reg.Provider = rpc.GetProvider()
		reg.Aliases = append(reg.Aliases, rpc.GetAliasURNs()...)
		for _, a := range rpc.GetAliases() {
			if a.GetUrn() != "" {
				reg.Aliases = append(reg.Aliases, a.GetUrn())
			} else if s := a.GetSpec(); s != nil {
				reg.Aliases = append(reg.Aliases, fmt.Sprintf("name=%s type=%s parent=%s", s.GetName(), s.GetType(), s.GetParentUrn()))
			}
		}
	}
	reg.URN = r.urn(reg.Parent, reg.Type, reg.Name)
	id, outputs := r.compute(reg)
	if r.dryRun && r.Unknowns && reg.Custom {
		id, outputs = "", reg.Inputs.Copy()
	}

	r.mu.Lock()
	r.regs = append(r.regs, reg)
	r.mu.Unlock()
	return id, outputs, nil
}

// urn mirrors the URN the engine (and the SDK's mock monitor) gives a resource.
func (r *Recorder) urn(parent, typ, name string) string {
	parentType := tokens.Type("")
	if p := resource.URN(parent); p != "" && p.QualifiedType() != resource.RootStackType {
		parentType = p.QualifiedType()
	}
	return string(resource.NewURN(tokens.QName(r.Stack), tokens.PackageName(r.Project), parentType, tokens.Type(typ), name))
}

// compute returns the id and state AWS would report for a registration, with a
// credential that names its user so tests can tell them apart.
func (r *Recorder) compute(reg Registration) (string, resource.PropertyMap) {
	account := awsmodel.Account{ID: r.AccountID, Partition: r.Partition, Region: r.Region}
	return account.State(reg.Type, reg.Name, reg.Inputs, func(user, kind string) string { return "mock-" + kind + "-" + user })
}

// Registrations returns every registration, ordered by URN: the SDK registers resources
// concurrently, so arrival order is not stable.
func (r *Recorder) Registrations() []Registration {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := slices.Clone(r.regs)
	slices.SortFunc(out, func(a, b Registration) int { return strings.Compare(a.URN, b.URN) })
	return out
}

// OfType returns the registrations of one type token, ordered by URN.
func (r *Recorder) OfType(typ string) []Registration {
	var out []Registration
	for _, reg := range r.Registrations() {
		if reg.Type == typ {
			out = append(out, reg)
		}
	}
	return out
}

// Find returns the registration with the given type and logical name.
func (r *Recorder) Find(typ, name string) (Registration, bool) {
	for _, reg := range r.Registrations() {
		if reg.Type == typ && reg.Name == name {
			return reg, true
		}
	}
	return Registration{}, false
}

// SecretMarker stands for a secret value wherever registrations are shown.
const SecretMarker = "[secret]"

// Input returns a string input, SecretMarker for a secret one, or "" when it is absent,
// unknown or not a string.
func (reg Registration) Input(key string) string {
	v, ok := reg.Inputs[resource.PropertyKey(key)]
	switch {
	case !ok:
		return ""
	case v.IsSecret():
		return SecretMarker
	case !v.IsString():
		return ""
	}
	return v.StringValue()
}

// Run runs body as a Pulumi program under the recorder, as `pulumi up` (dryRun false) or
// `pulumi preview` (dryRun true) would, with cfg as the stack configuration.
func (r *Recorder) Run(cfg map[string]string, dryRun bool, body pulumi.RunFunc) error {
	var ids []string
	if json.Unmarshal([]byte(cfg["aws:allowedAccountIds"]), &ids) == nil && len(ids) > 0 {
		r.AccountID = ids[0]
	}
	if region := cfg["aws:region"]; region != "" {
		r.Region, r.Partition = region, awsnames.Partition(region)
	}
	return pulumi.RunErr(body, r.RunOption(cfg, dryRun))
}
