package s3_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"testing"

	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/anyhour/anyhour/internal/blob"
	"github.com/anyhour/anyhour/internal/blob/s3"
)

func TestLargePutIsMultipart(t *testing.T) {
	ctx := context.Background()
	s := mustNew(t)
	for _, size := range []int{
		20 << 20,            // two full parts and a short one
		2 * s3.PartSize,     // full parts only
		s3.PartSize,         // one full part: multipart of one
		s3.PartSize - 1,     // one PutObject
		s3.PartSize + 1<<10, // a last part far under S3's 5 MiB minimum
	} {
		data := randomBytes(size)
		// Not a *bytes.Reader, so nothing can take a shortcut on its
		// length, and its chunks do not line up with the parts.
		n, err := s.Put(ctx, "big", io.MultiReader(bytes.NewReader(data[:12345]), bytes.NewReader(data[12345:])))
		if err != nil || n != int64(size) {
			t.Fatalf("Put(%d bytes) = %d, %v", size, n, err)
		}
		if got := mustRead(t, s, "big"); !bytes.Equal(got, data) {
			t.Fatalf("read back %d bytes of %d, not the same", len(got), size)
		}

		// S3 gives a multipart object an ETag ending in "-<parts>".
		bucket, key := s.Bucket(), "big"
		head, err := s.Client().HeadObject(ctx, &awss3.HeadObjectInput{Bucket: &bucket, Key: &key})
		if err != nil {
			t.Fatal(err)
		}
		multipart := strings.Contains(*head.ETag, "-")
		if want := size >= s3.PartSize; multipart != want {
			t.Errorf("%d bytes: ETag %s, want multipart %v", size, *head.ETag, want)
		}
	}
	if left := uploadsLeft(t, s); len(left) != 0 {
		t.Errorf("multipart uploads left: %q", left)
	}
}

// failingReader yields some bytes, then fails, like an upload cut short.
type failingReader struct {
	data []byte
	err  error
}

func (r *failingReader) Read(p []byte) (int, error) {
	if len(r.data) == 0 {
		return 0, r.err
	}
	n := copy(p, r.data)
	r.data = r.data[n:]
	return n, nil
}

func TestFailedPutKeepsOldObject(t *testing.T) {
	ctx := context.Background()
	s := mustNew(t)
	errCut := errors.New("connection reset")
	for _, tc := range []struct {
		name string
		size int
	}{
		{"within the first part", 100_000},
		{"after two parts went up", 2*s3.PartSize + 100_000},
	} {
		t.Run(tc.name, func(t *testing.T) {
			partial := randomBytes(tc.size)
			_, err := s.Put(ctx, "up/new", &failingReader{data: partial, err: errCut})
			if !errors.Is(err, errCut) {
				t.Fatalf("Put = %v, want the reader's error", err)
			}
			if _, err := s.Stat(ctx, "up/new"); !errors.Is(err, blob.ErrNotFound) {
				t.Errorf("Stat after failed Put: %v, want ErrNotFound", err)
			}

			mustPut(t, s, "up/old", []byte("old"))
			_, err = s.Put(ctx, "up/old", &failingReader{data: partial, err: errCut})
			if !errors.Is(err, errCut) {
				t.Fatalf("Put = %v, want the reader's error", err)
			}
			if got := mustRead(t, s, "up/old"); string(got) != "old" {
				t.Errorf("after failed overwrite read %q, want %q", got, "old")
			}
			if left := uploadsLeft(t, s); len(left) != 0 {
				t.Errorf("multipart uploads left: %q", left)
			}
		})
	}
}

// cancellingReader cancels its context once it has yielded after bytes.
type cancellingReader struct {
	r      io.Reader
	after  int
	cancel context.CancelFunc
}

func (c *cancellingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	if c.after -= n; c.after <= 0 {
		c.cancel()
	}
	return n, err
}

func TestCancelledPutLeavesNothing(t *testing.T) {
	s := mustNew(t)
	mustPut(t, s, "k", []byte("old"))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	r := &cancellingReader{r: bytes.NewReader(randomBytes(3 * s3.PartSize)), after: s3.PartSize + 1, cancel: cancel}
	if _, err := s.Put(ctx, "k", r); !errors.Is(err, context.Canceled) {
		t.Fatalf("Put = %v, want context.Canceled", err)
	}
	if got := mustRead(t, s, "k"); string(got) != "old" {
		t.Errorf("after cancelled Put read %q, want %q", got, "old")
	}
	if left := uploadsLeft(t, s); len(left) != 0 {
		t.Errorf("multipart uploads left: %q", left)
	}
}
