package cis

import (
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestControls: every v5.0.0 and v7.0.0 id is well formed and names one recommendation, so
// a typo cannot make two controls one.
func TestControls(t *testing.T) {
	id := regexp.MustCompile(`^[1-6](\.[0-9]{1,2}){1,2}$`)
	v5, v7 := map[string]bool{}, map[string]bool{}
	for _, c := range Controls() {
		assert.Regexp(t, id, c.ID)
		assert.False(t, v5[c.ID], "%s twice", c.ID)
		v5[c.ID] = true
		assert.NotEmpty(t, c.Title, c.ID)
		if c.V7 != "" {
			assert.Regexp(t, id, c.V7)
			assert.False(t, v7[c.V7], "v7.0.0 %s twice", c.V7)
			v7[c.V7] = true
		}
	}
	got, ok := Lookup("1.5")
	require.True(t, ok)
	assert.Equal(t, Control{"1.5", "2.6", "Ensure hardware MFA is enabled for the 'root' user account"}, got)
	_, ok = Lookup("1.22")
	assert.False(t, ok, "v3.0.0's last IAM id is none of v5.0.0")
}

func TestRef(t *testing.T) {
	assert.Equal(t, "CIS v5.0.0 1.7 (v7.0.0 2.8)", Ref("1.7"))
	assert.Equal(t, "CIS v5.0.0 1.12 (not in v7.0.0)", Ref("1.12"))
	assert.Equal(t, "CIS v5.0.0 1.11, 1.12, 1.13 (v7.0.0 2.11, 2.12; 1.12 dropped)", Ref("1.11", "1.12", "1.13"))
	assert.PanicsWithValue(t, `cis.Ref: "1.22" is no CIS v5.0.0 recommendation`, func() { Ref("1.22") })
	assert.Panics(t, func() { Ref() })
}
