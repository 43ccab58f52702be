-- +goose Up
-- Studio settings the questionnaire and photos need.
ALTER TABLE studios ADD COLUMN pixel_limit BIGINT NOT NULL DEFAULT 50000000 CHECK (pixel_limit > 0);
-- Website origins allowed to post inquiries across origins, one per line.
ALTER TABLE studios ADD COLUMN website_origins TEXT NOT NULL DEFAULT '';

CREATE TABLE commissions (
    id                   TEXT PRIMARY KEY,
    studio_id            TEXT NOT NULL REFERENCES studios (id) ON DELETE CASCADE,
    status               TEXT NOT NULL CHECK (status IN ('inquiry', 'quoted', 'accepted', 'in_production', 'ready', 'shipped', 'closed', 'declined', 'cancelled')),
    subject_name         TEXT NOT NULL,
    relationship         TEXT NOT NULL DEFAULT '',
    occasion             TEXT NOT NULL DEFAULT '',
    pose                 TEXT NOT NULL DEFAULT '',
    clothing             TEXT NOT NULL DEFAULT '',
    props                TEXT NOT NULL DEFAULT '',
    story                TEXT NOT NULL DEFAULT '',
    target_height_mm     DOUBLE PRECISION,
    base_wishes          TEXT NOT NULL DEFAULT '',
    box_wishes           TEXT NOT NULL DEFAULT '',
    deadline             TEXT,
    budget_cents         BIGINT CHECK (budget_cents >= 0),
    contact_name         TEXT NOT NULL,
    contact_email        TEXT NOT NULL,
    consent_show_process BOOLEAN NOT NULL DEFAULT FALSE,
    price_cents          BIGINT CHECK (price_cents > 0),
    deposit_cents        BIGINT CHECK (deposit_cents >= 0),
    promised_date        TEXT,
    reason               TEXT NOT NULL DEFAULT '',
    tracking             TEXT NOT NULL DEFAULT '',
    -- the client portal's secret, stored hashed
    portal_token_hash    TEXT NOT NULL UNIQUE,
    created_at           TIMESTAMPTZ NOT NULL,
    updated_at           TIMESTAMPTZ NOT NULL,
    UNIQUE (studio_id, id)
);
CREATE INDEX commissions_studio_status ON commissions (studio_id, status, created_at);

-- Every status a commission reached: who, when, why.
CREATE TABLE commission_events (
    id            TEXT PRIMARY KEY,
    studio_id     TEXT NOT NULL,
    commission_id TEXT NOT NULL,
    status        TEXT NOT NULL,
    user_id       TEXT,
    note          TEXT NOT NULL DEFAULT '',
    at            TIMESTAMPTZ NOT NULL,
    FOREIGN KEY (studio_id, commission_id) REFERENCES commissions (studio_id, id) ON DELETE CASCADE
);
CREATE INDEX commission_events_commission ON commission_events (commission_id, at);

-- Photos: a client's references (by angle) and the studio's process photos.
CREATE TABLE photos (
    id            TEXT PRIMARY KEY,
    studio_id     TEXT NOT NULL REFERENCES studios (id) ON DELETE CASCADE,
    commission_id TEXT,
    kind          TEXT NOT NULL CHECK (kind IN ('reference', 'process')),
    angle         TEXT CHECK (angle IN ('front', 'left_profile', 'right_profile', 'three_quarter', 'back', 'other')),
    stage         TEXT,
    file_id       TEXT NOT NULL,
    width         INTEGER NOT NULL CHECK (width > 0),
    height        INTEGER NOT NULL CHECK (height > 0),
    shared        BOOLEAN NOT NULL DEFAULT FALSE,
    caption       TEXT NOT NULL DEFAULT '',
    uploaded_by   TEXT NOT NULL CHECK (uploaded_by IN ('client', 'studio')),
    created_at    TIMESTAMPTZ NOT NULL,
    UNIQUE (studio_id, id),
    FOREIGN KEY (studio_id, commission_id) REFERENCES commissions (studio_id, id) ON DELETE CASCADE,
    FOREIGN KEY (studio_id, file_id) REFERENCES files (studio_id, id)
);
CREATE INDEX photos_commission ON photos (commission_id, kind, created_at);

-- Derived images without metadata, made by a background job: 1600, 400 and
-- 160 px on the long side.
CREATE TABLE photo_variants (
    studio_id TEXT NOT NULL,
    photo_id  TEXT NOT NULL,
    size      INTEGER NOT NULL CHECK (size IN (1600, 400, 160)),
    file_id   TEXT NOT NULL,
    width     INTEGER NOT NULL,
    height    INTEGER NOT NULL,
    PRIMARY KEY (photo_id, size),
    FOREIGN KEY (studio_id, photo_id) REFERENCES photos (studio_id, id) ON DELETE CASCADE,
    FOREIGN KEY (studio_id, file_id) REFERENCES files (studio_id, id)
);

-- Messages between studio and client, both ways.
CREATE TABLE messages (
    id            TEXT PRIMARY KEY,
    studio_id     TEXT NOT NULL,
    commission_id TEXT NOT NULL,
    author        TEXT NOT NULL CHECK (author IN ('client', 'studio')),
    user_id       TEXT,
    body          TEXT NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL,
    FOREIGN KEY (studio_id, commission_id) REFERENCES commissions (studio_id, id) ON DELETE CASCADE
);
CREATE INDEX messages_commission ON messages (commission_id, created_at);

-- Mail waiting to be sent (or sent), so that a mail server being down
-- loses nothing; a background job sends each and retries with back-off.
CREATE TABLE outbox (
    id         TEXT PRIMARY KEY,
    studio_id  TEXT NOT NULL REFERENCES studios (id) ON DELETE CASCADE,
    message_id TEXT REFERENCES messages (id) ON DELETE SET NULL,
    to_email   TEXT NOT NULL,
    subject    TEXT NOT NULL,
    body       TEXT NOT NULL,
    status     TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'failed')),
    attempts   INTEGER NOT NULL DEFAULT 0,
    last_error TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL,
    sent_at    TIMESTAMPTZ
);
CREATE INDEX outbox_studio_status ON outbox (studio_id, status);

-- +goose Down
DROP TABLE outbox;
DROP TABLE messages;
DROP TABLE photo_variants;
DROP TABLE photos;
DROP TABLE commission_events;
DROP TABLE commissions;
ALTER TABLE studios DROP COLUMN website_origins;
ALTER TABLE studios DROP COLUMN pixel_limit;
