package plan

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// The policy documents of a plan repeat themselves: every machine principal carries the
// same deny of the destructive S3 actions, every console group the same MFA statements.
// A reviewer reads each such statement, and each long action list several statements
// share, once: the documents name it ("shared: <name>") where it stands, and the plan
// prints it under that name. Only what at least two places carry is shared, so a change
// to one principal's copy shows in that principal's document.

// minSharedList is the least number of actions a list needs to be worth sharing.
const minSharedList = 5

// document is one policy document of the plan, as indented JSON lines.
type document struct {
	title string   // how the plan heads it
	lines []string // json.Indent of the text; the text itself when it is not JSON
	json  bool
	// statements are the line ranges [start, end) of each statement in lines.
	statements [][2]int
}

// newDocument indents text and finds its statements (the objects of the top-level
// "Statement" list, which the program always writes as a list).
func newDocument(title, text string) document {
	var out bytes.Buffer
	if err := json.Indent(&out, []byte(text), "", "  "); err != nil {
		return document{title: title, lines: []string{text}}
	}
	d := document{title: title, lines: strings.Split(out.String(), "\n"), json: true}
	in := false
	for i, l := range d.lines {
		switch {
		case l == `  "Statement": [`:
			in = true
		case in && l == "    {":
			d.statements = append(d.statements, [2]int{i, -1})
		case in && (l == "    }" || l == "    },") && len(d.statements) > 0:
			d.statements[len(d.statements)-1][1] = i + 1
		case in && strings.HasPrefix(l, "  ]"):
			in = false
		}
	}
	d.statements = slices.DeleteFunc(d.statements, func(s [2]int) bool { return s[1] < 0 })
	return d
}

// statementText is a statement's lines without the comma that separates it from the next.
func (d document) statementText(s [2]int) string {
	return strings.TrimSuffix(strings.Join(d.lines[s[0]:s[1]], "\n"), ",")
}

// sid reads the Sid of the statement in text.
func sid(text string) string {
	for _, l := range strings.Split(text, "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(l), `"Sid": "`); ok {
			return strings.TrimSuffix(strings.TrimSuffix(v, ","), `"`)
		}
	}
	return "statement"
}

// shared is a statement or action list printed once, and where it is used.
type shared struct {
	name  string
	text  string   // the statement's JSON, or the actions one per line
	count int      // how many actions, for a list
	users []string // titles of the documents that use it
}

// sharing names the statements and the action lists used in more than one place.
type sharing struct {
	statements, lists []*shared
	byText            map[string]*shared // statement text or list key -> its entry
}

// share finds, across docs, the statements that two or more documents carry whole, and
// then the action lists of minSharedList or more actions that two or more of the
// remaining places carry (each shared statement counts once).
func share(docs []document) sharing {
	sh := sharing{byText: map[string]*shared{}}
	names := map[string]bool{}
	unique := func(base string) string {
		name := base
		for i := 2; names[name]; i++ {
			name = fmt.Sprintf("%s (%d)", base, i)
		}
		names[name] = true
		return name
	}
	users := map[string][]string{}
	var order []string
	for _, d := range docs {
		for _, s := range d.statements {
			text := d.statementText(s)
			if _, seen := users[text]; !seen {
				order = append(order, text)
			}
			if !slices.Contains(users[text], d.title) {
				users[text] = append(users[text], d.title)
			}
		}
	}
	var printed []string // every statement as the plan prints it: shared ones once
	for _, text := range order {
		if len(users[text]) < 2 {
			continue
		}
		e := &shared{name: unique(sid(text) + "#" + contentHash(text)), text: text, users: users[text]}
		sh.statements = append(sh.statements, e)
		sh.byText[text] = e
		printed = append(printed, text)
	}
	listUsers := map[string][]string{}
	listSid := map[string]string{} // the name of the list: <Sid>.<Action or NotAction> of its first use
	var listOrder []string
	for _, d := range docs {
		for _, s := range d.statements {
			text := d.statementText(s)
			if sh.byText[text] == nil {
				printed = append(printed, text)
			}
		}
	}
	for _, text := range printed {
		for _, l := range actionLists(strings.Split(text, "\n")) {
			if _, seen := listUsers[l.key]; !seen {
				listOrder = append(listOrder, l.key)
				listSid[l.key] = sid(text) + "." + l.field
			}
			listUsers[l.key] = append(listUsers[l.key], sid(text))
		}
	}
	for _, key := range listOrder {
		if len(listUsers[key]) < 2 {
			continue
		}
		actions := strings.Split(key, "\n")
		e := &shared{name: unique(listSid[key] + "#" + contentHash(key)), text: key, count: len(actions), users: listUsers[key]}
		sh.lists = append(sh.lists, e)
		sh.byText["list\x00"+key] = e
	}
	return sh
}

