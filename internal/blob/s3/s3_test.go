package s3_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"strings"
	"testing"

	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/anyhour/anyhour/internal/blob"
	"github.com/anyhour/anyhour/internal/blob/s3"
	"github.com/anyhour/anyhour/internal/blob/s3/s3test"
)

// mustNew returns a Store on a fresh bucket of its own server.
func mustNew(t *testing.T) *s3.Store {
	t.Helper()
	s, err := s3.New(context.Background(), s3test.Start(t))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func mustPut(t *testing.T, s blob.Store, key string, content []byte) {
	t.Helper()
	n, err := s.Put(context.Background(), key, bytes.NewReader(content))
	if err != nil {
		t.Fatal(err)
	}
	if n != int64(len(content)) {
		t.Fatalf("Put(%q) size = %d, want %d", key, n, len(content))
	}
}

func mustRead(t *testing.T, s blob.Store, key string) []byte {
	t.Helper()
	o, err := s.Open(context.Background(), key)
	if err != nil {
		t.Fatal(err)
	}
	defer o.Close()
	b, err := io.ReadAll(o)
	if err != nil {
		t.Fatal(err)
	}
	if o.Size() != int64(len(b)) {
		t.Errorf("Open(%q).Size() = %d, read %d bytes", key, o.Size(), len(b))
	}
	return b
}

// randomBytes returns n bytes that differ from any other call's.
func randomBytes(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(rand.Uint32())
	}
	return b
}

// uploadsLeft lists the multipart uploads still open in s's bucket.
func uploadsLeft(t *testing.T, s *s3.Store) []string {
	t.Helper()
	bucket := s.Bucket()
	out, err := s.Client().ListMultipartUploads(context.Background(), &awss3.ListMultipartUploadsInput{Bucket: &bucket})
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, u := range out.Uploads {
		keys = append(keys, *u.Key)
	}
	return keys
}

func TestRoundTrip(t *testing.T) {
	ctx := context.Background()
	s := mustNew(t)
	mustPut(t, s, "org/1/answers/7.webm", []byte("hello, video"))
	if got := mustRead(t, s, "org/1/answers/7.webm"); string(got) != "hello, video" {
		t.Errorf("read %q, want %q", got, "hello, video")
	}

	info, err := s.Stat(ctx, "org/1/answers/7.webm")
	if err != nil {
		t.Fatal(err)
	}
	if info.Size != 12 || info.ModTime.IsZero() {
		t.Errorf("Stat = %+v, want size 12 and a ModTime", info)
	}
	o, err := s.Open(ctx, "org/1/answers/7.webm")
	if err != nil {
		t.Fatal(err)
	}
	if !o.ModTime().Equal(info.ModTime) {
		t.Errorf("Open ModTime %v, Stat ModTime %v", o.ModTime(), info.ModTime)
	}
	o.Close()

	if err := s.Delete(ctx, "org/1/answers/7.webm"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Stat(ctx, "org/1/answers/7.webm"); !errors.Is(err, blob.ErrNotFound) {
		t.Errorf("Stat after Delete: %v, want ErrNotFound", err)
	}
}

// Keys reach S3 escaped in a URL path; nothing may get lost on the way.
func TestKeysWithOddCharacters(t *testing.T) {
	s := mustNew(t)
	for _, key := range []string{"sp ace", "plus+sign", "pct%20x", "ünï/çødé", "q?x#y", "semi;colon", "amp&eq=", "tilde~"} {
		mustPut(t, s, key, []byte(key))
		if got := mustRead(t, s, key); string(got) != key {
			t.Errorf("read %q under %q", got, key)
		}
	}
}

func TestEmptyObject(t *testing.T) {
	s := mustNew(t)
	mustPut(t, s, "empty", nil)
	if got := mustRead(t, s, "empty"); len(got) != 0 {
		t.Errorf("read %q, want nothing", got)
	}
}

func TestOverwrite(t *testing.T) {
	s := mustNew(t)
	mustPut(t, s, "k", []byte("first, longer content"))
	mustPut(t, s, "k", []byte("second"))
	if got := mustRead(t, s, "k"); string(got) != "second" {
		t.Errorf("read %q, want %q", got, "second")
	}
}

func TestDeleteMissing(t *testing.T) {
	ctx := context.Background()
	s := mustNew(t)
	mustPut(t, s, "a/b", []byte("x"))
	for _, key := range []string{"never", "a", "a/b/c", "a/b"} {
		if err := s.Delete(ctx, key); err != nil {
			t.Errorf("Delete(%q) = %v, want nil", key, err)
		}
	}
	if err := s.Delete(ctx, "a/b"); err != nil {
		t.Errorf("second Delete(a/b) = %v, want nil", err)
	}
}

func TestNotFound(t *testing.T) {
	ctx := context.Background()
	s := mustNew(t)
	mustPut(t, s, "dir/file", []byte("x"))
	// "dir" is only a prefix of another key.
	for _, key := range []string{"missing", "dir", "nodir/x"} {
		t.Run(key, func(t *testing.T) {
			if _, err := s.Open(ctx, key); !errors.Is(err, blob.ErrNotFound) {
				t.Errorf("Open: %v, want ErrNotFound", err)
			}
			if _, err := s.Stat(ctx, key); !errors.Is(err, blob.ErrNotFound) {
				t.Errorf("Stat: %v, want ErrNotFound", err)
			}
		})
	}
}

func TestInvalidKeys(t *testing.T) {
	ctx := context.Background()
	s := mustNew(t)
	for _, key := range []string{"", "../x", "/etc/passwd", "a/../../b", `a\b`, "a\x00b", "a/\nb", ".", "a//b", "a/", strings.Repeat("k", blob.MaxKeyLen+1)} {
		name := key
		if len(name) > 20 {
			name = "too long"
		}
		t.Run(name, func(t *testing.T) {
			if _, err := s.Put(ctx, key, strings.NewReader("evil")); !errors.Is(err, blob.ErrInvalidKey) {
				t.Errorf("Put: %v, want ErrInvalidKey", err)
			}
			if _, err := s.Open(ctx, key); !errors.Is(err, blob.ErrInvalidKey) {
				t.Errorf("Open: %v, want ErrInvalidKey", err)
			}
			if _, err := s.Stat(ctx, key); !errors.Is(err, blob.ErrInvalidKey) {
				t.Errorf("Stat: %v, want ErrInvalidKey", err)
			}
			if err := s.Delete(ctx, key); !errors.Is(err, blob.ErrInvalidKey) {
				t.Errorf("Delete: %v, want ErrInvalidKey", err)
			}
		})
	}
	bucket := s.Bucket()
	out, err := s.Client().ListObjectsV2(ctx, &awss3.ListObjectsV2Input{Bucket: &bucket})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Contents) != 0 {
		t.Errorf("bucket holds %d objects, want none", len(out.Contents))
	}
}

