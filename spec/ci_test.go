package spec

import (
	"strings"
	"testing"
)

// GitHub's deployment environment names ignore case, so "Preview" is the preview
// environment: the deploy role must not trust it under any spelling.
func TestCITrustRefusesPreviewAndDriftInAnyCase(t *testing.T) {
	for _, e := range []string{"preview", "Preview", "PREVIEW", "drift", "Drift"} {
		trust := CITrust{Repository: "acme/secure-aws", Branch: "main", OwnerID: 1, RepositoryID: 2, Environments: []string{e}}
		problems := trust.Problems()
		if len(problems) != 1 || problems[0].Field != "environments[0]" || !strings.Contains(problems[0].Message, "never trust it") {
			t.Errorf("environment %q: got %v, want it refused", e, problems)
		}
	}
}
