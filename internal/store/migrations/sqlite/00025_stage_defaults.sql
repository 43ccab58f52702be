-- +goose Up
-- A studio's own work minutes per stage for a 40 mm piece, overriding the
-- planner's built-in defaults until five finished pieces teach it better.
-- A stage without a row keeps the built-in default.
CREATE TABLE stage_defaults (
    studio_id  TEXT NOT NULL REFERENCES studios (id) ON DELETE CASCADE,
    stage      TEXT NOT NULL CHECK (stage IN ('concept', 'armature', 'sculpt', 'texture', 'first_bake', 'sanding', 'colour_plan', 'paint', 'finish', 'mount', 'qc')),
    minutes    INTEGER NOT NULL CHECK (minutes BETWEEN 1 AND 10000),
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (studio_id, stage)
);

-- +goose Down
DROP TABLE stage_defaults;
