package enginetest

import (
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	"github.com/secure-aws/secure-aws/awstypes"
	"github.com/secure-aws/secure-aws/internal/config"
	"github.com/secure-aws/secure-aws/internal/drift"
	"github.com/secure-aws/secure-aws/internal/stackfile"
	"github.com/secure-aws/secure-aws/internal/testsupport/oplog"
	"github.com/secure-aws/secure-aws/internal/testsupport/world"
)

// stackNames are the stacks of the repository: every Pulumi.<stack>.yaml, whatever a user
// names them.
func stackNames(t testing.TB) []string {
	t.Helper()
	names, err := stackfile.Names(repoRoot)
	require.NoError(t, err)
	require.NotEmpty(t, names, "the repository has no Pulumi.<stack>.yaml")
	return names
}

// stackFile is a stack file of the project copy, decoded for editing.
type stackFile map[string]any

func (p *project) readStackFile(stack string) stackFile {
	b, err := os.ReadFile(filepath.Join(p.dir, "Pulumi."+stack+".yaml"))
	require.NoError(p.t, err)
	var m map[string]any // not stackFile: yaml.v3 would decode nested mappings as that type too
	require.NoError(p.t, yaml.Unmarshal(b, &m))
	f := stackFile(m)
	if f == nil {
		f = stackFile{}
	}
	if f["config"] == nil {
		f["config"] = map[string]any{}
	}
	return f
}

// portable reads a stack file without its secrets provider settings and encrypted values.
func portable(t testing.TB, path string) stackFile {
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	var m map[string]any
	require.NoError(t, yaml.Unmarshal(b, &m))
	f := stackFile(m)
	if f == nil {
		f = stackFile{}
	}
	for _, k := range []string{"encryptionsalt", "secretsprovider", "encryptedkey"} {
		delete(f, k)
	}
	if cfg, ok := f["config"].(map[string]any); ok {
		for k, v := range cfg {
			if secure, ok := v.(map[string]any); ok && len(secure) == 1 && secure["secure"] != nil {
				t.Logf("%s: %s is encrypted; the real-engine tests leave it out", filepath.Base(path), k)
				delete(cfg, k)
			}
		}
	} else {
		f["config"] = map[string]any{}
	}
	return f
}

// seed makes resources exist in the stand-in's AWS before the first up, as in an account
// a team already runs.
func (p *project) seed(resources ...world.Resource) {
	require.NoError(p.t, world.Save(p.world, resources))
}

func (p *project) writeStackFile(stack string, f stackFile) {
	b, err := yaml.Marshal(map[string]any(f))
	require.NoError(p.t, err)
	require.NoError(p.t, os.WriteFile(filepath.Join(p.dir, "Pulumi."+stack+".yaml"), b, 0o644))
}

func (f stackFile) config() map[string]any { return f["config"].(map[string]any) }

