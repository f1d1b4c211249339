package enginetest

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/secure-aws/secure-aws/internal/config"
	"github.com/secure-aws/secure-aws/internal/testsupport/oplog"
	"github.com/secure-aws/secure-aws/internal/testsupport/standin"
	"github.com/secure-aws/secure-aws/internal/testsupport/world"
)

// TestLifecycle drives every stack of the repository through the real engine, with the
// policy pack: preview and up from empty state, a second up, the state and the outputs,
// the offline plan against what up sent, then changes to the configuration (narrow a grant,
// rename an application, remove a bucket) and a destroy.
func TestLifecycle(t *testing.T) {
	for _, name := range stackNames(t) {
		t.Run(name, func(t *testing.T) {
			p := newProject(t)
			p.seedAdopted(name)
			s := p.stack(name)
			original := p.readStackFile(name)

			t.Run("a preview then up from empty state pass the pack", func(t *testing.T) {
				pre, err := p.preview(s)
				require.NoError(t, err)
				assert.Empty(t, pre.policyEvents(), "no policy is violated")
				assert.Empty(t, opsOf(p.ops(), "create"), "a preview creates nothing")
				up, err := p.up(s)
				require.NoError(t, err)
				assert.Empty(t, up.policyEvents())
				assert.Equal(t, pre.steps(), up.steps(), "up does what the preview showed")
				assert.Contains(t, pre.warnings(), standin.Notice, "the engine shows that its AWS is a stand-in")
				assert.Contains(t, up.warnings(), standin.Notice)
			})
			t.Run("b a second up changes nothing", func(t *testing.T) {
				before := len(p.ops())
				up, err := p.up(s)
				require.NoError(t, err)
				assert.Empty(t, up.changed())
				for _, o := range p.ops()[before:] {
					assert.NotContains(t, []string{"create", "update", "delete"}, o.Op, o.URN)
				}
			})
			t.Run("h the state holds no plaintext credential", func(t *testing.T) {
				raw, _ := p.export(s)
				credentials := opsOf(p.ops(), "credential")
				for _, c := range credentials {
					assert.NotContains(t, raw, c.Value, "%s of %s is in the state in plain text", c.Kind, c.User)
				}
				apps := original.list(config.Project + ":apps")
				if slices.ContainsFunc(apps, func(a map[string]any) bool { return a["accessKey"] == true }) {
					assert.NotEmpty(t, credentials, "the stand-in generated the keys the stack asks for")
				}
			})
			t.Run("i outputs as pulumi stack output shows them", func(t *testing.T) {
				checkOutputs(t, p, s)
			})
			t.Run("k the offline plan is what up sent", func(t *testing.T) {
				checkPlanEqualsUp(t, p, name)
			})
			t.Run("c narrowing a grant updates only that policy", func(t *testing.T) {
				app, grant := narrowable(original.list(config.Project + ":apps"))
				if app < 0 {
					t.Skipf("stack %s has no application grant with two or more actions", name)
				}
				base := offlineJSON(t, p, name)
				f := p.readStackFile(name)
				apps := f.list(config.Project + ":apps")
				g := apps[app]["grants"].([]any)[grant].(map[string]any)
				g["actions"] = []any{"s3:GetObject"}
				p.writeStackFile(name, f)
				defer p.writeStackFile(name, original)

				pre, err := p.preview(s)
				require.NoError(t, err)
				appName := apps[app]["name"].(string)
				policy := fmt.Sprintf("urn:pulumi:%s::%s::secure-aws:components:AppUser$aws:iam/policy:Policy::%s-s3", name, config.Project, appName)
				assert.Equal(t, []string{"update " + policy}, pre.changed())
				assert.Equal(t, []string{"policy"}, pre.diffs(policy), "only the policy document changes")
				checkChangesArePreview(t, offlineChanges(t, p, name, base), pre)
			})
			t.Run("e renaming an application replaces its principal and nothing else", func(t *testing.T) {
				apps := original.list(config.Project + ":apps")
				if len(apps) == 0 {
					t.Skipf("stack %s has no application", name)
				}
				old := apps[0]["name"].(string)
				base := offlineJSON(t, p, name)
				f := p.readStackFile(name)
				f.list(config.Project + ":apps")[0]["name"] = old + "-v2"
				p.writeStackFile(name, f)
				defer p.writeStackFile(name, original)

				pre, err := p.preview(s)
				require.NoError(t, err)
				prefix := fmt.Sprintf("urn:pulumi:%s::%s::secure-aws:components:AppUser", name, config.Project)
				var creates, deletes []string
				for _, step := range pre.changed() {
					op, urn, _ := strings.Cut(step, " ")
					require.True(t, strings.HasPrefix(urn, prefix), "only the application changes: %s", step)
					switch op {
					case "create":
						creates = append(creates, urn[strings.LastIndex(urn, "::")+2:])
					case "delete":
						deletes = append(deletes, urn[strings.LastIndex(urn, "::")+2:])
					default:
						t.Errorf("unexpected step %s", step)
					}
				}
				rename := func(names []string) []string {
					out := slices.Clone(names)
					for i, n := range out {
						out[i] = strings.Replace(n, old, old+"-v2", 1)
					}
					slices.Sort(out)
					return out
				}
				slices.Sort(creates)
				assert.Equal(t, creates, rename(deletes), "every resource of the old name is deleted and created under the new one")
				for _, part := range []string{"-user", "-group", "-s3", "-membership"} {
					assert.Contains(t, creates, old+"-v2"+part)
				}
				checkChangesArePreview(t, offlineChanges(t, p, name, base), pre)
			})
			t.Run("d removing a bucket fails on protection and keeps the state", func(t *testing.T) {
				extra := "enginetest-extra-" + name
				f := p.readStackFile(name)
				f.config()[config.Project+":buckets"] = append(f.config()[config.Project+":buckets"].([]any), map[string]any{"name": extra})
				p.writeStackFile(name, f)
				_, err := p.up(s)
				require.NoError(t, err, "adding a bucket")
				_, before := p.export(s)
				base := offlineJSON(t, p, name)

				p.writeStackFile(name, original)
				_, err = p.up(s) // as the deploy workflow runs it: the preview stops it
				require.Error(t, err)
				assert.Contains(t, err.Error(), "protect")
				assert.Contains(t, err.Error(), extra)
				var refused, stops []string
				for _, m := range protectedNamed.FindAllStringSubmatch(err.Error(), -1) {
					refused = append(refused, m[1])
				}
				for _, c := range offlineChanges(t, p, name, base).Stops() {
					stops = append(stops, c.URN)
				}
				// The engine names the first refusal of each chain (a bucket waits for its
				// versioning's delete, which fails); the plan diff names all of them.
				require.NotEmpty(t, refused)
				assert.Subset(t, stops, refused, "the plan diff names the protected resources the preview refuses to delete")
				_, after := p.export(s)
				assert.Equal(t, before.urns(), after.urns(), "nothing changed")

				// up without a preview stops at the same protection; what it got to first is
				// retained on delete: it leaves the state but stays in AWS.
				deletes := len(opsOf(p.ops(), "delete"))
				_, err = p.upSkipPreview(s)
				require.Error(t, err)
				assert.Contains(t, err.Error(), "protect")
				_, after = p.export(s)
				for _, r := range before.Resources {
					if r.Protect {
						assert.Contains(t, after.urns(), r.URN, "a protected resource stays in the state")
					}
				}
				assert.Len(t, opsOf(p.ops(), "delete"), deletes, "nothing of the bucket is deleted in AWS")
			})
			t.Run("f destroy stops at the protected resources and names them", func(t *testing.T) {
				_, before := p.export(s)
				deletesBefore := len(opsOf(p.ops(), "delete"))
				_, err := s.Destroy(t.Context())
				require.Error(t, err)
				msg := err.Error()
				_, after := p.export(s)
				keep := map[string]bool{} // deleting these must never reach AWS
				for _, r := range before.Resources {
					if r.Protect || r.RetainOnDelete {
						keep[r.URN] = true
					}
					if r.Protect {
						assert.Contains(t, after.urns(), r.URN, "a protected resource stays")
					}
				}
				require.NotEmpty(t, keep, "the stack protects its data")
				named := protectedNamed.FindAllStringSubmatch(msg, -1)
				require.NotEmpty(t, named, "destroy says which protected resources stopped it")
				for _, m := range named {
					assert.Contains(t, after.urns(), m[1])
				}
				for _, o := range opsOf(p.ops(), "delete")[deletesBefore:] {
					assert.False(t, keep[o.URN], "destroy deleted %s in AWS", o.URN)
				}
			})
		})
	}
}

