package s3

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseURL(t *testing.T) {
	env := map[string]string{"AWS_ACCESS_KEY_ID": "ENVKEY", "AWS_SECRET_ACCESS_KEY": "envsecret"}
	for _, tc := range []struct {
		name string
		url  string
		env  map[string]string
		want Config
	}{
		{
			name: "everything",
			url:  "s3://KEY:SECRET@media/org/files?endpoint=http://127.0.0.1:9000&region=eu-west-3",
			want: Config{Bucket: "media", Prefix: "org/files/", Endpoint: "http://127.0.0.1:9000", Region: "eu-west-3", AccessKey: "KEY", SecretKey: "SECRET"},
		},
		{
			name: "bare bucket, no credentials anywhere",
			url:  "s3://media",
			want: Config{Bucket: "media", Region: "us-east-1"},
		},
		{
			name: "credentials from the environment",
			url:  "s3://media/?endpoint=https://s3.example.com/",
			env:  env,
			want: Config{Bucket: "media", Endpoint: "https://s3.example.com", Region: "us-east-1", AccessKey: "ENVKEY", SecretKey: "envsecret"},
		},
		{
			name: "URL credentials win over the environment",
			url:  "s3://K:S@media",
			env:  env,
			want: Config{Bucket: "media", Region: "us-east-1", AccessKey: "K", SecretKey: "S"},
		},
		{
			name: "escaped secret, trailing slash on prefix",
			url:  "s3://K:a%2Fb+c@media/p/",
			want: Config{Bucket: "media", Prefix: "p/", Region: "us-east-1", AccessKey: "K", SecretKey: "a/b+c"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseURL(tc.url, func(k string) string { return tc.env[k] })
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("parseURL(%q) (-want +got):\n%s", tc.url, diff)
			}
			// What URL prints, ParseURL reads back.
			again, err := parseURL(got.URL(), func(string) string { return "" })
			if err != nil {
				t.Fatalf("parseURL(%q): %v", got.URL(), err)
			}
			if diff := cmp.Diff(got, again); diff != "" {
				t.Errorf("round trip through %q (-want +got):\n%s", got.URL(), diff)
			}
		})
	}
}

func TestParseURLErrors(t *testing.T) {
	for _, tc := range []struct {
		url  string
		want string // in the error
	}{
		{"", "scheme must be s3"},
		{"http://media", "scheme must be s3"},
		{"s3://", "no bucket"},
		{"s3:///prefix", "no bucket"},
		{"s3://K:S@/prefix", "no bucket"},
		{"s3://media:9000", "put the server in ?endpoint="},
		{"s3://media?endpoint=127.0.0.1:9000", "malformed endpoint"},
		{"s3://media?endpoint=ftp://host", "malformed endpoint"},
		{"s3://media?endpoint=http://", "malformed endpoint"},
		{"s3://media?endpoint=http://host/path", "malformed endpoint"},
		{"s3://media?endpoint=http://u:p@host", "malformed endpoint"},
		{"s3://media?endpoint=a&endpoint=b", "endpoint given 2 times"},
		{"s3://media?endpiont=http://host", `unknown parameter "endpiont"`},
		{"s3://media/a//b", "invalid prefix"},
		{"s3://media/../b", "invalid prefix"},
		{"s3://KEY@media", "both an access key and a secret key"},
		{"s3://:SECRET@media", "both an access key and a secret key"},
		{"s3://K:SECRET/x@media", "malformed URL"}, // an unescaped "/" in the secret
	} {
		t.Run(tc.url, func(t *testing.T) {
			_, err := parseURL(tc.url, func(string) string { return "" })
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("parseURL(%q) = %v, want an error containing %q", tc.url, err, tc.want)
			}
			if strings.Contains(err.Error(), "SECRET") {
				t.Errorf("error %q shows the secret", err)
			}
		})
	}
}

func TestConfigStringRedactsSecret(t *testing.T) {
	cfg := Config{Bucket: "media", Prefix: "p/", Endpoint: "http://127.0.0.1:9000", Region: "us-east-1", AccessKey: "KEY", SecretKey: "hunter2/+x"}
	const want = "s3://KEY:xxxxx@media/p/?endpoint=http://127.0.0.1:9000&region=us-east-1"
	if got := cfg.String(); got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
	for _, s := range []string{fmt.Sprint(cfg), fmt.Sprintf("%+v", &cfg), fmt.Errorf("x: %v", cfg).Error()} {
		if s != want && !strings.HasSuffix(s, want) {
			t.Errorf("formatted as %q, want %q", s, want)
		}
	}
	if u := cfg.URL(); !strings.Contains(u, "KEY:hunter2%2F+x@") {
		t.Errorf("URL() = %q, want the secret in it", u)
	}
	if s := (Config{Bucket: "b"}).String(); s != "s3://b" {
		t.Errorf("String() = %q, want s3://b", s)
	}
}
