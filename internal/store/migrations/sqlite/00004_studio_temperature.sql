-- +goose Up
ALTER TABLE studios ADD COLUMN temperature_unit TEXT NOT NULL DEFAULT 'C' CHECK (temperature_unit IN ('C', 'F'));

-- +goose Down
ALTER TABLE studios DROP COLUMN temperature_unit;
