// Package stackfile reads Pulumi.yaml and Pulumi.<stack>.yaml with the Pulumi SDK's own
// loaders and returns the configuration as the engine hands it to the program: full keys
// ("secure-aws:apps") and structured values as JSON text. Tests and the offline plan use
// it, so they run the program on exactly what `pulumi up` would.
//
// Before it runs a program, the Pulumi CLI merges the project's declared config into the
// stack's and validates the result (pkg/v3/workspace.ValidateStackConfigAndApplyProjectConfig,
// in a module this one does not import): a project-namespaced key declared without a
// default or value is required, a declared default or value fills a key the stack leaves
// out, and a typed key's value must have its type. Load does the same, with the CLI's
// messages; the real-engine tests (internal/testsupport/enginetest) hold the two equal on every stack
// file of the repository.
package stackfile

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/config"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"
)

// InvalidError is a project or stack file the CLI would refuse before running the
// program: missing, not valid YAML, or a configuration its declarations do not allow.
type InvalidError struct{ Err error }

func (e *InvalidError) Error() string { return e.Err.Error() }
func (e *InvalidError) Unwrap() error { return e.Err }

// Stack is one stack file's configuration.
type Stack struct {
	Name   string
	Config map[string]string
}

// Load reads the project in dir and the configuration of stack, merged with the project's
// declared config and validated as the CLI does before `pulumi preview` or `pulumi up`.
// Every error it returns is an *InvalidError.
func Load(dir, stack string) (*Stack, error) {
	st, err := load(dir, stack)
	if err != nil {
		return nil, &InvalidError{Err: err}
	}
	return st, nil
}

func load(dir, stack string) (*Stack, error) {
	project, err := workspace.LoadProject(filepath.Join(dir, "Pulumi.yaml"))
	if err != nil {
		return nil, fmt.Errorf("loading Pulumi.yaml: %w", err)
	}
	path := filepath.Join(dir, "Pulumi."+stack+".yaml")
	// The CLI's own rule (tokens.ParseStackName, which `pulumi stack init` applies): a stack
	// it could not create is no stack, and its name is printed into the plan comment.
	if _, err := tokens.ParseStackName(stack); err != nil {
		return nil, fmt.Errorf("stack file %q: %w", filepath.Base(path), err)
	}
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return nil, missingStackError(dir, stack)
	} else if err != nil {
		return nil, fmt.Errorf("loading stack %s: %w", stack, err)
	}
	ps, err := workspace.LoadProjectStack(nil, project, path)
	if err != nil {
		if strings.Contains(err.Error(), "invalid YAML file") {
			// The parser names the line where it gave up, often the line of the section a
			// mis-indented paste sits in, not the pasted line.
			return nil, fmt.Errorf("loading %s: %w; %s", filepath.Base(path), err, indentHint(path))
		}
		return nil, fmt.Errorf("loading %s: %w", filepath.Base(path), err)
	}
	if ps.Environment != nil && len(ps.Environment.Imports()) > 0 {
		// The CLI merges a Pulumi ESC environment's values in first; offline there is none.
		return nil, fmt.Errorf("%s imports Pulumi ESC environments (environment:), which the offline plan and the tests cannot read: set the values in the stack file", filepath.Base(path))
	}
	if err := applyProjectConfig(stack, project, ps.Config); err != nil {
		return nil, fmt.Errorf("validating stack config: %w", err)
	}
	values, err := ps.Config.Decrypt(config.NopDecrypter)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", filepath.Base(path), err)
	}
	out := &Stack{Name: stack, Config: map[string]string{}}
	for k, v := range values {
		out.Config[k.String()] = v
	}
	return out, nil
}

// applyProjectConfig fills stackConfig with the project's declared defaults and values,
// then checks that no required key is missing and that every typed key has its type.
func applyProjectConfig(stack string, project *workspace.Project, stackConfig config.Map) error {
	var missing []string
	for _, name := range slices.Sorted(maps.Keys(project.Config)) {
		decl := project.Config[name]
		k, err := projectKey(project, name)
		if err != nil {
			return err
		}
		if _, onStack := stackConfig[k]; onStack {
			continue
		}
		declared := decl.Value
		if decl.Default != nil {
			declared = decl.Default
		}
		if declared == nil {
			if k.Namespace() == project.Name.String() {
				missing = append(missing, name)
			}
			continue
		}
		v, err := configValue(declared)
		if err != nil {
			return fmt.Errorf("the declared default of %s: %w", name, err)
		}
		stackConfig[k] = v
	}
	if len(missing) > 0 {
		return missingKeysError(stack, missing)
	}
	for _, name := range slices.Sorted(maps.Keys(project.Config)) {
		if err := checkType(stack, project, name, stackConfig); err != nil {
			return err
		}
	}
	return nil
}

// projectKey is the full key of a declared name: names without a namespace are the
// project's.
func projectKey(project *workspace.Project, name string) (config.Key, error) {
	if strings.Contains(name, ":") {
		return config.ParseKey(name)
	}
	return config.MustMakeKey(project.Name.String(), name), nil
}

