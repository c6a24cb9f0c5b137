package grader

import (
	"container/list"
	"crypto/sha256"
	"encoding/hex"
	"sync"

	"github.com/anyhour/anyhour/internal/sandbox"
)

// judgeCache keeps the tests' binaries the grader built, by the hash of
// everything they were built from: the tests, the stubs (declarations,
// never code, of the candidate's) and the harness. A candidate who saves
// new function bodies under the same signatures needs only the solution
// built again. The least recently used go first past maxBytes.
type judgeCache struct {
	mu       sync.Mutex
	maxBytes int
	bytes    int
	order    *list.List // of *judgeEntry, most recent first
	byKey    map[string]*list.Element
	hits     int
}

type judgeEntry struct {
	key string
	bin []byte
}

func newJudgeCache(maxBytes int) *judgeCache {
	return &judgeCache{maxBytes: maxBytes, order: list.New(), byKey: map[string]*list.Element{}}
}

func (c *judgeCache) get(key string) ([]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.byKey[key]
	if !ok {
		return nil, false
	}
	c.hits++
	c.order.MoveToFront(e)
	return e.Value.(*judgeEntry).bin, true
}

func (c *judgeCache) put(key string, bin []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.byKey[key]; ok || len(bin) > c.maxBytes {
		return
	}
	c.byKey[key] = c.order.PushFront(&judgeEntry{key, bin})
	c.bytes += len(bin)
	for c.bytes > c.maxBytes {
		last := c.order.Back()
		e := last.Value.(*judgeEntry)
		c.order.Remove(last)
		delete(c.byKey, e.key)
		c.bytes -= len(e.bin)
	}
}

// judgeKey is the hash of a tests' binary's inputs, the toolchain's
// version (in go.mod) among them.
func (g *Grader) judgeKey(files []sandbox.File) string {
	h := sha256.New()
	h.Write([]byte(g.goRoot + "\x00" + g.goVersion + "\x00"))
	for _, f := range files {
		h.Write([]byte(f.Path + "\x00"))
		h.Write([]byte{byte(len(f.Data) >> 24), byte(len(f.Data) >> 16), byte(len(f.Data) >> 8), byte(len(f.Data))})
		h.Write(f.Data)
	}
	return hex.EncodeToString(h.Sum(nil))
}
