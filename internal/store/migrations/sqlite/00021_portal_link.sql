-- +goose Up
-- A commission's portal link, kept so that the studio can show it again
-- (copy it, open it as the client sees it, e-mail it again). The link is
-- found by the hash in commissions.portal_token_hash; this row holds the
-- same secret sealed with the install secret (auth.Seal, purpose "portal
-- link <commission id>"). A commission from before this table has no row:
-- its page offers a new link, which replaces the hash and so ends the old
-- one. Backups leave the table out: an archive, which may be unencrypted,
-- must carry no working link in clear, and a restored install (another
-- secret) could not open the seal; there too the page offers a new link.
CREATE TABLE portal_links (
    commission_id TEXT PRIMARY KEY REFERENCES commissions (id) ON DELETE CASCADE,
    studio_id     TEXT NOT NULL REFERENCES studios (id) ON DELETE CASCADE,
    token_sealed  BLOB NOT NULL,
    created_at    TIMESTAMP NOT NULL
);

-- +goose Down
DROP TABLE portal_links;
