-- +goose Up
-- Pipeline settings: the sanding progression (ascending grits, comma
-- separated) and the dry time of each finish in minutes (JSON object).
ALTER TABLE studios ADD COLUMN grit_progression TEXT NOT NULL DEFAULT '400,600,800,1000,1200,1500,2000';
ALTER TABLE studios ADD COLUMN coat_dry_minutes TEXT NOT NULL DEFAULT '{"epoxy":1440,"gloss_polyurethane":30,"matte_polyurethane":30}';

-- The clays a studio works with; the baking issue adds their temperatures.
CREATE TABLE clay_brands (
    studio_id TEXT NOT NULL REFERENCES studios (id) ON DELETE CASCADE,
    key       TEXT NOT NULL,
    name      TEXT NOT NULL,
    PRIMARY KEY (studio_id, key)
);

-- The studio's checklists, seeded from the guide and editable.
CREATE TABLE checklist_items (
    studio_id TEXT NOT NULL REFERENCES studios (id) ON DELETE CASCADE,
    key       TEXT NOT NULL,
    stage     TEXT NOT NULL,
    label     TEXT NOT NULL,
    required  BOOLEAN NOT NULL,
    position  INTEGER NOT NULL,
    PRIMARY KEY (studio_id, key)
);

CREATE TABLE pieces (
    id               TEXT PRIMARY KEY,
    studio_id        TEXT NOT NULL REFERENCES studios (id) ON DELETE CASCADE,
    commission_id    TEXT,
    edition_id       TEXT,
    subject          TEXT NOT NULL,
    clay_brands      TEXT NOT NULL DEFAULT '',
    target_height_mm DOUBLE PRECISION NOT NULL CHECK (target_height_mm > 0),
    max_thickness_mm DOUBLE PRECISION,
    height_mm        DOUBLE PRECISION,
    width_mm         DOUBLE PRECISION,
    depth_mm         DOUBLE PRECISION,
    foil_share_pct   DOUBLE PRECISION,
    stage            TEXT NOT NULL CHECK (stage IN ('concept', 'armature', 'sculpt', 'texture', 'first_bake', 'sanding', 'colour_plan', 'paint', 'finish', 'mount', 'qc', 'collector_grade', 'delivered')),
    -- counts every stage change: checks, grits and coats belong to a pass,
    -- so re-entering a stage starts it afresh
    pass             INTEGER NOT NULL DEFAULT 1,
    created_at       TIMESTAMPTZ NOT NULL,
    updated_at       TIMESTAMPTZ NOT NULL,
    UNIQUE (studio_id, id),
    FOREIGN KEY (studio_id, commission_id) REFERENCES commissions (studio_id, id)
);
CREATE UNIQUE INDEX pieces_commission ON pieces (commission_id);
CREATE INDEX pieces_studio_stage ON pieces (studio_id, stage);

-- Every stage change: who, when, why.
CREATE TABLE piece_events (
    id         TEXT PRIMARY KEY,
    studio_id  TEXT NOT NULL,
    piece_id   TEXT NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('created', 'advanced', 'returned', 'qc_passed', 'qc_failed', 'delivered')),
    from_stage TEXT,
    to_stage   TEXT NOT NULL,
    reason     TEXT NOT NULL DEFAULT '',
    user_id    TEXT,
    at         TIMESTAMPTZ NOT NULL,
    FOREIGN KEY (studio_id, piece_id) REFERENCES pieces (studio_id, id) ON DELETE CASCADE
);
CREATE INDEX piece_events_piece ON piece_events (piece_id, at);

CREATE TABLE piece_checks (
    studio_id TEXT NOT NULL,
    piece_id  TEXT NOT NULL,
    key       TEXT NOT NULL,
    pass      INTEGER NOT NULL,
    user_id   TEXT,
    at        TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (piece_id, key, pass),
    FOREIGN KEY (studio_id, piece_id) REFERENCES pieces (studio_id, id) ON DELETE CASCADE
);

