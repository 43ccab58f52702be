-- +goose Up
-- Baking: the clays' curing figures as the manufacturers print them, the
-- studio's ovens and their calibration readings, and bakes with their
-- pieces and thermometer readings.
ALTER TABLE clay_brands ADD COLUMN temperature_c INTEGER;
ALTER TABLE clay_brands ADD COLUMN temperature_f INTEGER;
ALTER TABLE clay_brands ADD COLUMN min_c INTEGER;
ALTER TABLE clay_brands ADD COLUMN max_c INTEGER;
ALTER TABLE clay_brands ADD COLUMN minutes_per_6mm INTEGER;
ALTER TABLE clay_brands ADD COLUMN minimum_minutes INTEGER;
UPDATE clay_brands SET temperature_c = 110, temperature_f = 230, min_c = 100, max_c = 120, minutes_per_6mm = 30, minimum_minutes = 30
    WHERE key IN ('fimo-soft', 'fimo-professional');
UPDATE clay_brands SET temperature_c = 130, temperature_f = 275, min_c = 120, max_c = 140, minutes_per_6mm = 30, minimum_minutes = 30
    WHERE key = 'premo';
UPDATE clay_brands SET temperature_c = 130, temperature_f = 275, min_c = 120, max_c = 140, minutes_per_6mm = 15, minimum_minutes = 15
    WHERE key = 'sculpey-iii';

-- A logged bake that has cooled replaces the provisional tick box.
DELETE FROM piece_checks WHERE key = 'baked';
DELETE FROM checklist_items WHERE key = 'baked' AND stage = 'first_bake';

CREATE TABLE ovens (
    id              TEXT PRIMARY KEY,
    studio_id       TEXT NOT NULL REFERENCES studios (id) ON DELETE CASCADE,
    name            TEXT NOT NULL,
    kind            TEXT NOT NULL CHECK (kind IN ('toaster', 'convection', 'conventional')),
    power_w         INTEGER,
    capacity_pieces INTEGER NOT NULL CHECK (capacity_pieces > 0),
    created_at      TIMESTAMP NOT NULL,
    UNIQUE (studio_id, id)
);

CREATE TABLE oven_readings (
    id            TEXT PRIMARY KEY,
    studio_id     TEXT NOT NULL,
    oven_id       TEXT NOT NULL,
    dial_c        DOUBLE PRECISION NOT NULL,
    thermometer_c DOUBLE PRECISION NOT NULL,
    at            TIMESTAMP NOT NULL,
    FOREIGN KEY (studio_id, oven_id) REFERENCES ovens (studio_id, id) ON DELETE CASCADE
);
CREATE INDEX oven_readings_oven ON oven_readings (oven_id, at);

CREATE TABLE bakes (
    id          TEXT PRIMARY KEY,
    studio_id   TEXT NOT NULL,
    oven_id     TEXT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('planned', 'running', 'finished')),
    target_c    INTEGER NOT NULL,
    target_f    INTEGER NOT NULL,
    min_c       INTEGER NOT NULL,
    dial_c      INTEGER NOT NULL,
    minutes     INTEGER NOT NULL CHECK (minutes > 0),
    started_at  TIMESTAMP,
    finished_at TIMESTAMP,
    created_at  TIMESTAMP NOT NULL,
    user_id     TEXT,
    UNIQUE (studio_id, id),
    FOREIGN KEY (studio_id, oven_id) REFERENCES ovens (studio_id, id) ON DELETE CASCADE
);
CREATE INDEX bakes_studio ON bakes (studio_id, status, created_at);

CREATE TABLE bake_pieces (
    bake_id      TEXT NOT NULL,
    studio_id    TEXT NOT NULL,
    piece_id     TEXT NOT NULL,
    clays        TEXT NOT NULL,
    thickness_mm DOUBLE PRECISION NOT NULL,
    minutes      INTEGER NOT NULL,
    pass         INTEGER NOT NULL,
    PRIMARY KEY (bake_id, piece_id),
    FOREIGN KEY (studio_id, bake_id) REFERENCES bakes (studio_id, id) ON DELETE CASCADE,
    FOREIGN KEY (studio_id, piece_id) REFERENCES pieces (studio_id, id) ON DELETE CASCADE
);
CREATE INDEX bake_pieces_piece ON bake_pieces (piece_id);

CREATE TABLE bake_readings (
    id            TEXT PRIMARY KEY,
    studio_id     TEXT NOT NULL,
    bake_id       TEXT NOT NULL,
    thermometer_c DOUBLE PRECISION NOT NULL,
    flags         TEXT NOT NULL DEFAULT '',
    at            TIMESTAMP NOT NULL,
    FOREIGN KEY (studio_id, bake_id) REFERENCES bakes (studio_id, id) ON DELETE CASCADE
);
CREATE INDEX bake_readings_bake ON bake_readings (bake_id, at);

-- +goose Down
DROP TABLE bake_readings;
DROP TABLE bake_pieces;
DROP TABLE bakes;
DROP TABLE oven_readings;
DROP TABLE ovens;
ALTER TABLE clay_brands DROP COLUMN minimum_minutes;
ALTER TABLE clay_brands DROP COLUMN minutes_per_6mm;
ALTER TABLE clay_brands DROP COLUMN max_c;
ALTER TABLE clay_brands DROP COLUMN min_c;
ALTER TABLE clay_brands DROP COLUMN temperature_f;
ALTER TABLE clay_brands DROP COLUMN temperature_c;