func TestPrefix(t *testing.T) {
	ctx := context.Background()
	cfg := s3test.Start(t)
	cfg.Prefix = "tenant/a" // normalised to "tenant/a/"
	s, err := s3.New(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if s.Prefix() != "tenant/a/" {
		t.Errorf("Prefix() = %q, want %q", s.Prefix(), "tenant/a/")
	}
	mustPut(t, s, "k", []byte("v"))

	bucket, name := s.Bucket(), "tenant/a/k"
	if _, err := s.Client().HeadObject(ctx, &awss3.HeadObjectInput{Bucket: &bucket, Key: &name}); err != nil {
		t.Errorf("HeadObject(%q): %v", name, err)
	}
	cfg.Prefix = ""
	bare, err := s3.New(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := bare.Stat(ctx, "k"); !errors.Is(err, blob.ErrNotFound) {
		t.Errorf("Stat(k) without the prefix: %v, want ErrNotFound", err)
	}
}

func TestNewErrors(t *testing.T) {
	ctx := context.Background()
	cfg := s3test.Start(t)
	for _, tc := range []struct {
		name string
		edit func(*s3.Config)
		want string
	}{
		{"no bucket", func(c *s3.Config) { c.Bucket = "" }, "no bucket configured"},
		{"missing bucket", func(c *s3.Config) { c.Bucket = "nosuchbucket" }, `bucket "nosuchbucket" does not exist on http://127.0.0.1:`},
		{"wrong secret", func(c *s3.Config) { c.SecretKey = "wrong-secret" }, "denied"},
		{"bad prefix", func(c *s3.Config) { c.Prefix = "../x" }, "invalid prefix"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := cfg
			tc.edit(&c)
			_, err := s3.New(ctx, c)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("New = %v, want an error containing %q", err, tc.want)
			}
			if strings.Contains(err.Error(), c.SecretKey) {
				t.Errorf("error %q shows the secret", err)
			}
		})
	}
}

func TestURLRoundTrip(t *testing.T) {
	cfg := s3test.Start(t)
	again, err := s3.ParseURL(s3test.URL(cfg))
	if err != nil {
		t.Fatal(err)
	}
	if again != cfg {
		t.Errorf("ParseURL(URL(cfg)) = %v, want %v", again, cfg)
	}
	if _, err := s3.New(context.Background(), again); err != nil {
		t.Fatal(err)
	}
}
