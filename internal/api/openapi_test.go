package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// openapiDoc is the embedded document, decoded once.
var openapiDoc = sync.OnceValue(func() map[string]any {
	var doc map[string]any
	dec := json.NewDecoder(bytes.NewReader(openapiJSON))
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil {
		panic(err)
	}
	return doc
})

// routeMux matches a request to a route pattern the way Register does.
var routeMux = sync.OnceValue(func() *http.ServeMux {
	mux := http.NewServeMux()
	for _, rt := range (&Server{}).routes() {
		mux.Handle(rt.method+" "+rt.pattern, http.NotFoundHandler())
	}
	return mux
})

var operationMethods = []string{"get", "put", "post", "delete", "patch", "head", "options", "trace"}

// TestOpenAPIDescribesEveryRoute holds the document to the route table:
// the same (method, path) pairs, each with the security its route checks
// and its path parameters described.
func TestOpenAPIDescribesEveryRoute(t *testing.T) {
	t.Parallel()
	doc := openapiDoc()
	var documented []string
	for path, item := range doc["paths"].(map[string]any) {
		for _, m := range operationMethods {
			if _, ok := item.(map[string]any)[m]; ok {
				documented = append(documented, strings.ToUpper(m)+" "+path)
			}
		}
	}
	var registered []string
	for _, rt := range (&Server{}).routes() {
		registered = append(registered, rt.method+" "+rt.pattern)
	}
	slices.Sort(documented)
	slices.Sort(registered)
	if diff := cmp.Diff(registered, documented); diff != "" {
		t.Fatalf("routes (-registered +documented):\n%s", diff)
	}

	wantSecurity := map[auth]string{authNone: `[]`, authTeam: `[{"apiToken":[]}]`, authCandidate: `[{"invitationToken":[]}]`,
		authEither: `[{"apiToken":[]},{"invitationToken":[]}]`}
	pathParam := regexp.MustCompile(`\{([a-z_]+)\}`)
	for _, rt := range (&Server{}).routes() {
		item := doc["paths"].(map[string]any)[rt.pattern].(map[string]any)
		op := item[strings.ToLower(rt.method)].(map[string]any)
		sec, _ := json.Marshal(op["security"])
		if string(sec) != wantSecurity[rt.auth] {
			t.Errorf("%s %s: security %s, want %s", rt.method, rt.pattern, sec, wantSecurity[rt.auth])
		}
		for _, m := range pathParam.FindAllStringSubmatch(rt.pattern, -1) {
			if !hasPathParam(item, m[1]) && !hasPathParam(op, m[1]) {
				t.Errorf("%s %s: path parameter %s is not described", rt.method, rt.pattern, m[1])
			}
		}
	}
}

func hasPathParam(node map[string]any, name string) bool {
	params, _ := node["parameters"].([]any)
	for _, p := range params {
		p := p.(map[string]any)
		if p["in"] == "path" && p["name"] == name {
			return true
		}
	}
	return false
}

// TestRegisterServesEveryRoute checks that Register mounts each route of
// the table at its pattern, next to another package's routes.
func TestRegisterServesEveryRoute(t *testing.T) {
	t.Parallel()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(http.ResponseWriter, *http.Request) {}) // as web does
	New(Services{}, Config{}, nil).Register(mux)
	for _, rt := range (&Server{}).routes() {
		path := strings.NewReplacer("{id}", "7", "{step_id}", "8").Replace(rt.pattern)
		_, pattern := mux.Handler(httptest.NewRequest(rt.method, path, nil))
		if want := rt.method + " " + rt.pattern; pattern != want {
			t.Errorf("%s %s is served by %q, want %q", rt.method, path, pattern, want)
		}
	}
}

// TestOpenAPIReferencesResolve checks that every $ref points somewhere and
// every required property of a schema is one of its properties.
func TestOpenAPIReferencesResolve(t *testing.T) {
	t.Parallel()
	doc := openapiDoc()
	var walk func(at string, v any)
	walk = func(at string, v any) {
		switch x := v.(type) {
		case map[string]any:
			if ref, ok := x["$ref"].(string); ok {
				if resolve(doc, ref) == nil {
					t.Errorf("%s: $ref %s does not resolve", at, ref)
				}
			}
			if req, ok := x["required"].([]any); ok {
				props, _ := x["properties"].(map[string]any)
				for _, name := range req {
					if _, ok := props[name.(string)]; !ok && x["allOf"] == nil && props != nil {
						t.Errorf("%s: required %s is not a property", at, name)
					}
				}
			}
			for k, c := range x {
				walk(at+"/"+k, c)
			}
		case []any:
			for i, c := range x {
				walk(at+"/"+strconv.Itoa(i), c)
			}
		}
	}
	walk("#", doc)
	if doc["openapi"] != "3.1.0" {
		t.Errorf("openapi = %v", doc["openapi"])
	}
}

