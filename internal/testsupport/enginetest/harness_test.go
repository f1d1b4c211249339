package enginetest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/events"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optpreview"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/require"

	"github.com/secure-aws/secure-aws/internal/gate"
	"github.com/secure-aws/secure-aws/internal/preview"
	"github.com/secure-aws/secure-aws/internal/program"
	"github.com/secure-aws/secure-aws/internal/stackfile"
	"github.com/secure-aws/secure-aws/internal/testsupport/fixtures"
	"github.com/secure-aws/secure-aws/internal/testsupport/oplog"
	"github.com/secure-aws/secure-aws/internal/testsupport/standin"
	"github.com/secure-aws/secure-aws/internal/testsupport/world"
)

// cliVersion is the Pulumi CLI the tier builds and the workflows pin: the version of the
// program's Pulumi SDK.
const cliVersion = "v3.274.1"

// repoRoot is the repository, whose Pulumi.yaml and stack files every test copies.
var repoRoot = filepath.Join("..", "..", "..")

// tools are the binaries the tier runs, built once per test binary by TestMain.
var tools struct {
	cli     auto.PulumiCommand
	binDir  string // the CLI and the stand-in pulumi-resource-aws, first on the CLI's PATH
	pack    string // the policy pack, built from ./policypack
	skipped bool
	// realPlugin is the real pulumi-resource-aws that RealPluginEnvVar names, in binDir
	// instead of the stand-in; "" for the stand-in.
	realPlugin string
}

// RealPluginEnvVar names a directory holding the real pulumi-resource-aws (the pinned
// plugin, as .github/actions/pulumi installs it: ~/.pulumi/plugins/resource-aws-v<version>).
// With it the tier runs its scenarios against moto through that plugin instead of the
// stand-in, and skips, saying why, every test that reads the stand-in's model of AWS or its
// op log (docs/engine-tests.md, "The real provider").
const RealPluginEnvVar = "SECURE_AWS_REAL_AWS_PLUGIN"

func TestMain(m *testing.M) {
	flag.Parse()
	if testing.Short() {
		tools.skipped = true
		os.Exit(m.Run())
	}
	tmp, err := os.MkdirTemp("", "enginetest-bin-")
	if err == nil {
		err = buildTools(tmp)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "enginetest:", err)
		os.Exit(1)
	}
	code := m.Run()
	_ = os.RemoveAll(tmp)
	os.Exit(code)
}

// buildTools builds the Pulumi CLI from tools/pulumi (a module of its own, so the
// program's module graph stays untouched) into a cache directory keyed by that module's
// go.sum, and the stand-in provider and the policy pack into a temporary one.
func buildTools(tmp string) error {
	toolsDir, err := filepath.Abs(filepath.Join(repoRoot, "tools", "pulumi"))
	if err != nil {
		return err
	}
	sum, err := os.ReadFile(filepath.Join(toolsDir, "go.sum"))
	if err != nil {
		return err
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		cache = os.TempDir()
	}
	key := sha256.Sum256(append([]byte(cliVersion), sum...))
	cliRoot := filepath.Join(cache, "secure-aws", "pulumi-"+cliVersion+"-"+hex.EncodeToString(key[:6]))
	cliBin := filepath.Join(cliRoot, "bin", "pulumi")
	if _, err := os.Stat(cliBin); err != nil {
		if err := goBuild(toolsDir, cliBin+".tmp", "-ldflags", "-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version="+cliVersion, "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"); err != nil {
			return fmt.Errorf("building the Pulumi CLI: %w", err)
		}
		if err := os.Rename(cliBin+".tmp", cliBin); err != nil {
			return err
		}
	}
	tools.binDir = filepath.Join(tmp, "bin")
	if err := os.MkdirAll(tools.binDir, 0o755); err != nil {
		return err
	}
	if err := os.Symlink(cliBin, filepath.Join(tools.binDir, "pulumi")); err != nil {
		return err
	}
	if dir := os.Getenv(RealPluginEnvVar); dir != "" {
		plugin, err := realPlugin(dir)
		if err != nil {
			return err
		}
		tools.realPlugin = plugin
		if err := os.Symlink(plugin, filepath.Join(tools.binDir, "pulumi-resource-aws")); err != nil {
			return err
		}
	} else if err := goBuild(repoRoot, filepath.Join(tools.binDir, "pulumi-resource-aws"), "-tags", standin.StandInTag, "./internal/testsupport/pulumi-resource-aws"); err != nil {
		return fmt.Errorf("building the stand-in AWS provider: %w", err)
	}
	// The pack as the gate builds and passes it: a binary, which needs no language host.
	if tools.pack, err = gate.BuildPolicyPack(context.Background(), repoRoot, tmp); err != nil {
		return err
	}
	tools.cli, err = auto.NewPulumiCommand(&auto.PulumiCommandOptions{Root: tmp})
	return err
}

