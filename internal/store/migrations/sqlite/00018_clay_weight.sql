-- +goose Up
-- What one unit of an item weighs, in milligrams, so that clay counted in
-- blocks can be counted in grams too: the clay logged on finished pieces
-- fits the studio's clay model, and a quote prices the grams it expects.
-- 0 is not known; an item counted in grams needs none.
ALTER TABLE materials ADD COLUMN grams_per_unit BIGINT NOT NULL DEFAULT 0 CHECK (grams_per_unit >= 0);

-- +goose Down
ALTER TABLE materials DROP COLUMN grams_per_unit;