// list returns the config key as a list of mappings (none when unset).
func (f stackFile) list(key string) []map[string]any {
	var out []map[string]any
	items, _ := f.config()[key].([]any)
	for _, it := range items {
		if m, ok := it.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}

// setJSON sets a config key to a value written as JSON (YAML's superset).
func (f stackFile) setJSON(t testing.TB, key, value string) {
	var v any
	require.NoError(t, yaml.Unmarshal([]byte(value), &v))
	f.config()[key] = v
}

// tierAccount is the account of the stacks the tests write for themselves: one of its own,
// so that the account-wide checks never set them against the repository's stacks, whatever
// accounts, names and buckets a team gives those.
const tierAccount = "999999999999"

// securityContactJSON is the security contact every managing stack must name (CIS v5.0.0
// 1.2), as the first member of an account mapping written in JSON.
const securityContactJSON = `"contacts":{"security":{"name":"Sam Doe","title":"Security lead","email":"security@acme.example","phone":"+1 555 0100"}},`

// ownStack is the configuration of a stack a test writes for itself: the tier's region and
// account, and cfg. A stack that says nothing of the account says another repository
// manages it; a test that manages the account writes one such stack per project.
func ownStack(cfg map[string]string) map[string]string {
	out := map[string]string{"aws:region": "us-east-1", "aws:allowedAccountIds": `["` + tierAccount + `"]`,
		"secure-aws:account": `{"managedElsewhere":true}`}
	maps.Copy(out, cfg)
	return out
}

// writeStack writes a stack file of the project copy from JSON-valued config.
func (p *project) writeStack(stack string, cfg map[string]string) {
	f := stackFile{"config": map[string]any{}}
	for k, v := range cfg {
		f.setJSON(p.t, k, v)
	}
	p.writeStackFile(stack, f)
}

// ops returns what the stand-in provider has recorded so far.
func (p *project) ops() []oplog.Op {
	ops, err := oplog.Read(p.log)
	require.NoError(p.t, err)
	return ops
}

// opsOf keeps the ops of one kind.
func opsOf(ops []oplog.Op, kind string) []oplog.Op {
	var out []oplog.Op
	for _, o := range ops {
		if o.Op == kind {
			out = append(out, o)
		}
	}
	return out
}

// deployment is the part of `pulumi stack export` the tests read.
type deployment struct {
	Resources []struct {
		URN            string         `json:"urn"`
		Type           string         `json:"type"`
		Custom         bool           `json:"custom"`
		Protect        bool           `json:"protect"`
		RetainOnDelete bool           `json:"retainOnDelete"`
		Inputs         map[string]any `json:"inputs"`
		Outputs        map[string]any `json:"outputs"`
	} `json:"resources"`
}

// export returns the stack's state as the backend stores it (not through `pulumi stack
// export --show-secrets`, which the Automation API's Export runs), raw and decoded.
func (p *project) export(s auto.Stack) (string, deployment) {
	path := filepath.Join(p.backend, ".pulumi", "stacks", config.Project, s.Name()+".json")
	b, err := os.ReadFile(path)
	require.NoError(p.t, err)
	var file struct {
		Checkpoint struct {
			Latest deployment `json:"latest"`
		} `json:"checkpoint"`
	}
	require.NoError(p.t, json.Unmarshal(b, &file))
	require.NotEmpty(p.t, file.Checkpoint.Latest.Resources, "the state of %s has resources", s.Name())
	return string(b), file.Checkpoint.Latest
}

// urns lists the URNs of the state, sorted.
func (d deployment) urns() []string {
	var out []string
	for _, r := range d.Resources {
		out = append(out, r.URN)
	}
	slices.Sort(out)
	return out
}

// changed lists the steps that change something, "op urn" sorted: what the drift check
// (drift.FromEvents) counts as a change, so the tier and the check agree on what "no
// change" means.
func (r *run) changed() []string {
	var out []string
	for _, c := range drift.FromEvents("", r.events).Changes {
		out = append(out, c.Op+" "+c.URN)
	}
	slices.Sort(out)
	return out
}

// workflow is the part of a GitHub Actions workflow the tests read.
type workflow struct {
	On          map[string]yaml.Node `yaml:"on"`
	Concurrency yaml.Node            `yaml:"concurrency"`
	Permissions map[string]string    `yaml:"permissions"`
	Jobs        map[string]job       `yaml:"jobs"`
}

// job is one job of a workflow.
type job struct {
	Uses        string            `yaml:"uses"` // a reusable workflow
	With        map[string]any    `yaml:"with"`
	Secrets     any               `yaml:"secrets"`
	Needs       names             `yaml:"needs"`
	Environment string            `yaml:"environment"`
	Permissions map[string]string `yaml:"permissions"`
	Concurrency struct {
		Group            string `yaml:"group"`
		CancelInProgress bool   `yaml:"cancel-in-progress"`
	} `yaml:"concurrency"`
	Strategy struct {
		Matrix map[string]any `yaml:"matrix"`
	} `yaml:"strategy"`
	Outputs map[string]string `yaml:"outputs"`
	Steps   []step            `yaml:"steps"`
}

// step is one step of a job or of a composite action.
type step struct {
	Name  string            `yaml:"name"`
	ID    string            `yaml:"id"`
	If    string            `yaml:"if"`
	Uses  string            `yaml:"uses"`
	With  map[string]any    `yaml:"with"`
	Run   string            `yaml:"run"`
	Shell string            `yaml:"shell"`
	Env   map[string]string `yaml:"env"`
}

// names is a `needs:` value, one name or a list.
type names []string

func (n *names) UnmarshalYAML(node *yaml.Node) error {
	if node.Kind == yaml.ScalarNode {
		*n = names{node.Value}
		return nil
	}
	var list []string
	if err := node.Decode(&list); err != nil {
		return err
	}
	*n = list
	return nil
}

// workflowFiles are the repository's workflows and its own actions (.github/actions/*/action.yml).
func workflowFiles(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(repoRoot, ".github", "workflows", "*.yml"))
	require.NoError(t, err)
	require.NotEmpty(t, files)
	actions, err := filepath.Glob(filepath.Join(repoRoot, ".github", "actions", "*", "action.yml"))
	require.NoError(t, err)
	return append(files, actions...)
}

