-- +goose Up
-- Ownership transfers. A certificate's present owner holds a one-time
-- transfer code, kept here only as its hash (auth.HashToken of the code
-- normalized); certificates issued before codes existed have none.
ALTER TABLE certificates ADD COLUMN transfer_code_hash TEXT;

-- The code of a certificate not printed yet, sealed with the install
-- secret for its serial, so that the first print can carry it on a stub;
-- the first print or a transfer deletes it. Backups leave it out: an
-- archive, perhaps unencrypted, must never carry a working code in clear.
CREATE TABLE certificate_stubs (
    serial      TEXT PRIMARY KEY REFERENCES certificates (serial) ON DELETE CASCADE,
    studio_id   TEXT NOT NULL REFERENCES studios (id) ON DELETE CASCADE,
    code_sealed BLOB NOT NULL
);

-- Each transfer's new owner, by the index of the transfer's leaf in the
-- studio's log. The leaf carries only a hash of the name salted with
-- salt: erasing an owner deletes name and salt, and then nothing links
-- the log's hash to a person.
CREATE TABLE certificate_owners (
    studio_id TEXT NOT NULL,
    log_idx   BIGINT NOT NULL,
    serial    TEXT NOT NULL REFERENCES certificates (serial) ON DELETE CASCADE,
    name      TEXT,
    salt      BLOB,
    show_name BOOLEAN NOT NULL,
    at        TIMESTAMP NOT NULL,
    erased_at TIMESTAMP,
    PRIMARY KEY (studio_id, log_idx),
    FOREIGN KEY (studio_id, log_idx) REFERENCES log_entries (studio_id, idx) ON DELETE CASCADE,
    CHECK ((name IS NULL) = (salt IS NULL)),
    CHECK ((name IS NULL) = (erased_at IS NOT NULL))
);
CREATE INDEX certificate_owners_serial ON certificate_owners (serial, log_idx);

-- +goose Down
DROP INDEX certificate_owners_serial;
DROP TABLE certificate_owners;
DROP TABLE certificate_stubs;
ALTER TABLE certificates DROP COLUMN transfer_code_hash;
