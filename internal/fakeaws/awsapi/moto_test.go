package awsapi

import (
	"net"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// motoAccount is the account moto serves (MOTO_ACCOUNT_ID).
const motoAccount = "123456789012"

// startMoto starts moto 5.2.1 on a free loopback port and stops it when the test ends. It is
// a stop-gap, kept tiny on purpose: the shared moto harness (internal/mototest, with
// MOTO_SERVER_URL and resets) replaces it once it lands.
func startMoto(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close())
	_, port, _ := net.SplitHostPort(addr)
	cmd := exec.Command("python3", "-m", "moto.server", "-H", "127.0.0.1", "-p", port)
	for _, kv := range os.Environ() { // none of the test's AWS settings, no proxy
		if k, _, _ := strings.Cut(kv, "="); !strings.HasPrefix(k, "AWS_") && !strings.HasSuffix(strings.ToUpper(k), "_PROXY") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, "MOTO_ACCOUNT_ID="+motoAccount)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	require.NoError(t, cmd.Start(), "moto is required: pip install 'moto[server]==5.2.1'")
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		if t.Failed() {
			t.Logf("moto's log:\n%s", stderr.String())
		}
	})
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
			require.NoError(t, c.Close())
			return "http://" + addr
		}
		require.True(t, time.Now().Before(deadline), "moto did not listen on %s within 30s", addr)
	}
}
