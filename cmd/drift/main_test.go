package main

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestUsage: without a stack, or with stray arguments, nothing runs and the exit code is 2.
// The check itself runs against the real engine in internal/testsupport/enginetest.
func TestUsage(t *testing.T) {
	for _, args := range [][]string{nil, {"--stack"}, {"--stack", ""}, {"--stack", "production", "extra"}, {"--bogus"}} {
		var stdout, stderr bytes.Buffer
		assert.Equal(t, 2, run(t.Context(), args, &stdout, &stderr), "%q", args)
		assert.Contains(t, stderr.String(), "usage: drift --stack NAME", "%q", args)
		assert.Empty(t, stdout.String())
	}
}
