package config_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/secure-aws/secure-aws/internal/config"
)

// TestUnreadableSiblingIsTheOnlyAccountProblem: a stack file beside this one that could
// not be read refuses this stack, under the file's name; the checks that need the whole
// account (the environments that are stacks, who manages it, the group quota) are not run
// against the rest of it, where they would report what the unreadable file may well hold.
func TestUnreadableSiblingIsTheOnlyAccountProblem(t *testing.T) {
	unreadable := func(stack string) []config.Problem {
		return []config.Problem{{Key: "Pulumi." + stack + ".yaml", Message: "is invalid (its own plan says why)"}}
	}
	for name, c := range map[string]struct {
		cfg        *config.Config
		unreadable string
	}{
		"an environment's own stack file is invalid": {
			mustLoad(t, "production", manage, set("ci", `{"repository":"acme/x","ownerId":1,"repositoryId":2,"environments":["production","staging"]}`)),
			"staging",
		},
		"the managing stack's file is invalid": {mustLoad(t, testStack), "production"},
	} {
		t.Run(name, func(t *testing.T) {
			err := config.CheckAccount(c.cfg, nil, unreadable(c.unreadable))
			var cfgErr *config.Error
			require.True(t, errors.As(err, &cfgErr), "an unreadable sibling still refuses the stack: %v", err)
			require.Len(t, cfgErr.Problems, 1, "%v", err)
			assert.Equal(t, "Pulumi."+c.unreadable+".yaml", cfgErr.Problems[0].Key)
		})
	}
}
