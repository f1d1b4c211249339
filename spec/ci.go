package spec

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/secure-aws/secure-aws/awsnames"
)

var (
	repositoryPattern = regexp.MustCompile(`^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$`)
	refNamePattern    = regexp.MustCompile(`^[A-Za-z0-9_./-]+$`)
)

// PreviewEnvironment is the GitHub deployment environment pull-request previews run in:
// its secrets (the state passphrase) and protection rules are the previews' own.
const PreviewEnvironment = "preview"

// DriftEnvironment is the GitHub deployment environment the scheduled drift check runs in
// (.github/workflows/drift.yml): restricted to the main branch, it holds the state
// passphrase for the check.
const DriftEnvironment = "drift"

// CITrust is who the CI roles trust: one GitHub repository's branch or deployment
// environments, by the subject of GitHub's OIDC tokens.
type CITrust struct {
	// Repository is the GitHub repository, owner/name, whose workflows may assume the
	// roles (required).
	Repository string `json:"repository"`
	// Branch whose pushes may deploy (required), e.g. main.
	Branch string `json:"branch"`
	// Environments are the GitHub deployment environments whose jobs may deploy. A job
	// with an environment presents it instead of its branch, so when set, only these
	// environments are trusted (restrict each to Branch in the repository settings; the
	// deploy workflow checks it), and Branch alone is not. Each is the name of a stack of
	// the account (the deploy job's environment is its stack's name), never the preview's
	// or the drift check's. Optional.
	Environments []string `json:"environments"`
	// OwnerID and RepositoryID are the numeric ids GitHub gives the owner and the
	// repository (`gh api repos/OWNER/REPO --jq '.owner.id, .id'`). GitHub's tokens for
	// repositories created, renamed or transferred since 2026-07-15 carry the immutable
	// subject repo:OWNER@OWNER-ID/REPO@REPO-ID:..., which a recycled name can never
	// match. Required unless NameOnlySubjects.
	OwnerID      int64 `json:"ownerId"`
	RepositoryID int64 `json:"repositoryId"`
	// NameOnlySubjects trusts the older subject repo:OWNER/REPO:..., for a repository that
	// has not switched: weaker, since whoever takes over a deleted or renamed name inherits
	// the trust. Default false.
	NameOnlySubjects bool `json:"nameOnlySubjects"`
	// StateBucket is the S3 bucket of the Pulumi state backend, when the backend is one
	// (s3://BUCKET). The stack adopts it as a secure bucket whose own policy lets only the
	// deploy role (and a person signed in with MFA) write the state, and only the CI roles
	// (and such a person) read it; the preview and drift roles may read its objects, which
	// they may not elsewhere. Optional.
	StateBucket string `json:"stateBucket"`
}

// Subject is the OIDC subject prefix of the repository's tokens.
func (a CITrust) Subject() string {
	if a.NameOnlySubjects {
		return "repo:" + a.Repository
	}
	owner, repo, _ := strings.Cut(a.Repository, "/")
	return fmt.Sprintf("repo:%s@%d/%s@%d", owner, a.OwnerID, repo, a.RepositoryID)
}

// Problems reports every invalid field.
func (a CITrust) Problems() []FieldProblem {
	var out []FieldProblem
	add := func(field, format string, args ...any) {
		out = append(out, FieldProblem{field, fmt.Sprintf(format, args...)})
	}
	if !repositoryPattern.MatchString(a.Repository) {
		add("repository", "%q is not owner/name", a.Repository)
	}
	if !refNamePattern.MatchString(a.Branch) {
		add("branch", "%q must be a plain branch name (no wildcards)", a.Branch)
	}
	for i, e := range a.Environments {
		switch {
		case !refNamePattern.MatchString(e):
			add(fmt.Sprintf("environments[%d]", i), "%q must be a plain name (no wildcards)", e)
		case strings.EqualFold(e, PreviewEnvironment): // GitHub's environment names ignore case
			add(fmt.Sprintf("environments[%d]", i), "%q is where pull-request previews run code no one has approved yet; the deploy role must never trust it", e)
		case strings.EqualFold(e, DriftEnvironment):
			add(fmt.Sprintf("environments[%d]", i), "%q is the drift check's, which runs with no approval; the deploy role must never trust it", e)
		}
	}
	if a.StateBucket != "" {
		if err := awsnames.BucketName(a.StateBucket, true); err != nil {
			add("stateBucket", "%v", err)
		}
	}
	switch {
	case a.NameOnlySubjects && (a.OwnerID != 0 || a.RepositoryID != 0):
		add("nameOnlySubjects", "ownerId and repositoryId make the trust match GitHub's immutable subject; nameOnlySubjects would drop them: set one or the other")
	case !a.NameOnlySubjects && (a.OwnerID < 1 || a.RepositoryID < 1):
		add("ownerId", "and repositoryId are required: the numeric ids of the owner and the repository (gh api repos/%s --jq '.owner.id, .id'), which GitHub's tokens name in the immutable subject; for a repository still on name-only subjects, set nameOnlySubjects: true (weaker: a recycled name inherits the trust)", a.Repository)
	}
	return out
}
