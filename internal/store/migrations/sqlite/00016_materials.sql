-- +goose Up
-- The studio's inventory. Quantities are integers in thousandths of the
-- item's unit (studio.Quantity); money is in minor units of the studio's
-- currency. move_count numbers the item's moves: it is decided under the
-- item's lock, and material_moves' UNIQUE (material_id, seq) backs it.
CREATE TABLE materials (
    id                 TEXT PRIMARY KEY,
    studio_id          TEXT NOT NULL REFERENCES studios (id) ON DELETE CASCADE,
    name               TEXT NOT NULL,
    category           TEXT NOT NULL,
    unit               TEXT NOT NULL,
    quantity           BIGINT NOT NULL,
    unit_cost_cents    BIGINT NOT NULL,
    average_cost_cents BIGINT NOT NULL,
    reorder_level      BIGINT NOT NULL,
    supplier           TEXT NOT NULL DEFAULT '',
    notes              TEXT NOT NULL DEFAULT '',
    colour             TEXT NOT NULL DEFAULT '',
    line               TEXT NOT NULL DEFAULT '',
    move_count         BIGINT NOT NULL DEFAULT 0,
    created_at         TIMESTAMP NOT NULL,
    updated_at         TIMESTAMP NOT NULL,
    UNIQUE (studio_id, id),
    UNIQUE (studio_id, name)
);

-- Every change of an item's stock, kept for good.
CREATE TABLE material_moves (
    id                 TEXT PRIMARY KEY,
    studio_id          TEXT NOT NULL,
    material_id        TEXT NOT NULL,
    seq                BIGINT NOT NULL,
    kind               TEXT NOT NULL,
    quantity           BIGINT NOT NULL,
    unit_cost_cents    BIGINT NOT NULL DEFAULT 0,
    piece_id           TEXT,
    reason             TEXT NOT NULL DEFAULT '',
    quantity_after     BIGINT NOT NULL,
    average_after      BIGINT NOT NULL,
    user_id            TEXT NOT NULL DEFAULT '',
    created_at         TIMESTAMP NOT NULL,
    UNIQUE (material_id, seq),
    FOREIGN KEY (studio_id, material_id) REFERENCES materials (studio_id, id) ON DELETE CASCADE,
    FOREIGN KEY (studio_id, piece_id) REFERENCES pieces (studio_id, id)
);
CREATE INDEX material_moves_studio ON material_moves (studio_id, created_at);
CREATE INDEX material_moves_piece ON material_moves (piece_id);

-- Whether the studio lets stock go below zero (off: a use over stock is
-- refused).
CREATE TABLE material_settings (
    studio_id            TEXT PRIMARY KEY REFERENCES studios (id) ON DELETE CASCADE,
    allow_negative_stock BOOLEAN NOT NULL DEFAULT FALSE,
    updated_at           TIMESTAMP NOT NULL
);

-- +goose Down
DROP TABLE material_settings;
DROP INDEX material_moves_piece;
DROP INDEX material_moves_studio;
DROP TABLE material_moves;
DROP TABLE materials;
