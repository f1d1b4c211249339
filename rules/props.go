package rules

import (
	"github.com/pulumi/pulumi/sdk/v3/go/property"
)

// value walks path through maps and returns the value there; ok is false when any step is
// missing, unknown or of another shape.
func value(m property.Map, path ...string) (property.Value, bool) {
	v := property.New(m)
	for _, p := range path {
		if v.IsComputed() || !v.IsMap() {
			return property.Value{}, false
		}
		next, ok := v.AsMap().GetOk(p)
		if !ok {
			return property.Value{}, false
		}
		v = next
	}
	if v.IsComputed() || v.IsNull() {
		return property.Value{}, false
	}
	return v, true
}

// known reports whether the value at path is known (present or absent, but not computed).
func known(m property.Map, path ...string) bool {
	v := property.New(m)
	for _, p := range path {
		if v.IsComputed() {
			return false
		}
		if !v.IsMap() {
			return true
		}
		next, ok := v.AsMap().GetOk(p)
		if !ok {
			return true
		}
		v = next
	}
	return !v.HasComputed()
}

// str returns the string at path.
func str(m property.Map, path ...string) (string, bool) {
	v, ok := value(m, path...)
	if !ok || !v.IsString() {
		return "", false
	}
	return v.AsString(), true
}

// boolean returns the bool at path.
func boolean(m property.Map, path ...string) (bool, bool) {
	v, ok := value(m, path...)
	if !ok || !v.IsBool() {
		return false, false
	}
	return v.AsBool(), true
}

// number returns the number at path.
func number(m property.Map, path ...string) (float64, bool) {
	v, ok := value(m, path...)
	if !ok || !v.IsNumber() {
		return 0, false
	}
	return v.AsNumber(), true
}

// mapsAt returns the maps in the list at path, skipping anything else.
func mapsAt(m property.Map, path ...string) []property.Map {
	v, ok := value(m, path...)
	if !ok || !v.IsArray() {
		return nil
	}
	var out []property.Map
	for _, e := range v.AsArray().AsSlice() {
		if e.IsMap() {
			out = append(out, e.AsMap())
		}
	}
	return out
}

// strs returns the strings in the list at path.
func strs(m property.Map, path ...string) []string {
	v, ok := value(m, path...)
	if !ok || !v.IsArray() {
		return nil
	}
	var out []string
	for _, e := range v.AsArray().AsSlice() {
		if e.IsString() {
			out = append(out, e.AsString())
		}
	}
	return out
}
