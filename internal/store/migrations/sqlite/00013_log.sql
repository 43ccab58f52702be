-- +goose Up
-- Each studio's certificate log: an append-only Merkle tree (RFC 6962)
-- of typed leaves. logs holds the tree's size, root and signed checkpoint
-- in one row per studio: the row an append locks, so that appends are
-- serialised and two instances never fork the tree. log_entries holds the
-- leaves, log_hashes the tree's stored hashes (tlog.StoredHashIndex).
-- Studios that exist already get their log at the next start (Migrate).
CREATE TABLE logs (
    studio_id  TEXT PRIMARY KEY REFERENCES studios (id) ON DELETE CASCADE,
    size       BIGINT NOT NULL CHECK (size >= 0),
    root       BLOB NOT NULL,
    checkpoint TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE log_entries (
    studio_id  TEXT NOT NULL REFERENCES studios (id) ON DELETE CASCADE,
    idx        BIGINT NOT NULL CHECK (idx >= 0),
    kind       TEXT NOT NULL CHECK (kind IN ('edition', 'certificate', 'transfer')),
    ref        TEXT NOT NULL,
    data       BLOB NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (studio_id, idx)
);
CREATE INDEX log_entries_ref ON log_entries (studio_id, kind, ref);

CREATE TABLE log_hashes (
    studio_id TEXT NOT NULL REFERENCES studios (id) ON DELETE CASCADE,
    idx       BIGINT NOT NULL CHECK (idx >= 0),
    hash      BLOB NOT NULL,
    PRIMARY KEY (studio_id, idx)
);

-- +goose Down
DROP TABLE log_hashes;
DROP INDEX log_entries_ref;
DROP TABLE log_entries;
DROP TABLE logs;
