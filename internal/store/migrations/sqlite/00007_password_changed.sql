-- +goose Up
-- Sessions signed in before this moment no longer count: a reset password
-- ends every session of the account, on every instance.
ALTER TABLE users ADD COLUMN password_changed_at TIMESTAMP;

-- +goose Down
ALTER TABLE users DROP COLUMN password_changed_at;