// realPlugin is the executable pulumi-resource-aws in dir, or why it is not there.
func realPlugin(dir string) (string, error) {
	plugin, err := filepath.Abs(filepath.Join(dir, "pulumi-resource-aws"))
	if err != nil {
		return "", err
	}
	info, err := os.Stat(plugin)
	if err == nil && (info.IsDir() || info.Mode()&0o111 == 0) {
		err = errors.New("not an executable file")
	}
	if err != nil {
		return "", fmt.Errorf("%s=%s: want the directory holding the real pulumi-resource-aws (the pinned plugin, e.g. ~/.pulumi/plugins/resource-aws-v6.83.4): %v", RealPluginEnvVar, dir, err)
	}
	return plugin, nil
}

func goBuild(dir, out string, args ...string) error {
	cmd := exec.Command("go", append([]string{"build", "-o", out}, args...)...)
	cmd.Dir = dir
	cmd.Stderr = os.Stderr
	return cmd.Run()
}

// requireEngine skips nothing silently: under -short the whole tier is off, by choice.
func requireEngine(t testing.TB) {
	t.Helper()
	if tools.skipped {
		t.Skip("real-engine tier: not run under -short")
	}
}

// requireStandIn skips a test that reads what only the stand-in writes (its model of AWS,
// its op log, its refusal outside a test) when the real provider replaces it.
func requireStandIn(t testing.TB) {
	t.Helper()
	requireEngine(t)
	if tools.realPlugin != "" {
		t.Skipf("reads the stand-in's model of AWS or its op log, which the real provider (%s=%s) does not write: runs with the stand-in", RealPluginEnvVar, filepath.Dir(tools.realPlugin))
	}
}

// project is one copy of the repository's Pulumi project, with its own state backend,
// Pulumi home and stand-in provider log.
type project struct {
	t       testing.TB
	dir     string
	log     string
	backend string
	world   string // what exists in the stand-in's AWS
	env     map[string]string
	// account is what the managing stack's checks read; default fixtures.HealthyAccount.
	account program.AccountReader
}

// newProject copies Pulumi.yaml and every Pulumi.<stack>.yaml of the repository. The
// stack files lose what ties them to the team's own secrets provider (encryptionsalt,
// secretsprovider, encryptedkey) and their encrypted values, which this tier cannot
// decrypt: the program reads no secret configuration. Its AWS is the stand-in's model: the
// test skips when the real provider replaces the stand-in (newMotoProject's tests run).
func newProject(t testing.TB) *project {
	requireStandIn(t)
	return copyProject(t)
}

// copyProject is newProject for the stand-in or the real provider.
func copyProject(t testing.TB) *project {
	requireEngine(t)
	dir := t.TempDir()
	b, err := os.ReadFile(filepath.Join(repoRoot, "Pulumi.yaml"))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "Pulumi.yaml"), b, 0o644))
	state := t.TempDir()
	p := &project{t: t, dir: dir, log: filepath.Join(state, "fakeaws.jsonl"), backend: filepath.Join(state, "backend"), world: filepath.Join(state, "world.json"), account: fixtures.HealthyAccount{}}
	names, err := stackfile.Names(repoRoot)
	require.NoError(t, err)
	for _, name := range names {
		p.writeStackFile(name, portable(t, filepath.Join(repoRoot, "Pulumi."+name+".yaml")))
	}
	p.env = map[string]string{
		"PULUMI_BACKEND_URL":       "file://" + p.backend,
		"PULUMI_CONFIG_PASSPHRASE": "enginetest",
		"PULUMI_SKIP_UPDATE_CHECK": "true",
		// The stand-in first on PATH, and never a plugin from anywhere else.
		"PULUMI_IGNORE_AMBIENT_PLUGINS":               "false",
		"PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
		oplog.EnvVar: p.log,
		world.EnvVar: p.world,
	}
	require.NoError(t, os.MkdirAll(p.backend, 0o755))
	return p
}

// stack initialises stack in the project's backend and returns it, running the program
// main.go runs, with the keys the CLI hands it.
func (p *project) stack(name string) auto.Stack {
	return p.stackWith(name, nil)
}

