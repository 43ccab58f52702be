-- +goose Up
-- The prices that turn a piece's logs into its cost and a suggested
-- price: the studio's hourly rate, what a kilowatt-hour costs it (in
-- thousandths of a minor unit: tariffs have fractions of a cent), its
-- markup and how the suggested price is rounded. A studio without a row
-- has no rates yet: costs count materials only, with the default markup.
CREATE TABLE costing_settings (
    studio_id             TEXT PRIMARY KEY REFERENCES studios (id) ON DELETE CASCADE,
    hourly_rate_cents     BIGINT NOT NULL DEFAULT 0 CHECK (hourly_rate_cents >= 0),
    kwh_price_milli_cents BIGINT NOT NULL DEFAULT 0 CHECK (kwh_price_milli_cents >= 0),
    markup                DOUBLE PRECISION NOT NULL DEFAULT 2,
    rounding              TEXT NOT NULL DEFAULT '',
    updated_at            TIMESTAMPTZ NOT NULL
);

-- +goose Down
DROP TABLE costing_settings;