// configValue turns a declared default into a config value as the CLI stores it: strings,
// whole numbers and booleans as text, anything else as JSON.
func configValue(raw any) (config.Value, error) {
	switch raw.(type) {
	case string, int, bool:
		return config.NewValue(fmt.Sprint(raw)), nil
	}
	simple, err := workspace.SimplifyMarshalledValue(raw)
	if err != nil {
		return config.Value{}, err
	}
	text, err := json.Marshal(simple)
	if err != nil {
		return config.Value{}, err
	}
	return config.NewObjectValue(string(text)), nil
}

// missingStackError says that stack has no stack file in dir, and which stacks do: a
// misspelt stack name then shows its right spelling.
func missingStackError(dir, stack string) error {
	there := "it has no Pulumi.<stack>.yaml at all"
	if names, err := Names(dir); err == nil && len(names) > 0 {
		there = "its stacks are " + strings.Join(names, ", ")
	}
	return fmt.Errorf("no stack %q: there is no Pulumi.%s.yaml in %s, and %s", stack, stack, dir, there)
}

// missingKeysError says which required keys the stack lacks, in the CLI's words.
func missingKeysError(stack string, keys []string) error {
	quoted := make([]string, len(keys))
	for i, k := range keys {
		quoted[i] = "'" + k + "'"
	}
	if len(quoted) == 1 {
		return fmt.Errorf("Stack '%s' is missing configuration value %s", stack, quoted[0])
	}
	last := len(quoted) - 1
	return fmt.Errorf("Stack '%s' is missing configuration values %s and %s", stack, strings.Join(quoted[:last], ", "), quoted[last])
}

// checkType applies the project's declared type (and secrecy) to the value of one key.
func checkType(stack string, project *workspace.Project, name string, stackConfig config.Map) error {
	decl := project.Config[name]
	if !decl.IsExplicitlyTyped() {
		return nil
	}
	k, err := projectKey(project, name)
	if err != nil {
		return err
	}
	v := stackConfig[k]
	if decl.Secret && !v.Secure() {
		return fmt.Errorf("Stack '%s' with configuration key '%s' must be encrypted as it's secret", stack, name)
	}
	if v.Secure() {
		// The CLI checks the decrypted value; without the stack's passphrase there is only
		// ciphertext. (The program declares no secret key.)
		return nil
	}
	text, err := v.Value(config.NopDecrypter)
	if err != nil {
		return err
	}
	var content any = text
	if v.Object() {
		if err := json.Unmarshal([]byte(text), &content); err != nil {
			return err
		}
	}
	if !workspace.ValidateConfigValue(decl.TypeName(), decl.Items, content) {
		return fmt.Errorf("Stack '%s' with configuration key '%s' must be of type '%s'", stack, name, workspace.InferFullTypeName(decl.TypeName(), decl.Items))
	}
	return nil
}

// Names lists the stacks that have a Pulumi.<stack>.yaml in dir, sorted.
func Names(dir string) ([]string, error) {
	matches, err := filepath.Glob(filepath.Join(dir, "Pulumi.*.yaml"))
	if err != nil {
		return nil, err
	}
	var names []string
	for _, m := range matches {
		names = append(names, strings.TrimSuffix(strings.TrimPrefix(filepath.Base(m), "Pulumi."), ".yaml"))
	}
	slices.Sort(names)
	return names, nil
}

// indentHint names the first list entry of the stack file at path whose indentation
// differs from the first entry under the same key, the usual cause of a YAML error after a
// paste, or says how entries are indented if none does.
func indentHint(path string) string {
	const general = "list entries under `secure-aws:<key>` are indented 4 spaces, then `- `; check the lines you pasted"
	data, err := os.ReadFile(path)
	if err != nil {
		return general
	}
	type line struct {
		no, indent int
		text       string
	}
	var ls []line
	for i, l := range strings.Split(string(data), "\n") {
		text := strings.TrimLeft(l, " ")
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		ls = append(ls, line{i + 1, len(l) - len(text), strings.TrimRight(text, " \r")})
	}
	for i, l := range ls {
		if !strings.HasPrefix(l.text, "- ") && l.text != "-" {
			continue
		}
		// The key the entry belongs to: the nearest line before it that is less indented,
		// or a key at the same indentation ("key:" then "- entry" is YAML too).
		for j := i - 1; j >= 0; j-- {
			p := ls[j]
			if p.indent > l.indent || (p.indent == l.indent && strings.HasPrefix(p.text, "- ")) {
				continue
			}
			if first := ls[j+1]; strings.HasSuffix(p.text, ":") && first.indent != l.indent {
				return fmt.Sprintf("line %d is indented %d spaces, but the entries under %s (from line %d) %d: %s", l.no, l.indent, strings.TrimSuffix(p.text, ":"), first.no, first.indent, general)
			}
			break
		}
	}
	return general
}