CREATE TABLE sanding_log (
    id        TEXT PRIMARY KEY,
    studio_id TEXT NOT NULL,
    piece_id  TEXT NOT NULL,
    pass      INTEGER NOT NULL,
    grit      INTEGER NOT NULL CHECK (grit > 0),
    user_id   TEXT,
    at        TIMESTAMPTZ NOT NULL,
    UNIQUE (piece_id, pass, grit),
    FOREIGN KEY (studio_id, piece_id) REFERENCES pieces (studio_id, id) ON DELETE CASCADE
);

CREATE TABLE palettes (
    studio_id       TEXT NOT NULL,
    piece_id        TEXT PRIMARY KEY,
    colors          TEXT NOT NULL,
    override_reason TEXT NOT NULL DEFAULT '',
    updated_at      TIMESTAMPTZ NOT NULL,
    FOREIGN KEY (studio_id, piece_id) REFERENCES pieces (studio_id, id) ON DELETE CASCADE
);

CREATE TABLE coats (
    id                 TEXT PRIMARY KEY,
    studio_id          TEXT NOT NULL,
    piece_id           TEXT NOT NULL,
    pass               INTEGER NOT NULL,
    kind               TEXT NOT NULL CHECK (kind IN ('matte_polyurethane', 'gloss_polyurethane', 'epoxy')),
    sanded_2000_before BOOLEAN NOT NULL,
    applied_at         TIMESTAMPTZ NOT NULL,
    dry_at             TIMESTAMPTZ NOT NULL,
    user_id            TEXT,
    FOREIGN KEY (studio_id, piece_id) REFERENCES pieces (studio_id, id) ON DELETE CASCADE
);
CREATE INDEX coats_piece ON coats (piece_id, pass, applied_at);

-- Timers a piece waits on (a coat drying, later a bake, a cool-down); a
-- durable job marks each fired when it is due.
CREATE TABLE timers (
    id         TEXT PRIMARY KEY,
    studio_id  TEXT NOT NULL,
    piece_id   TEXT NOT NULL,
    kind       TEXT NOT NULL,
    label      TEXT NOT NULL,
    due_at     TIMESTAMPTZ NOT NULL,
    fired_at   TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL,
    FOREIGN KEY (studio_id, piece_id) REFERENCES pieces (studio_id, id) ON DELETE CASCADE
);
CREATE INDEX timers_open ON timers (studio_id, fired_at, due_at);

CREATE TABLE qc_attempts (
    id        TEXT PRIMARY KEY,
    studio_id TEXT NOT NULL,
    piece_id  TEXT NOT NULL,
    checks    TEXT NOT NULL,
    passed    BOOLEAN NOT NULL,
    return_to TEXT,
    notes     TEXT NOT NULL DEFAULT '',
    user_id   TEXT,
    at        TIMESTAMPTZ NOT NULL,
    FOREIGN KEY (studio_id, piece_id) REFERENCES pieces (studio_id, id) ON DELETE CASCADE
);

-- Work time per stage: a running timer (stopped_at null) or entered minutes.
CREATE TABLE work_sessions (
    id         TEXT PRIMARY KEY,
    studio_id  TEXT NOT NULL,
    piece_id   TEXT NOT NULL,
    stage      TEXT NOT NULL,
    started_at TIMESTAMPTZ NOT NULL,
    stopped_at TIMESTAMPTZ,
    minutes    INTEGER CHECK (minutes >= 0),
    user_id    TEXT,
    FOREIGN KEY (studio_id, piece_id) REFERENCES pieces (studio_id, id) ON DELETE CASCADE
);
CREATE INDEX work_sessions_piece ON work_sessions (piece_id, stage);

-- Process photos belong to a piece and its stage.
ALTER TABLE photos ADD COLUMN piece_id TEXT;
CREATE INDEX photos_piece ON photos (piece_id, created_at);

-- +goose Down
DROP INDEX photos_piece;
ALTER TABLE photos DROP COLUMN piece_id;
DROP TABLE work_sessions;
DROP TABLE qc_attempts;
DROP TABLE timers;
DROP TABLE coats;
DROP TABLE palettes;
DROP TABLE sanding_log;
DROP TABLE piece_checks;
DROP TABLE piece_events;
DROP TABLE pieces;
DROP TABLE checklist_items;
DROP TABLE clay_brands;
ALTER TABLE studios DROP COLUMN coat_dry_minutes;
ALTER TABLE studios DROP COLUMN grit_progression;
