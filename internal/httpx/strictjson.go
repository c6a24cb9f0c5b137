package httpx

import (
	"bytes"
	"encoding"
	"encoding/json"
	"errors"
	"reflect"
	"strconv"
	"strings"
	"sync"

	"github.com/anyhour/anyhour/internal/apperr"
)

// checkKeys reads the JSON document in data and refuses two things that
// encoding/json accepts quietly: a key twice in one object (it keeps the
// last, so a proxy or a log that reads the first sees another request
// than the server does), and a name that matches a field of t only when
// case is ignored ({"Kind": …} for a field "kind"). Broken JSON is left
// for the decoder, whose messages say what is wrong with it.
func checkKeys(data []byte, t reflect.Type, at string) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	err := checkValue(dec, t, at)
	var bad *badKeyError
	if errors.As(err, &bad) {
		return bad.err
	}
	return nil
}

// badKeyError carries a refusal up through the walk, apart from the
// decoder's own errors, which checkKeys drops.
type badKeyError struct{ err error }

func (e *badKeyError) Error() string { return e.err.Error() }

// checkValue reads one value; t is the Go type it will be decoded into,
// or nil where any name goes (an interface, a type that decodes itself).
func checkValue(dec *json.Decoder, t reflect.Type, at string) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	t = plainType(t)
	switch tok {
	case json.Delim('{'):
		return checkObject(dec, t, at)
	case json.Delim('['):
		var elem reflect.Type
		if t != nil && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array) {
			elem = t.Elem()
		}
		for i := 0; dec.More(); i++ {
			if err := checkValue(dec, elem, at+"["+strconv.Itoa(i)+"]"); err != nil {
				return err
			}
		}
		_, err := dec.Token()
		return err
	}
	return nil
}

func checkObject(dec *json.Decoder, t reflect.Type, at string) error {
	var fields map[string]reflect.Type
	var elem reflect.Type
	intKeys := false
	switch {
	case t != nil && t.Kind() == reflect.Struct:
		fields = jsonFields(t)
	case t != nil && t.Kind() == reflect.Map:
		elem = t.Elem()
		switch t.Key().Kind() {
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
			intKeys = true
		}
	}
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		key, _ := tok.(string)
		path := key
		if at != "" {
			path = at + "." + key
		}
		// "7" and "07" are one key of a map keyed by numbers.
		same := key
		if n, err := strconv.ParseInt(key, 10, 64); intKeys && err == nil {
			same = strconv.FormatInt(n, 10)
		}
		if seen[same] {
			return &badKeyError{apperr.Invalid(path, "duplicate key %q: a key may appear only once in an object", path)}
		}
		seen[same] = true
		next := elem
		if fields != nil {
			ft, ok := fields[key]
			if !ok {
				for name := range fields {
					if strings.EqualFold(name, key) {
						return &badKeyError{apperr.Invalid(path, "unknown field %q: names are case-sensitive; did you mean %q?", path, name)}
					}
				}
				return &badKeyError{apperr.Invalid(path, "unknown field %q", path)}
			}
			next = ft
		}
		if err := checkValue(dec, next, path); err != nil {
			return err
		}
	}
	_, err := dec.Token()
	return err
}

var (
	jsonUnmarshaler = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()
)

// plainType removes pointers from t, and returns nil for a type whose
// names cannot be known: an interface, or one that decodes itself.
func plainType(t reflect.Type) reflect.Type {
	if t == nil {
		return nil
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() == reflect.Interface || reflect.PointerTo(t).Implements(jsonUnmarshaler) || reflect.PointerTo(t).Implements(textUnmarshaler) {
		return nil
	}
	return t
}

var fieldCache sync.Map // reflect.Type → map[string]reflect.Type

// jsonFields returns the JSON names of struct type t with their types, as
// encoding/json decodes them: json tags, "-" left out, the fields of
// embedded structs promoted unless an outer field has the name.
func jsonFields(t reflect.Type) map[string]reflect.Type {
	if f, ok := fieldCache.Load(t); ok {
		return f.(map[string]reflect.Type)
	}
	out := map[string]reflect.Type{}
	level := []reflect.Type{t}
	for depth := 0; len(level) > 0 && depth < 10; depth++ {
		var next []reflect.Type
		found := map[string]reflect.Type{}
		for _, st := range level {
			for i := range st.NumField() {
				f := st.Field(i)
				tag := f.Tag.Get("json")
				if tag == "-" {
					continue
				}
				name, _, _ := strings.Cut(tag, ",")
				if f.Anonymous && name == "" {
					if et := derefType(f.Type); et.Kind() == reflect.Struct {
						next = append(next, et)
						continue
					}
				}
				if !f.IsExported() {
					continue
				}
				if name == "" {
					name = f.Name
				}
				if _, outer := out[name]; !outer {
					found[name] = f.Type
				}
			}
		}
		for name, ft := range found {
			out[name] = ft
		}
		level = next
	}
	fieldCache.Store(t, out)
	return out
}

func derefType(t reflect.Type) reflect.Type {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t
}
