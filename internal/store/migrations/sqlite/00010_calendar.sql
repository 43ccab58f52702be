-- +goose Up
-- Each user's calendar feed token. The feed is found by the token's hash;
-- the token itself is kept sealed with the install secret so that the
-- settings can show the address again. Backups leave this table out (the
-- seal is worthless without the secret): a restored install issues new ones.
CREATE TABLE calendar_tokens (
    user_id      TEXT PRIMARY KEY,
    studio_id    TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    token_sealed BLOB NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    FOREIGN KEY (studio_id, user_id) REFERENCES users (studio_id, id) ON DELETE CASCADE
);

-- +goose Down
DROP TABLE calendar_tokens;
