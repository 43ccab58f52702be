-- +goose Up
-- A person removed from the team keeps their row, so that the history
-- that names them (pieces, moves, messages) stays attributed; from
-- removed_at on they cannot sign in, their tokens are revoked and the
-- team no longer lists them.
ALTER TABLE users ADD COLUMN removed_at TIMESTAMP;

-- One-time links to set a new password, sent by e-mail. Only the
-- token's SHA-256 is kept: the database alone cannot reset anyone's
-- password. A link works until expires_at and only once: setting the
-- password deletes the person's links in the same transaction.
CREATE TABLE password_resets (
    token_hash TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
CREATE INDEX password_resets_user ON password_resets (user_id);

-- +goose Down
DROP TABLE password_resets;
ALTER TABLE users DROP COLUMN removed_at;