// protectedNamed finds the resources the engine refused to delete.
var protectedNamed = regexp.MustCompile(`resource "([^"]+)" cannot be deleted\s+because it is protected`)

// narrowable finds an application grant with two or more actions (none listed means the
// defaults, four); -1 when there is none.
func narrowable(apps []map[string]any) (int, int) {
	for i, a := range apps {
		grants, _ := a["grants"].([]any)
		for j, g := range grants {
			m, _ := g.(map[string]any)
			actions, listed := m["actions"].([]any)
			if !listed || len(actions) >= 2 {
				return i, j
			}
		}
	}
	return -1, -1
}

// TestStandInRefusesOutsideATest: the stand-in the tier builds, started as the engine
// starts a plugin found on PATH but without a test's world or log, stops and says it is a
// test double, so a hand-run `pulumi up` cannot mistake it for AWS.
func TestStandInRefusesOutsideATest(t *testing.T) {
	requireStandIn(t)
	cmd := exec.Command(filepath.Join(tools.binDir, "pulumi-resource-aws"))
	cmd.Env = slices.DeleteFunc(os.Environ(), func(kv string) bool {
		return strings.HasPrefix(kv, world.EnvVar+"=") || strings.HasPrefix(kv, oplog.EnvVar+"=")
	})
	out, err := cmd.CombinedOutput()
	assert.Error(t, err)
	assert.Contains(t, string(out), standin.Notice)
	assert.Contains(t, string(out), "runs only under secure-aws's real-engine tests")
}
