-- +goose Up
-- When the studio read a client's message: set as the commission's page
-- is opened, so that Today and the navigation count what is still unread.
-- Messages already there count as read: the studio has had them in view
-- all along, and a first badge of every old message would only be noise.
ALTER TABLE messages ADD COLUMN read_at TIMESTAMPTZ;
UPDATE messages SET read_at = created_at WHERE author = 'client';
-- The navigation counts unread messages on every page: a partial index
-- keeps that count to the few rows it is about.
CREATE INDEX messages_unread ON messages (studio_id, created_at) WHERE author = 'client' AND read_at IS NULL;

-- +goose Down
DROP INDEX messages_unread;
ALTER TABLE messages DROP COLUMN read_at;
