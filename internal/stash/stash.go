// Package stash keeps what a form's result page shows, sealed, for the
// redirect that follows the form (post, redirect, get): reloading the
// result shows it again instead of posting the form again, and going back
// does not post it either. The invitation page's magic links are the case
// in point: they are secrets shown once, never stored readable.
//
// A stash is sealed with AES-256-GCM under a key that only the browser
// holds (in a cookie the page sets); the database keeps the ciphertext,
// its owner and when it expires, so neither a copy of the database nor
// the cookie alone opens it. Stashes last minutes, not days.
package stash

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/sqldb"
)

// TTL is how long a stash can be opened.
const TTL = 30 * time.Minute

// Store keeps stashes in the database.
type Store struct {
	db  *sqldb.DB
	now func() time.Time
}

// New returns a Store over db.
func New(db *sqldb.DB) *Store { return &Store{db: db, now: time.Now} }

// SetClock replaces the clock, for tests.
func (s *Store) SetClock(now func() time.Time) { s.now = now }

// Put seals v for owner (a member's id) and returns the stash's id and the
// key that opens it, as text for a cookie. It also clears expired stashes.
func (s *Store) Put(ctx context.Context, owner int64, v any) (id, key string, err error) {
	defer apperr.Wrap(&err, "stash.Put(%d)", owner)
	plain, err := json.Marshal(v)
	if err != nil {
		return "", "", err
	}
	raw := make([]byte, 32)
	idRaw := make([]byte, 16)
	if _, err := rand.Read(raw); err != nil {
		return "", "", err
	}
	if _, err := rand.Read(idRaw); err != nil {
		return "", "", err
	}
	id = hex.EncodeToString(idRaw)
	aead, err := newAEAD(raw)
	if err != nil {
		return "", "", err
	}
	nonce := make([]byte, aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", "", err
	}
	sealed := aead.Seal(nonce, nonce, plain, additional(id, owner))
	now := s.now()
	if _, err := s.db.Exec(ctx, `DELETE FROM stashes WHERE expires_at <= $1`, now); err != nil {
		return "", "", err
	}
	if _, err := s.db.Exec(ctx, `INSERT INTO stashes (id, owner_id, sealed, expires_at) VALUES ($1, $2, $3, $4)`,
		id, owner, base64.StdEncoding.EncodeToString(sealed), now.Add(TTL)); err != nil {
		return "", "", err
	}
	return id, base64.RawURLEncoding.EncodeToString(raw), nil
}

// Get opens stash id for owner with key into v. A stash that is missing,
// expired, another's, or opened with the wrong key is not found.
func (s *Store) Get(ctx context.Context, owner int64, id, key string, v any) (err error) {
	defer apperr.Wrap(&err, "stash.Get(%d, %s)", owner, id)
	notFound := apperr.NotFound("result")
	var text string
	var expires time.Time
	err = s.db.QueryRow(ctx, `SELECT sealed, expires_at FROM stashes WHERE id = $1 AND owner_id = $2`, id, owner).Scan(&text, &expires)
	if errors.Is(err, sqldb.ErrNotFound) {
		return notFound
	}
	if err != nil {
		return err
	}
	if !s.now().Before(expires) {
		return notFound
	}
	raw, err := base64.RawURLEncoding.DecodeString(key)
	if err != nil || len(raw) != 32 {
		return notFound
	}
	sealed, err := base64.StdEncoding.DecodeString(text)
	if err != nil {
		return fmt.Errorf("stash %s: %w", id, err)
	}
	aead, err := newAEAD(raw)
	if err != nil {
		return err
	}
	if len(sealed) < aead.NonceSize() {
		return notFound
	}
	plain, err := aead.Open(nil, sealed[:aead.NonceSize()], sealed[aead.NonceSize():], additional(id, owner))
	if err != nil {
		return notFound
	}
	return json.Unmarshal(plain, v)
}

func newAEAD(key []byte) (cipher.AEAD, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

// additional binds a sealed stash to its id and owner, so that a row
// copied to another id or owner does not open.
func additional(id string, owner int64) []byte {
	return []byte(id + "/" + strconv.FormatInt(owner, 10))
}
