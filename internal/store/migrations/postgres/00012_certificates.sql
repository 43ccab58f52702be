-- +goose Up
-- Each studio's Ed25519 signing key: its name (the studio's log origin,
-- fixed at creation), the public half in the signed-note verifier format,
-- and the private half sealed with the install secret. Studios that exist
-- already get theirs when the server starts with its secret (Migrate).
CREATE TABLE studio_keys (
    studio_id         TEXT PRIMARY KEY REFERENCES studios (id) ON DELETE CASCADE,
    name              TEXT NOT NULL UNIQUE,
    verifier_key      TEXT NOT NULL,
    signer_key_sealed BYTEA NOT NULL,
    created_at        TIMESTAMPTZ NOT NULL
);

-- Certificates of authenticity: one per piece, named by a random serial,
-- kept as the signed note that was issued, byte for byte.
CREATE TABLE certificates (
    serial     TEXT PRIMARY KEY,
    studio_id  TEXT NOT NULL,
    piece_id   TEXT NOT NULL UNIQUE,
    signed     TEXT NOT NULL,
    issued_at  TIMESTAMPTZ NOT NULL,
    FOREIGN KEY (studio_id, piece_id) REFERENCES pieces (studio_id, id) ON DELETE CASCADE
);
CREATE INDEX certificates_studio ON certificates (studio_id, issued_at);

-- The label stock a studio prints on, and its printer's offset.
CREATE TABLE label_settings (
    studio_id   TEXT PRIMARY KEY REFERENCES studios (id) ON DELETE CASCADE,
    stock       TEXT NOT NULL,
    custom      TEXT NOT NULL DEFAULT '',
    offset_x_mm DOUBLE PRECISION NOT NULL DEFAULT 0,
    offset_y_mm DOUBLE PRECISION NOT NULL DEFAULT 0,
    updated_at  TIMESTAMPTZ NOT NULL
);

-- +goose Down
DROP TABLE label_settings;
DROP INDEX certificates_studio;
DROP TABLE certificates;
DROP TABLE studio_keys;
