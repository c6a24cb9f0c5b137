package web

import "testing"

func TestSafeNext(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		"/jobs/3?status=submitted": "/jobs/3?status=submitted",
		"/":                        "/",
		"":                         "/",
		"//evil.example":           "/",
		"/\\evil.example":          "/",
		"/\t/evil.example":         "/",
		"/\n/evil.example":         "/",
		"https://evil.example/":    "/",
		"javascript:alert(1)":      "/",
		"jobs":                     "/",
		"/%09/evil.example":        "/%09/evil.example", // stays a path on this site
	}
	for in, want := range tests {
		if got := safeNext(in); got != want {
			t.Errorf("safeNext(%q) = %q, want %q", in, got, want)
		}
	}
}
