-- +goose Up
-- Browser sessions, in the layout alexedwards/scs's postgresstore expects.
CREATE TABLE sessions (
    token  TEXT PRIMARY KEY,
    data   BYTEA NOT NULL,
    expiry TIMESTAMPTZ(6) NOT NULL
);
CREATE INDEX sessions_expiry_idx ON sessions (expiry);

-- Events counted by rate limits (failed logins per account and per IP,
-- later inquiries per IP): a key and when it happened.
CREATE TABLE throttle_events (
    key TEXT NOT NULL,
    at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX throttle_events_key_at ON throttle_events (key, at);

-- One-time set-up codes, valid while the install has no studio.
CREATE TABLE setup_codes (
    code_hash  TEXT PRIMARY KEY,
    created_at TIMESTAMPTZ NOT NULL
);

-- +goose Down
DROP TABLE setup_codes;
DROP TABLE throttle_events;
DROP TABLE sessions;
