-- +goose Up
CREATE TABLE studios (
    id         TEXT PRIMARY KEY,
    slug       TEXT NOT NULL UNIQUE,
    name       TEXT NOT NULL,
    artist     TEXT NOT NULL,
    currency   TEXT NOT NULL,
    timezone   TEXT NOT NULL,
    units      TEXT NOT NULL CHECK (units IN ('metric', 'imperial')),
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    studio_id     TEXT NOT NULL REFERENCES studios (id) ON DELETE CASCADE,
    email         TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('owner', 'assistant')),
    password_hash TEXT NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL,
    UNIQUE (studio_id, id)
);

CREATE TABLE api_tokens (
    id           TEXT PRIMARY KEY,
    studio_id    TEXT NOT NULL REFERENCES studios (id) ON DELETE CASCADE,
    user_id      TEXT NOT NULL,
    name         TEXT NOT NULL DEFAULT '',
    token_hash   TEXT NOT NULL UNIQUE,
    created_at   TIMESTAMPTZ NOT NULL,
    last_used_at TIMESTAMPTZ,
    revoked_at   TIMESTAMPTZ,
    -- a token can only belong to a user of its own studio
    FOREIGN KEY (studio_id, user_id) REFERENCES users (studio_id, id) ON DELETE CASCADE
);
CREATE INDEX api_tokens_studio ON api_tokens (studio_id, created_at);

-- +goose Down
DROP TABLE api_tokens;
DROP TABLE users;
DROP TABLE studios;
