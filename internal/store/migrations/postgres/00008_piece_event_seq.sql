-- +goose Up
-- A piece's history is a chain: each event takes the next number of its
-- piece, decided under the piece's lock, and the unique index turns a
-- fork of the chain into an error instead of a second branch. Times alone
-- cannot order it: a writer that waited for the lock began earlier than
-- the one it waited for. NULL is a row restored from an archive written
-- before the numbers; the restore numbers those.
ALTER TABLE piece_events ADD COLUMN seq INTEGER;
UPDATE piece_events SET seq = (SELECT count(*) FROM piece_events e WHERE e.piece_id = piece_events.piece_id
	AND (e.at < piece_events.at OR (e.at = piece_events.at AND e.id <= piece_events.id)));
CREATE UNIQUE INDEX piece_events_seq ON piece_events (piece_id, seq);

-- +goose Down
DROP INDEX piece_events_seq;
ALTER TABLE piece_events DROP COLUMN seq;
