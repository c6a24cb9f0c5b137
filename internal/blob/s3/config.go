package s3

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"

	"github.com/anyhour/anyhour/internal/blob"
)

// DefaultRegion is the region used when a URL or Config names none.
// Self-hosted servers accept any region, but requests must be signed
// for one.
const DefaultRegion = "us-east-1"

// Config says where a Store keeps its objects and how it signs in.
type Config struct {
	Bucket    string // bucket name; required
	Prefix    string // key prefix inside the bucket: "" or ending in "/"
	Endpoint  string // base URL such as "http://127.0.0.1:9000"; "" means AWS
	Region    string // signing region; "" means DefaultRegion
	AccessKey string // access key ID; "" with SecretKey "" means anonymous
	SecretKey string // secret access key; never printed
}

// ParseURL reads a Config from a URL such as
//
//	s3://KEY:SECRET@bucket/optional/prefix?endpoint=http://127.0.0.1:9000&region=us-east-1
//
// The host is the bucket and the path, if any, the key prefix. The only
// query parameters are endpoint (an http or https base URL; without it
// the client talks to AWS) and region (default DefaultRegion).
//
// Credentials come from the URL's user info if it has any. Otherwise
// ParseURL reads AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY from the
// environment, the one place in this package that does; call it once,
// from main, with the rest of the configuration.
func ParseURL(raw string) (Config, error) {
	return parseURL(raw, os.Getenv)
}

func parseURL(raw string, getenv func(string) string) (Config, error) {
	u, err := url.Parse(raw)
	if err != nil {
		// url.Error quotes the whole URL, credentials included.
		return Config{}, errors.New("s3: malformed URL")
	}
	redacted := u.Redacted()
	if u.Scheme != "s3" {
		return Config{}, fmt.Errorf("s3: URL %q: scheme must be s3://", redacted)
	}
	if u.Host == "" {
		return Config{}, fmt.Errorf("s3: URL %q names no bucket (want s3://bucket/prefix)", redacted)
	}
	if u.Port() != "" {
		return Config{}, fmt.Errorf("s3: URL %q: the host is the bucket name; put the server in ?endpoint=", redacted)
	}
	cfg := Config{Bucket: u.Host, Region: DefaultRegion}

	prefix, err := normalizePrefix(strings.TrimPrefix(u.Path, "/"))
	if err != nil {
		return Config{}, fmt.Errorf("s3: URL %q: %w", redacted, err)
	}
	cfg.Prefix = prefix

	q, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return Config{}, fmt.Errorf("s3: URL %q: malformed query: %w", redacted, err)
	}
	for name, vals := range q {
		switch {
		case len(vals) != 1:
			return Config{}, fmt.Errorf("s3: URL %q: %s given %d times", redacted, name, len(vals))
		case name == "endpoint":
			if cfg.Endpoint, err = checkEndpoint(vals[0]); err != nil {
				return Config{}, err
			}
		case name == "region":
			if vals[0] != "" {
				cfg.Region = vals[0]
			}
		default:
			return Config{}, fmt.Errorf("s3: URL %q: unknown parameter %q (want endpoint or region)", redacted, name)
		}
	}

	if u.User != nil {
		cfg.AccessKey = u.User.Username()
		cfg.SecretKey, _ = u.User.Password()
	} else {
		cfg.AccessKey = getenv("AWS_ACCESS_KEY_ID")
		cfg.SecretKey = getenv("AWS_SECRET_ACCESS_KEY")
	}
	if (cfg.AccessKey == "") != (cfg.SecretKey == "") {
		return Config{}, fmt.Errorf("s3: URL %q: give both an access key and a secret key, or neither", redacted)
	}
	return cfg, nil
}

// checkEndpoint accepts a base URL with a scheme and a host, and nothing
// else: a path would be taken for part of every object's key.
func checkEndpoint(raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" ||
		u.User != nil || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" {
		return "", fmt.Errorf("s3: malformed endpoint %q: want http://host:port or https://host", raw)
	}
	return u.Scheme + "://" + u.Host, nil
}

// normalizePrefix turns "a/b" or "a/b/" into "a/b/" and "" into "", and
// rejects a prefix that would not make valid keys.
func normalizePrefix(p string) (string, error) {
	p = strings.TrimSuffix(p, "/")
	if p == "" {
		return "", nil
	}
	if !blob.ValidKey(p) {
		return "", fmt.Errorf("invalid prefix %q", p)
	}
	return p + "/", nil
}

// String gives the Config as an s3:// URL with the secret key replaced
// by "xxxxx", so that it can go in a log line or an error message.
func (c Config) String() string {
	return c.url(true)
}

// url is c as ParseURL would read it; redact hides the secret key.
func (c Config) url(redact bool) string {
	u := url.URL{Scheme: "s3", Host: c.Bucket, Path: "/" + c.Prefix}
	if c.AccessKey != "" || c.SecretKey != "" {
		secret := c.SecretKey
		if redact {
			secret = "xxxxx"
		}
		u.User = url.UserPassword(c.AccessKey, secret)
	}
	q := url.Values{}
	if c.Endpoint != "" {
		q.Set("endpoint", c.Endpoint)
	}
	if c.Region != "" {
		q.Set("region", c.Region)
	}
	// ":" and "/" may stand unescaped in a query; people read these URLs.
	u.RawQuery = strings.NewReplacer("%3A", ":", "%2F", "/").Replace(q.Encode())
	if c.Prefix == "" {
		u.Path = ""
	}
	return u.String()
}

// URL gives the Config as an s3:// URL that ParseURL reads back, secret
// key included. Unlike String, it is for configuration, not for logs.
func (c Config) URL() string {
	return c.url(false)
}
