-- +goose Up
-- Palettes suggested from a piece's photos (issue 17, point 3). Each is
-- kept as it was made, so that the one an artist looked at is the one a
-- tap adopts, and its preview can be drawn again later. The photos are
-- named, not referenced: a photo deleted since leaves the suggestion as
-- a record of what it was made from.
CREATE TABLE palette_suggestions (
    id          TEXT PRIMARY KEY,
    studio_id   TEXT NOT NULL,
    piece_id    TEXT NOT NULL,
    count       INTEGER NOT NULL CHECK (count BETWEEN 3 AND 4),
    photo_ids   TEXT NOT NULL,
    colors      TEXT NOT NULL,
    delta_e00_mean DOUBLE PRECISION NOT NULL,
    delta_e00_p95  DOUBLE PRECISION NOT NULL,
    user_id     TEXT,
    created_at  TIMESTAMP NOT NULL,
    FOREIGN KEY (studio_id, piece_id) REFERENCES pieces (studio_id, id) ON DELETE CASCADE
);
CREATE INDEX palette_suggestions_piece ON palette_suggestions (piece_id, created_at);

-- +goose Down
DROP TABLE palette_suggestions;
