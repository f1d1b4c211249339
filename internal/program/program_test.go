package program_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/secure-aws/secure-aws/internal/config"
	"github.com/secure-aws/secure-aws/internal/mock"
	"github.com/secure-aws/secure-aws/internal/program"
	"github.com/secure-aws/secure-aws/internal/rootcheck"
	"github.com/secure-aws/secure-aws/internal/stackfile"
)

// healthyRoot is a root user with MFA and no access keys.
type fakeRoot struct {
	status rootcheck.Status
	err    error
}

func (f fakeRoot) RootStatus(context.Context) (rootcheck.Status, error) { return f.status, f.err }

var healthyRoot = fakeRoot{status: rootcheck.Status{MFAEnabled: true}}

func runStack(t *testing.T, stack string) *mock.Recorder {
	t.Helper()
	st, err := stackfile.Load("../..", stack)
	require.NoError(t, err)
	rec := mock.New(config.Project, stack)
	require.NoError(t, rec.Run(st.Config, false, program.Run(healthyRoot)))
	return rec
}

func TestStackFilesRun(t *testing.T) {
	for _, stack := range []string{"staging", "production"} {
		t.Run(stack, func(t *testing.T) {
			rec := runStack(t, stack)
			for _, r := range rec.Registrations() {
				t.Logf("%s", r.URN)
			}
		})
	}
}
