-- +goose Up
-- Limited editions: the master armature and the moulds they are cast
-- from (with where each is stored), editions of a fixed size, and each
-- piece's number in its edition, unique, so that a number is never issued
-- twice however many requests race for it.
CREATE TABLE masters (
    id         TEXT PRIMARY KEY,
    studio_id  TEXT NOT NULL REFERENCES studios (id) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    location   TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    UNIQUE (studio_id, id)
);

CREATE TABLE moulds (
    id         TEXT PRIMARY KEY,
    studio_id  TEXT NOT NULL REFERENCES studios (id) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    location   TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    UNIQUE (studio_id, id)
);

CREATE TABLE editions (
    id               TEXT PRIMARY KEY,
    studio_id        TEXT NOT NULL,
    title            TEXT NOT NULL,
    subject          TEXT NOT NULL,
    size             INTEGER NOT NULL CHECK (size > 0),
    size_reason      TEXT NOT NULL DEFAULT '',
    clay_brands      TEXT NOT NULL DEFAULT '',
    target_height_mm DOUBLE PRECISION NOT NULL CHECK (target_height_mm > 0),
    master_id        TEXT,
    reissue_of       TEXT,
    issued           INTEGER NOT NULL DEFAULT 0 CHECK (issued >= 0 AND issued <= size),
    created_at       TIMESTAMP NOT NULL,
    UNIQUE (studio_id, id),
    FOREIGN KEY (studio_id) REFERENCES studios (id) ON DELETE CASCADE,
    FOREIGN KEY (studio_id, master_id) REFERENCES masters (studio_id, id),
    FOREIGN KEY (studio_id, reissue_of) REFERENCES editions (studio_id, id)
);

CREATE TABLE edition_moulds (
    edition_id TEXT NOT NULL,
    studio_id  TEXT NOT NULL,
    mould_id   TEXT NOT NULL,
    PRIMARY KEY (edition_id, mould_id),
    FOREIGN KEY (studio_id, edition_id) REFERENCES editions (studio_id, id) ON DELETE CASCADE,
    FOREIGN KEY (studio_id, mould_id) REFERENCES moulds (studio_id, id) ON DELETE CASCADE
);

ALTER TABLE pieces ADD COLUMN edition_number INTEGER;
CREATE UNIQUE INDEX pieces_edition_number ON pieces (edition_id, edition_number);

-- +goose Down
DROP INDEX pieces_edition_number;
ALTER TABLE pieces DROP COLUMN edition_number;
DROP TABLE edition_moulds;
DROP TABLE editions;
DROP TABLE moulds;
DROP TABLE masters;
