package main

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestUsage: without a command, a stack or the command's file, or with stray arguments,
// nothing runs and the exit code is 2. The commands themselves run against the real
// engine in internal/testsupport/enginetest.
func TestUsage(t *testing.T) {
	for _, args := range [][]string{
		nil, {"deploy", "--stack", "production"}, {"preview"}, {"preview", "--stack", "production"},
		{"preview", "--out", "out"}, {"preview", "--stack", "production", "--out", "out", "extra"},
		{"preview", "--stack", "production", "--approved", "out/steps.json"},
		{"apply", "--stack", "production"}, {"apply", "--stack", "production", "--out", "out"},
		{"apply", "--stack", "production", "--approved", "out/steps.json", "--refresh=false"},
	} {
		var stdout, stderr bytes.Buffer
		assert.Equal(t, 2, run(t.Context(), args, &stdout, &stderr), "%q", args)
		assert.Contains(t, stderr.String(), "usage: gate preview --stack NAME", "%q", args)
		assert.Empty(t, stdout.String())
	}
}
