-- +goose Up
CREATE TABLE files (
    id           TEXT PRIMARY KEY,
    studio_id    TEXT NOT NULL REFERENCES studios (id) ON DELETE CASCADE,
    sha256       TEXT NOT NULL,
    size         BIGINT NOT NULL CHECK (size >= 0),
    content_type TEXT NOT NULL,
    name         TEXT NOT NULL DEFAULT '',
    created_at   TIMESTAMP NOT NULL,
    -- a studio holds the same content once
    UNIQUE (studio_id, sha256),
    UNIQUE (studio_id, id)
);
-- the sweep asks whether any studio still refers to a blob
CREATE INDEX files_sha256 ON files (sha256);

-- +goose Down
DROP TABLE files;
