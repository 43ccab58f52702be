-- +goose Up
-- The daily reorder digests sent, one row per studio and local day
-- (YYYY-MM-DD in the studio's time zone). The row is written in the
-- transaction that queues the digest's mail, and its primary key makes a
-- second digest the same day impossible, however many processes run the
-- job. With mail off the row is written all the same (mails = 0), so that
-- turning mail on later sends no stale digest. Backups leave it out: it
-- only remembers that a mail went.
CREATE TABLE material_digests (
    studio_id  TEXT NOT NULL REFERENCES studios (id) ON DELETE CASCADE,
    day        TEXT NOT NULL,
    items      BIGINT NOT NULL,
    mails      BIGINT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (studio_id, day)
);

-- +goose Down
DROP TABLE material_digests;