// workflows reads every workflow of the repository, by file name.
func workflows(t *testing.T) map[string]workflow {
	t.Helper()
	out := map[string]workflow{}
	for _, f := range workflowFiles(t) {
		if filepath.Base(f) == "action.yml" {
			continue
		}
		var wf workflow
		readYAML(t, f, &wf)
		out[filepath.Base(f)] = wf
	}
	return out
}

// localAction is the repository's own composite action in .github/actions/<name>.
type localAction struct {
	Runs struct {
		Using string `yaml:"using"`
		Steps []step `yaml:"steps"`
	} `yaml:"runs"`
}

// action reads the repository's action .github/actions/<name>.
func action(t *testing.T, name string) localAction {
	t.Helper()
	var a localAction
	readYAML(t, filepath.Join(repoRoot, ".github", "actions", name, "action.yml"), &a)
	return a
}

// readYAML decodes a file of the repository.
func readYAML(t *testing.T, path string, into any) {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	require.NoError(t, yaml.Unmarshal(b, into), path)
}

// config reads the project copy's stack file as the program reads it (internal/config).
func (p *project) config(stack string) *config.Config {
	st, err := stackfile.Load(p.dir, stack)
	require.NoError(p.t, err)
	cfg, err := config.Load(stack, config.MapGetter(st.Config))
	require.NoError(p.t, err)
	return cfg
}

// adoptable is what the stack file of stack marks for adoption, as it exists in the
// account of a team that follows the adoption recipe: every bucket (buckets[].import, a
// vault's importBucket, the state bucket, always adopted), every IAM user at the root path
// (apps[] and thirdParties[].import, a vault's importWriter), and with
// account.importExisting the alias and a weak password policy.
func (p *project) adoptable(stack string) []world.Resource {
	cfg := p.config(stack)
	var out []world.Resource
	for _, b := range cfg.Adopted() {
		out = append(out, world.Resource{Type: awstypes.Bucket, ID: b.Name, Inputs: map[string]any{"bucket": b.Name}})
	}
	var users []string
	for _, pr := range slices.Concat(cfg.Apps, cfg.ThirdParties) {
		if pr.Import {
			users = append(users, pr.UserName(cfg.Environment))
		}
	}
	for _, b := range cfg.Backups {
		if b.ImportWriter {
			users = append(users, b.WriterName(cfg.Environment))
		}
	}
	for _, u := range users {
		out = append(out, world.Resource{Type: awstypes.User, ID: u, Inputs: map[string]any{"name": u, "path": "/"}})
	}
	if a := cfg.Account; a.Manage && a.ImportExisting {
		out = append(out, existingAccount(a.Alias)...)
	}
	return out
}

// seedAdopted makes exist, in the stand-in's AWS, what the stack file of stack marks for
// adoption (adoptable): the first up adopts it instead of failing on a resource that does
// not exist. It runs before the stack's first up, on an empty world.
func (p *project) seedAdopted(stack string) {
	if seeded := p.adoptable(stack); len(seeded) > 0 {
		p.seed(seeded...)
	}
}
