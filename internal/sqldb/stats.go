package sqldb

import "database/sql"

// PoolStats is one connection pool's numbers, for metrics.
type PoolStats struct {
	// Name is "read" or "write" on SQLite, which keeps a pool of readers
	// and a single writer, and "main" on PostgreSQL, whose one pool does
	// both.
	Name string
	sql.DBStats
}

// Stats describes the database's connection pools.
func (db *DB) Stats() []PoolStats {
	if db.reader == db.writer {
		return []PoolStats{{Name: "main", DBStats: db.writer.Stats()}}
	}
	return []PoolStats{{Name: "read", DBStats: db.reader.Stats()}, {Name: "write", DBStats: db.writer.Stats()}}
}
