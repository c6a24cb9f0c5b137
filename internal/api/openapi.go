package api

import (
	_ "embed"
	"encoding/json"
	"net/http"
)

// openapiJSON describes the API in OpenAPI 3.1. It is written by hand, and
// the tests hold it to the server: the same routes, the same security, and
// every response in the tests valid against its schema.
//
//go:embed openapi.json
var openapiJSON []byte

// mustOpenAPI returns the document with the server's public URL added.
func mustOpenAPI(baseURL string) []byte {
	var doc map[string]any
	if err := json.Unmarshal(openapiJSON, &doc); err != nil {
		panic("api: openapi.json: " + err.Error())
	}
	if baseURL != "" {
		doc["servers"] = []map[string]string{{"url": baseURL}}
	}
	out, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		panic("api: openapi.json: " + err.Error())
	}
	return out
}

// serveOpenAPI answers GET /api/v1/openapi.json.
func (s *Server) serveOpenAPI(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	w.Write(s.openapi)
	return nil
}
