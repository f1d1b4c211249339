package scripts_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/secure-aws/secure-aws/internal/testsupport/mototest"
)

// TestMotoSharedCountsWhatReachedTheServer: moto-shared.sh starts one moto, runs `go test
// -p 1` with MOTO_SERVER_URL naming it (here a fake go that makes two STS calls and an S3
// call to that server with the AWS CLI, and fails), prints the requests moto recorded by
// service and by client, exits with go test's status and leaves no moto behind.
func TestMotoSharedCountsWhatReachedTheServer(t *testing.T) {
	if testing.Short() {
		t.Skip("starts moto: runs without -short")
	}
	if err := mototest.Available(); err != nil {
		t.Fatal(err)
	}
	if err := mototest.CLIAvailable(); err != nil {
		t.Fatal(err)
	}
	bin := t.TempDir()
	args := filepath.Join(bin, "args")
	fakeGo := `#!/bin/sh
echo "$@" > "` + args + `"
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_DEFAULT_REGION=us-east-1 AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
aws --endpoint-url "$MOTO_SERVER_URL" sts get-caller-identity >/dev/null || exit 9
aws --endpoint-url "$MOTO_SERVER_URL" sts get-caller-identity >/dev/null || exit 9
aws --endpoint-url "$MOTO_SERVER_URL" s3api list-buckets >/dev/null || exit 9
echo "$MOTO_SERVER_URL" > "` + filepath.Join(bin, "url") + `"
exit 3
`
	require.NoError(t, os.WriteFile(filepath.Join(bin, "go"), []byte(fakeGo), 0o755))
	cmd := exec.Command("bash", "moto-shared.sh", "-run", "Nothing", "./none/...")
	cmd.Env = append(os.Environ(), "PATH="+bin+":"+os.Getenv("PATH"))
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	require.ErrorAs(t, err, &exit, string(out))
	assert.Equal(t, 3, exit.ExitCode(), "go test's status: %s", out)

	got, err := os.ReadFile(args)
	require.NoError(t, err)
	assert.Equal(t, "test -p 1 -run Nothing ./none/...\n", string(got), "always -p 1: the tests empty the shared server when they take it")
	url, err := os.ReadFile(filepath.Join(bin, "url"))
	require.NoError(t, err)
	assert.Regexp(t, `^http://127\.0\.0\.1:\d+\n$`, string(url), "a loopback server")
	assert.Regexp(t, regexp.MustCompile(`(?m)^\s+sts\s+2$`), string(out), "%s", out)
	assert.Regexp(t, regexp.MustCompile(`(?m)^\s+s3\s+1$`), string(out))
	assert.Regexp(t, regexp.MustCompile(`(?m)^\s+AWS CLI\s+3$`), string(out))

	port := strings.TrimSpace(string(url))[strings.LastIndex(strings.TrimSpace(string(url)), ":")+1:]
	ps, _ := exec.Command("pgrep", "-f", "moto.server -H 127.0.0.1 -p "+port+"$").Output()
	assert.Empty(t, strings.TrimSpace(string(ps)), "no moto left behind")
}