// actionList is an "Action" or "NotAction" list in a statement's lines: lines
// [start, end) hold it, key is its actions one per line.
type actionList struct {
	start, end int
	field      string // Action or NotAction
	key        string
}

// actionLists finds the action lists of minSharedList or more actions in lines.
func actionLists(lines []string) []actionList {
	var out []actionList
	for i := 0; i < len(lines); i++ {
		field, isList := strings.CutSuffix(strings.TrimSpace(lines[i]), `": [`)
		field = strings.TrimPrefix(field, `"`)
		if !isList || field != "Action" && field != "NotAction" {
			continue
		}
		var actions []string
		j := i + 1
		for ; j < len(lines) && !strings.HasPrefix(strings.TrimSpace(lines[j]), "]"); j++ {
			var a string
			if err := json.Unmarshal([]byte(strings.TrimSuffix(strings.TrimSpace(lines[j]), ",")), &a); err != nil {
				actions = nil
				break
			}
			actions = append(actions, a)
		}
		if len(actions) >= minSharedList && j < len(lines) {
			out = append(out, actionList{start: i, end: j + 1, field: field, key: strings.Join(actions, "\n")})
		}
		i = j
	}
	return out
}

// withLists replaces the shared action lists in lines by their names.
func (sh sharing) withLists(lines []string) []string {
	var out []string
	last := 0
	for _, l := range actionLists(lines) {
		e := sh.byText["list\x00"+l.key]
		if e == nil {
			continue
		}
		out = append(out, lines[last:l.start]...)
		head, _, _ := strings.Cut(lines[l.start], "[")
		tail := strings.TrimPrefix(strings.TrimSpace(lines[l.end-1]), "]")
		out = append(out, fmt.Sprintf("%s%q%s", head, fmt.Sprintf("shared: %s (%d)", e.name, e.count), tail))
		last = l.end
	}
	return append(out, lines[last:]...)
}

// render is d as the plan prints it: each shared statement as its name, each shared
// action list as its name.
func (sh sharing) render(d document) string {
	if !d.json {
		return strings.Join(d.lines, "\n")
	}
	var out []string
	last := 0
	for _, s := range d.statements {
		e := sh.byText[d.statementText(s)]
		if e == nil {
			continue
		}
		out = append(out, d.lines[last:s[0]]...)
		comma := ""
		if strings.HasSuffix(d.lines[s[1]-1], ",") {
			comma = ","
		}
		out = append(out, fmt.Sprintf("    %q%s", "shared: "+e.name, comma))
		last = s[1]
	}
	out = append(out, d.lines[last:]...)
	return strings.Join(sh.withLists(out), "\n")
}

// write prints the shared statements and action lists, each once, with the documents
// that use them.
func (sh sharing) write(b *strings.Builder) {
	if len(sh.statements) > 0 {
		b.WriteString("\n### Shared statements\n\nEach is in every document named after it (`\"shared: <name>\"` in the document).\n")
		for _, e := range sh.statements {
			lines := sh.withLists(strings.Split(e.text, "\n"))
			for i, l := range lines {
				lines[i] = strings.TrimPrefix(l, "    ") // as a statement stands alone
			}
			fmt.Fprintf(b, "\n#### %s\n\nIn %s.\n\n```json\n%s\n```\n", e.name, strings.Join(e.users, ", "), strings.Join(lines, "\n"))
		}
	}
	if len(sh.lists) > 0 {
		b.WriteString("\n### Shared action lists\n\nEach stands where a statement names it (`\"shared: <name> (<count>)\"`).\n")
		for _, e := range sh.lists {
			fmt.Fprintf(b, "\n#### %s\n\n%d actions, in %d statements (%s):\n\n```\n%s\n```\n", e.name, e.count, len(e.users), strings.Join(slices.Compact(slices.Sorted(slices.Values(e.users))), ", "), e.text)
		}
	}
}

// contentHash is 4 hex digits of text's SHA-256: part of a shared entry's name, so that a
// document whose shared statement keeps its Sid but changes content changes its reference
// line too, and a line diff of the plan shows it.
func contentHash(text string) string {
	sum := sha256.Sum256([]byte(text))
	return fmt.Sprintf("%x", sum[:2])
}
