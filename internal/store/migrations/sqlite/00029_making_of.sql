-- +goose Up
-- When the artist published the piece's making-of page; NULL while it is
-- private. The page shows only while the client's consent also holds,
-- which is read from the commission each time, not copied here.
ALTER TABLE pieces ADD COLUMN making_of_published_at TIMESTAMP;

-- +goose Down
ALTER TABLE pieces DROP COLUMN making_of_published_at;