// resolve follows a local $ref such as #/components/schemas/Job.
func resolve(doc map[string]any, ref string) map[string]any {
	var v any = doc
	for _, part := range strings.Split(strings.TrimPrefix(ref, "#/"), "/") {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[part]
	}
	m, _ := v.(map[string]any)
	return m
}

// conformsToOpenAPI checks a response against the document: its status is
// documented for the route (or covered by "default"), and its body matches
// the schema given for it. Responses of no route (404, 405) are errors.
func conformsToOpenAPI(t *testing.T, method, path string, r *result) {
	t.Helper()
	doc := openapiDoc()
	u, _, _ := strings.Cut(path, "?")
	_, pattern := routeMux().Handler(httptest.NewRequest(method, u, nil))
	var schema any = map[string]any{"$ref": "#/components/schemas/Error"}
	if pattern != "" {
		m, p, _ := strings.Cut(pattern, " ")
		op := doc["paths"].(map[string]any)[p].(map[string]any)[strings.ToLower(m)].(map[string]any)
		responses := op["responses"].(map[string]any)
		resp, ok := responses[strconv.Itoa(r.status)].(map[string]any)
		if !ok {
			resp, ok = responses["default"].(map[string]any)
		}
		if !ok {
			t.Errorf("openapi: %s has no response %d", pattern, r.status)
			return
		}
		if ref, ok := resp["$ref"].(string); ok {
			resp = resolve(doc, ref)
		}
		content, _ := resp["content"].(map[string]any)
		if content == nil {
			if len(r.body) != 0 {
				t.Errorf("openapi: %s %d has no body, got %s", pattern, r.status, r.body)
			}
			return
		}
		schema = content["application/json"].(map[string]any)["schema"]
	}
	if r.json == nil {
		t.Errorf("openapi: %s %s %d: the body is not JSON: %s", method, path, r.status, r.body)
		return
	}
	for _, e := range validate(doc, schema, r.json, "$") {
		t.Errorf("openapi: %s %s %d: %s", method, path, r.status, e)
	}
}

// validate checks v against the subset of JSON Schema the document uses:
// $ref, allOf, type (with "null"), enum, properties, required,
// additionalProperties, items and the date-time format (RFC 3339, UTC).
func validate(doc map[string]any, schema any, v any, at string) []string {
	s, _ := schema.(map[string]any)
	if ref, ok := s["$ref"].(string); ok {
		return validate(doc, resolve(doc, ref), v, at)
	}
	var errs []string
	if all, ok := s["allOf"].([]any); ok {
		for _, sub := range all {
			errs = append(errs, validate(doc, sub, v, at)...)
		}
	}
	if typ, ok := s["type"]; ok && !typeMatches(typ, v) {
		return append(errs, fmt.Sprintf("%s: want type %v, got %T %v", at, typ, v, v))
	}
	if enum, ok := s["enum"].([]any); ok && !slices.Contains(enum, v) {
		errs = append(errs, fmt.Sprintf("%s: %v is not one of %v", at, v, enum))
	}
	switch x := v.(type) {
	case map[string]any:
		props, _ := s["properties"].(map[string]any)
		req, _ := s["required"].([]any)
		for _, name := range req {
			if _, ok := x[name.(string)]; !ok {
				errs = append(errs, fmt.Sprintf("%s: required %s is missing", at, name))
			}
		}
		for k, val := range x {
			if p, ok := props[k]; ok {
				errs = append(errs, validate(doc, p, val, at+"."+k)...)
				continue
			}
			switch ap := s["additionalProperties"].(type) {
			case bool:
				if !ap {
					errs = append(errs, fmt.Sprintf("%s: %s is not in the schema", at, k))
				}
			case map[string]any:
				errs = append(errs, validate(doc, ap, val, at+"."+k)...)
			}
		}
	case []any:
		if items, ok := s["items"]; ok {
			for i, val := range x {
				errs = append(errs, validate(doc, items, val, at+"["+strconv.Itoa(i)+"]")...)
			}
		}
	case string:
		if s["format"] == "date-time" {
			if _, err := time.Parse(time.RFC3339, x); err != nil || !strings.HasSuffix(x, "Z") {
				errs = append(errs, fmt.Sprintf("%s: %q is not an RFC 3339 UTC time", at, x))
			}
		}
	}
	return errs
}

func typeMatches(typ any, v any) bool {
	if list, ok := typ.([]any); ok {
		return slices.ContainsFunc(list, func(t any) bool { return typeMatches(t, v) })
	}
	switch typ {
	case "object":
		_, ok := v.(map[string]any)
		return ok
	case "array":
		_, ok := v.([]any)
		return ok
	case "string":
		_, ok := v.(string)
		return ok
	case "boolean":
		_, ok := v.(bool)
		return ok
	case "null":
		return v == nil
	case "number":
		_, ok := v.(json.Number)
		return ok
	case "integer":
		n, ok := v.(json.Number)
		return ok && !strings.ContainsAny(n.String(), ".eE")
	}
	return false
}