// stackWith is stack, with extra registering more resources after the program's own (a
// test-only variant of the program); nil for none. The program runs inline in the project's
// directory as the gate and the drift check run it (preview.Workspace), with the account
// read from p.account instead of AWS.
func (p *project) stackWith(name string, extra pulumi.RunFunc) auto.Stack {
	t := p.t
	ctx := t.Context()
	ws, err := preview.Workspace(ctx, p.dir, func(keys []string) pulumi.RunFunc {
		return func(pctx *pulumi.Context) error {
			if err := program.Run(program.Env{Account: p.account, ConfigKeys: keys, Dir: p.dir})(pctx); err != nil || extra == nil {
				return err
			}
			return extra(pctx)
		}
	},
		auto.Pulumi(tools.cli),
		auto.PulumiHome(filepath.Join(filepath.Dir(p.log), "home")),
		auto.SecretsProvider("passphrase"),
		auto.EnvVars(p.env),
	)
	require.NoError(t, err)
	s, err := auto.NewStack(ctx, name, ws)
	require.NoError(t, err)
	return s
}

// run collects the engine events of one operation.
type run struct {
	events []events.EngineEvent
}

func collect() (chan events.EngineEvent, *run, func(error)) {
	ch := make(chan events.EngineEvent)
	r := &run{}
	done := make(chan struct{})
	go func() {
		for e := range ch {
			r.events = append(r.events, e)
		}
		close(done)
	}()
	// The Automation API closes the channel when the CLI's event stream ends; a CLI that
	// failed before it streamed anything (invalid config) never opens it.
	return ch, r, func(err error) {
		if err == nil {
			<-done
			return
		}
		select {
		case <-done:
		case <-time.After(time.Second):
		}
	}
}

// preview runs `pulumi preview` with the pack as the workflows do, with
// PULUMI_SKIP_CHECKPOINTS: a preview persists nothing, yet the CLI serializes and verifies
// the whole in-memory snapshot after every step, which makes large previews quadratic.
func (p *project) preview(s auto.Stack) (*run, error) {
	return p.previewWith(s, true)
}

// previewRefresh is the deploy workflow's preview: with --refresh, so what AWS holds now
// is compared with the program.
func (p *project) previewRefresh(s auto.Stack) (*run, error) {
	return p.previewWith(s, true, optpreview.Refresh())
}

func (p *project) previewWith(s auto.Stack, skipCheckpoints bool, opts ...optpreview.Option) (*run, error) {
	ws := s.Workspace()
	if skipCheckpoints {
		ws.SetEnvVar("PULUMI_SKIP_CHECKPOINTS", "true")
		defer ws.UnsetEnvVar("PULUMI_SKIP_CHECKPOINTS")
	}
	ch, r, wait := collect()
	_, err := s.Preview(p.t.Context(), append([]optpreview.Option{optpreview.PolicyPacks(tools.pack), optpreview.EventStreams(ch)}, opts...)...)
	wait(err)
	return r, err
}

// up deploys as the deploy workflow does: a refreshing preview with the pack first, so a
// mandatory violation stops the deployment before anything changes, then up --refresh.
// (up alone, as the Automation API and pulumi/actions run it, skips the preview: the pack
// then judges each resource as it is registered, and resources registered before a
// violation are created.)
func (p *project) up(s auto.Stack) (*run, error) {
	if r, err := p.previewRefresh(s); err != nil {
		return r, err
	}
	return p.upWith(s, optup.Refresh())
}

func (p *project) upSkipPreview(s auto.Stack) (*run, error) { return p.upWith(s) }

func (p *project) upWith(s auto.Stack, opts ...optup.Option) (*run, error) {
	ch, r, wait := collect()
	_, err := s.Up(p.t.Context(), append([]optup.Option{optup.PolicyPacks(tools.pack), optup.EventStreams(ch)}, opts...)...)
	wait(err)
	return r, err
}

// steps lists "op urn" for every resource step of a run, sorted.
func (r *run) steps() []string {
	var out []string
	for _, e := range r.events {
		if e.ResourcePreEvent != nil {
			m := e.ResourcePreEvent.Metadata
			out = append(out, string(m.Op)+" "+m.URN)
		}
	}
	slices.Sort(out)
	return out
}

// diffs lists the inputs the engine reports as changed for urn.
func (r *run) diffs(urn string) []string {
	for _, e := range r.events {
		if e.ResourcePreEvent != nil && e.ResourcePreEvent.Metadata.URN == urn {
			return e.ResourcePreEvent.Metadata.Diffs
		}
	}
	return nil
}

// warnings lists the engine's warning diagnostics.
func (r *run) warnings() []string {
	var out []string
	for _, e := range r.events {
		if d := e.DiagnosticEvent; d != nil && d.Severity == "warning" {
			out = append(out, strings.TrimSpace(d.Message))
		}
	}
	return out
}

// policyEvents lists the pack's findings: "policy: message".
func (r *run) policyEvents() []string {
	var out []string
	for _, e := range r.events {
		if e.PolicyEvent != nil {
			out = append(out, e.PolicyEvent.PolicyName+": "+strings.TrimSpace(e.PolicyEvent.Message))
		}
	}
	return out
}
