package cluster

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
)

// CreateDatabase makes an empty database, named prefix plus a random
// suffix, on the PostgreSQL server adminURL points at (a URL whose
// database exists, such as …/postgres), and returns its URL and a
// function that drops it, ending any connection left to it.
func CreateDatabase(ctx context.Context, adminURL, prefix string) (dbURL string, drop func() error, err error) {
	u, err := url.Parse(adminURL)
	if err != nil {
		return "", nil, fmt.Errorf("PostgreSQL URL: %w", err)
	}
	b := make([]byte, 5)
	rand.Read(b)
	name := prefix + "_" + hex.EncodeToString(b)
	admin, err := sql.Open("pgx", adminURL)
	if err != nil {
		return "", nil, err
	}
	defer admin.Close()
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		return "", nil, fmt.Errorf("create database %s: %w", name, err)
	}
	u.Path = "/" + name
	drop = func() error {
		admin, err := sql.Open("pgx", adminURL)
		if err != nil {
			return err
		}
		defer admin.Close()
		_, err = admin.ExecContext(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
		return err
	}
	return u.String(), drop, nil
}
