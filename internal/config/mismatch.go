package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
)

// mismatches finds what in raw, the value of the setting at path, does not fit typ as
// the loader decodes it (strictUnmarshal): each unknown field and each value of the wrong
// type, under its full path with list indices, in the words of a YAML file. encoding/json
// names only the first, drops list indices from its path and calls a number a mapping.
func mismatches(path, raw string, typ reflect.Type) []Problem {
	var out []Problem
	v := []byte(raw)
	if !json.Valid(v) {
		// The engine passes a plain value as text, not JSON.
		v, _ = json.Marshal(raw)
	}
	walk(&out, path, v, typ)
	return out
}

var unmarshalerType = reflect.TypeFor[json.Unmarshaler]()

func walk(out *[]Problem, path string, raw []byte, t reflect.Type) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return // encoding/json leaves the value as it is
	}
	add := func(format string, args ...any) {
		*out = append(*out, Problem{path, fmt.Sprintf(format, args...)})
	}
	if reflect.PointerTo(t).Implements(unmarshalerType) {
		err := json.Unmarshal(raw, reflect.New(t).Interface())
		if err == nil {
			return
		}
		var typeErr *json.UnmarshalTypeError
		if !errors.As(err, &typeErr) && (raw[0] != '{' || len(fields(t)) == 0) {
			// The type's own message: an external bucket as a bare name, account ids.
			add("%s", strings.TrimPrefix(err.Error(), "json: "))
			return
		}
	}
	if want := kind(t); want != "" && want != jsonKind(raw) {
		add("must be %s, not %s%s", expected(t), given(raw), hint(want, raw))
		return
	}
	switch t.Kind() {
	case reflect.Struct:
		fields := jsonFields(t)
		for _, m := range members(raw) {
			f, ok := fields.find(m.name)
			if !ok {
				msg := "is not a setting here"
				if hint, ok := renamed[path+"."+m.name]; ok {
					msg = hint
				} else if near := nearest(m.name, fields.names()); near != "" {
					msg += "; did you mean " + near + "?"
				} else {
					msg += fmt.Sprintf(" (settings: %s)", strings.Join(fields.names(), ", "))
				}
				*out = append(*out, Problem{path + "." + m.name, msg})
				continue
			}
			walk(out, path+"."+m.name, m.value, f.Type)
		}
	case reflect.Map:
		for _, m := range members(raw) {
			walk(out, path+"."+m.name, m.value, t.Elem())
		}
	case reflect.Slice, reflect.Array:
		var items []json.RawMessage
		_ = json.Unmarshal(raw, &items) // a list, as kind checked
		for i, item := range items {
			walk(out, fmt.Sprintf("%s[%d]", path, i), item, t.Elem())
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		if _, err := strconv.ParseInt(string(raw), 10, t.Bits()); err != nil {
			add("must be %s, not %s", expected(t), raw)
		}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		if _, err := strconv.ParseUint(string(raw), 10, t.Bits()); err != nil {
			add("must be %s, not %s", expected(t), raw)
		}
	case reflect.Float32, reflect.Float64:
		if _, err := strconv.ParseFloat(string(raw), t.Bits()); err != nil {
			add("must be %s, not %s", expected(t), raw)
		}
	}
}

// kind is the JSON kind a Go type decodes from ("" for any).
func kind(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Struct, reflect.Map:
		return "object"
	case reflect.Slice, reflect.Array:
		return "array"
	case reflect.String:
		return "string"
	case reflect.Bool:
		return "bool"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
		reflect.Float32, reflect.Float64:
		return "number"
	}
	return ""
}

// jsonKind is the kind of a JSON value.
func jsonKind(raw []byte) string {
	switch raw[0] {
	case '{':
		return "object"
	case '[':
		return "array"
	case '"':
		return "string"
	case 't', 'f':
		return "bool"
	}
	return "number"
}

