-- +goose Up
-- This install as a witness (C2SP tlog-witness) of other studios' logs:
-- its cosigning key, sealed with the install secret, and for each log it
-- witnesses the log's key and the latest tree it cosigned, the row that
-- add-checkpoint locks so that checking and keeping are one step.
CREATE TABLE witness_keys (
    id                INTEGER PRIMARY KEY CHECK (id = 1),
    name              TEXT NOT NULL,
    verifier_key      TEXT NOT NULL,
    signer_key_sealed BLOB NOT NULL,
    created_at        TIMESTAMP NOT NULL
);

CREATE TABLE witnessed_logs (
    origin       TEXT PRIMARY KEY,
    verifier_key TEXT NOT NULL,
    size         BIGINT NOT NULL DEFAULT 0 CHECK (size >= 0),
    root         BLOB NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL
);

-- The witnesses a studio submits its checkpoints to, the size each is
-- known to have cosigned, and their cosignatures; quorum is how many must
-- cosign for the studio's policy ("1 of 2").
CREATE TABLE studio_witnesses (
    id           TEXT PRIMARY KEY,
    studio_id    TEXT NOT NULL REFERENCES studios (id) ON DELETE CASCADE,
    url          TEXT NOT NULL,
    verifier_key TEXT NOT NULL,
    known_size   BIGINT NOT NULL DEFAULT 0,
    last_error   TEXT NOT NULL DEFAULT '',
    created_at   TIMESTAMP NOT NULL,
    UNIQUE (studio_id, verifier_key)
);

CREATE TABLE log_cosignatures (
    studio_id  TEXT NOT NULL REFERENCES studios (id) ON DELETE CASCADE,
    witness_id TEXT NOT NULL REFERENCES studio_witnesses (id) ON DELETE CASCADE,
    size       BIGINT NOT NULL,
    lines      TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (studio_id, witness_id, size)
);

ALTER TABLE logs ADD COLUMN witness_quorum INTEGER NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE logs DROP COLUMN witness_quorum;
DROP TABLE log_cosignatures;
DROP TABLE studio_witnesses;
DROP TABLE witnessed_logs;
DROP TABLE witness_keys;
