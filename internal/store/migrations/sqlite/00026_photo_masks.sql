-- +goose Up
-- The artist's cut-outs of a photo's figure: a new version per edit, the
-- older ones kept. The mask itself, a greyscale PNG in the upright photo's
-- pixels, is a blob in the file store like the photo: the database stays
-- small, the blob is served and backed up as every other file is, and a
-- version the artist makes twice is stored once. The request is what the
-- artist drew (rectangle and strokes, as JSON), so that an edit starts
-- from it. top_px and bottom_px bound the figure's rows, for the default
-- guide lines.
CREATE TABLE photo_masks (
    id         TEXT PRIMARY KEY,
    studio_id  TEXT NOT NULL,
    photo_id   TEXT NOT NULL,
    version    INTEGER NOT NULL CHECK (version > 0),
    request    TEXT NOT NULL,
    area_px    INTEGER NOT NULL CHECK (area_px >= 0),
    width      INTEGER NOT NULL CHECK (width > 0),
    height     INTEGER NOT NULL CHECK (height > 0),
    top_px     INTEGER NOT NULL CHECK (top_px >= 0),
    bottom_px  INTEGER NOT NULL CHECK (bottom_px >= top_px),
    file_id    TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    user_id    TEXT,
    UNIQUE (photo_id, version),
    FOREIGN KEY (studio_id, photo_id) REFERENCES photos (studio_id, id) ON DELETE CASCADE,
    FOREIGN KEY (studio_id, file_id) REFERENCES files (studio_id, id)
);
CREATE INDEX photo_masks_studio ON photo_masks (studio_id, photo_id, version);

-- Where the artist put the face's guide lines on a photo, as rows of the
-- upright photo in pixels (fractions would move with every new cut-out).
-- A photo without a row has the classic proportions.
CREATE TABLE face_guides (
    studio_id  TEXT NOT NULL,
    photo_id   TEXT PRIMARY KEY,
    eyes       DOUBLE PRECISION NOT NULL CHECK (eyes >= 0),
    nose_base  DOUBLE PRECISION NOT NULL CHECK (nose_base >= eyes),
    mouth      DOUBLE PRECISION NOT NULL CHECK (mouth >= nose_base),
    chin       DOUBLE PRECISION NOT NULL CHECK (chin >= mouth),
    updated_at TIMESTAMP NOT NULL,
    user_id    TEXT,
    FOREIGN KEY (studio_id, photo_id) REFERENCES photos (studio_id, id) ON DELETE CASCADE
);

-- +goose Down
DROP TABLE face_guides;
DROP TABLE photo_masks;
