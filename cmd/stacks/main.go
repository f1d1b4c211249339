// Command stacks prints what the deploy and drift workflows run, one entry per stack file
// (Pulumi.<stack>.yaml), as a JSON list for a job matrix:
//
//	go run ./cmd/stacks [--dir .]
//
// Each entry names the stack, its deployment environment (the stack's name, which the
// deploy role of its account trusts through secure-aws:ci.environments), its region and
// account, the ARNs of its account's CI roles, its S3 state backend if the CI roles' stack
// names one, and the suffix of its secrets' names
// (PULUMI_CONFIG_PASSPHRASE_<suffix>, PULUMI_ACCESS_TOKEN_<suffix>). Everything comes from
// the stack files, so a third stack or a second account is deployed and drift-checked with
// its own roles as soon as its file is merged.
//
// It exits 2, naming the stack file and the key, when a stack could not be deployed by the
// workflows: its file is invalid, no stack of its account sets secure-aws:ci (its account
// has no CI roles), that stack's ci.environments does not list it (its deploy role would
// refuse the job), or two stacks' secret suffixes collide.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/secure-aws/secure-aws/components"
	"github.com/secure-aws/secure-aws/internal/config"
	"github.com/secure-aws/secure-aws/internal/program"
	"github.com/secure-aws/secure-aws/internal/stackfile"
)

// Entry is one stack as the workflows' matrix takes it.
type Entry struct {
	Stack       string `json:"stack"`
	Environment string `json:"environment"`
	Region      string `json:"region"`
	Account     string `json:"account"`
	DeployRole  string `json:"deployRole"`
	PreviewRole string `json:"previewRole"`
	DriftRole   string `json:"driftRole"`
	Secret      string `json:"secret"`
	// Backend is the S3 state backend of the account's CI roles (secure-aws:ci.stateBucket,
	// in the region of the stack that adopts it), or empty: the repository's
	// PULUMI_BACKEND_URL variable then names it (Pulumi Cloud).
	Backend string `json:"backend"`
}

func main() {
	flags := flag.NewFlagSet("stacks", flag.ContinueOnError)
	dir := flags.String("dir", ".", "directory holding Pulumi.yaml and the stack files")
	if err := flags.Parse(os.Args[1:]); err != nil {
		os.Exit(2)
	}
	entries, skipped, err := Entries(*dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	for _, file := range skipped {
		fmt.Fprintf(os.Stderr, "::notice::%s is not deployed by these workflows: its account is managed elsewhere (account.managedElsewhere), where its roles are\n", file)
	}
	out, err := json.Marshal(entries)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	fmt.Println(string(out))
}

// Entries reads every stack file of dir, sorted by stack name, and reports every stack the
// workflows could not deploy. A stack whose account is managed elsewhere
// (account.managedElsewhere) has no CI roles of this repository: it is skipped, by file.
func Entries(dir string) (entries []Entry, skipped []string, err error) {
	names, err := stackfile.Names(dir)
	if err != nil {
		return nil, nil, err
	}
	if len(names) == 0 {
		return nil, nil, fmt.Errorf("no Pulumi.<stack>.yaml in %s: nothing to deploy", dir)
	}
	var problems []string
	suffixes := map[string]string{}
	for _, name := range names {
		file := "Pulumi." + name + ".yaml"
		cfg, err := load(dir, name)
		if err != nil {
			problems = append(problems, fmt.Sprintf("%s: %v", file, err))
			continue
		}
		if cfg.Account.ManagedElsewhere {
			skipped = append(skipped, file)
			continue
		}
		ci, problem := trust(dir, cfg)
		if problem != "" {
			problems = append(problems, file+": "+problem)
			continue
		}
		suffix := SecretSuffix(name)
		if other, ok := suffixes[suffix]; ok {
			problems = append(problems, fmt.Sprintf("%s: its secrets would be named *_%s like those of Pulumi.%s.yaml; rename one stack", file, suffix, other))
			continue
		}
		suffixes[suffix] = name
		account := ci.AWSAccount()
		entries = append(entries, Entry{
			Stack:       name,
			Environment: name,
			Region:      cfg.Region,
			Account:     cfg.AccountID,
			DeployRole:  account.RoleARN(components.DeployRoleName),
			PreviewRole: account.RoleARN(components.PreviewRoleName),
			DriftRole:   account.RoleARN(components.DriftRoleName),
			Secret:      suffix,
			Backend:     backend(ci),
		})
	}
	if len(problems) > 0 {
		return nil, nil, fmt.Errorf("the workflows cannot deploy every stack:\n  %s", strings.Join(problems, "\n  "))
	}
	return entries, skipped, nil
}

func load(dir, name string) (*config.Config, error) {
	st, err := stackfile.Load(dir, name)
	if err != nil {
		return nil, err
	}
	return config.Load(name, config.MapGetter(st.Config))
}

// trust returns the stack of cfg's account that creates the CI roles (secure-aws:ci), or
// why the deploy role of cfg's account would refuse cfg's deploy job.
func trust(dir string, cfg *config.Config) (*config.Config, string) {
	others, _ := program.AccountStacks(dir, cfg) // an unreadable file is reported on its own
	for _, c := range append([]*config.Config{cfg}, others...) {
		if c.CI == nil {
			continue
		}
		if !slices.Contains(c.CI.Environments, cfg.Stack) {
			return nil, fmt.Sprintf("%s's secure-aws:ci.environments does not list %q: the deploy role of account %s would refuse its deploy job (add it there)", c.StackFile, cfg.Stack, cfg.AccountID)
		}
		return c, ""
	}
	return nil, fmt.Sprintf("no stack of account %s sets secure-aws:ci, so the account has no CI roles to deploy it with: set secure-aws:ci in the stack that manages the account", cfg.AccountID)
}

// backend is the state backend URL of the stacks whose CI roles ci creates, if it is their
// S3 state bucket.
func backend(ci *config.Config) string {
	if ci.CI.StateBucket == "" {
		return ""
	}
	return "s3://" + ci.CI.StateBucket + "?region=" + ci.Region
}

// SecretSuffix is the stack's part of its GitHub secrets' names: GitHub allows letters,
// digits and underscores and ignores case.
func SecretSuffix(stack string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z':
			return r - 'a' + 'A'
		case r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
			return r
		}
		return '_'
	}, stack)
}