// expected names what a Go type takes, as a YAML file writes it.
func expected(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Struct:
		return fmt.Sprintf("a mapping (key: value) of %s", strings.Join(jsonFields(t).names(), ", "))
	case reflect.Map:
		return "a mapping (key: value)"
	case reflect.Slice, reflect.Array:
		elem := t.Elem()
		for elem.Kind() == reflect.Pointer {
			elem = elem.Elem()
		}
		if elem.Kind() == reflect.Struct && len(jsonFields(elem)) > 0 {
			return fmt.Sprintf(`a list of mappings, one "- %s: …" entry each`, jsonFields(elem)[0].name)
		}
		return `a list, e.g. [first, second], or one "- item" line each`
	case reflect.String:
		return "text"
	case reflect.Bool:
		return "true or false"
	case reflect.Float32, reflect.Float64:
		return "a number"
	}
	return "a whole number"
}

// given names a JSON value as a YAML file writes it, with a scalar's value.
func given(raw []byte) string {
	switch jsonKind(raw) {
	case "object":
		return "a mapping"
	case "array":
		return "a list"
	case "string":
		return "text " + string(raw)
	}
	return string(raw)
}

// hint says how to write a scalar YAML read as another type than meant: quotes make
// numbers and true/false text, text that spells a number or true/false loses them, and a
// list of one needs its brackets.
func hint(want string, raw []byte) string {
	switch jsonKind(raw) {
	case "string":
		var s string
		_ = json.Unmarshal(raw, &s)
		if json.Valid([]byte(s)) && jsonKind(bytes.TrimSpace([]byte(s))) == want {
			return fmt.Sprintf("; write %s without quotes", s)
		}
	case "number", "bool":
		if want == "string" {
			return fmt.Sprintf(`; quote it to mean text: "%s"`, raw)
		}
	}
	if want == "array" && jsonKind(raw) != "object" {
		// Unquoted, so shortenQuoted does not see it: cut here.
		shown, _ := shorten(string(bytes.Trim(raw, `"`)))
		return fmt.Sprintf("; write [%s] for a list of one", shown)
	}
	return ""
}

// fields are the settings of t if it is a struct, else none.
func fields(t reflect.Type) fieldList {
	if t.Kind() != reflect.Struct {
		return nil
	}
	return jsonFields(t)
}

// field is one setting of a struct, by its name in the stack file.
type field struct {
	name string
	Type reflect.Type
}

type fieldList []field

// jsonFields lists the settings of a struct as encoding/json decodes them: tagged names,
// embedded structs' fields promoted.
func jsonFields(t reflect.Type) fieldList {
	var out fieldList
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		switch {
		case name == "-":
		case f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct:
			out = append(out, jsonFields(f.Type)...)
		case !f.IsExported():
		case name == "":
			out = append(out, field{f.Name, f.Type})
		default:
			out = append(out, field{name, f.Type})
		}
	}
	return out
}

func (l fieldList) names() []string {
	out := make([]string, len(l))
	for i, f := range l {
		out[i] = f.name
	}
	return out
}

// find matches a key to a field as encoding/json does: exactly, else ignoring case.
func (l fieldList) find(name string) (field, bool) {
	for _, f := range l {
		if f.name == name {
			return f, true
		}
	}
	for _, f := range l {
		if strings.EqualFold(f.name, name) {
			return f, true
		}
	}
	return field{}, false
}

// member is one key and value of a JSON object.
type member struct {
	name  string
	value json.RawMessage
}

// members lists the keys and values of a JSON object in the order the file has them.
func members(raw []byte) []member {
	dec := json.NewDecoder(bytes.NewReader(raw))
	if _, err := dec.Token(); err != nil {
		return nil
	}
	var out []member
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return out
		}
		var m member
		m.name, _ = tok.(string)
		if dec.Decode(&m.value) != nil {
			return out
		}
		out = append(out, m)
	}
	return out
}
