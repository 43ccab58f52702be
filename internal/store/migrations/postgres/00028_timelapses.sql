-- +goose Up
-- The making-of time-lapse of a piece, one row per piece: the state of the
-- job that makes it and the files of the last one made whole. A new run
-- sets the status back to queued or running but keeps the last files, so
-- that the studio and the public page show the previous video until the
-- new one is complete; a file is referred to only once it is stored whole.
CREATE TABLE timelapses (
    studio_id      TEXT NOT NULL,
    piece_id       TEXT PRIMARY KEY,
    status         TEXT NOT NULL CHECK (status IN ('queued', 'running', 'ready', 'failed')),
    progress       DOUBLE PRECISION NOT NULL DEFAULT 0 CHECK (progress >= 0 AND progress <= 1),
    mp4_file_id    TEXT,
    mp4_size       BIGINT NOT NULL DEFAULT 0,
    gif_file_id    TEXT,
    gif_size       BIGINT NOT NULL DEFAULT 0,
    poster_file_id TEXT,
    poster_size    BIGINT NOT NULL DEFAULT 0,
    -- The fingerprint of the process photos the files were made from: when
    -- the photos change, the time-lapse is remade.
    fingerprint    TEXT NOT NULL DEFAULT '',
    error          TEXT NOT NULL DEFAULT '',
    updated_at     TIMESTAMPTZ NOT NULL,
    FOREIGN KEY (studio_id, piece_id) REFERENCES pieces (studio_id, id) ON DELETE CASCADE,
    FOREIGN KEY (studio_id, mp4_file_id) REFERENCES files (studio_id, id),
    FOREIGN KEY (studio_id, gif_file_id) REFERENCES files (studio_id, id),
    FOREIGN KEY (studio_id, poster_file_id) REFERENCES files (studio_id, id)
);

-- +goose Down
DROP TABLE timelapses;
