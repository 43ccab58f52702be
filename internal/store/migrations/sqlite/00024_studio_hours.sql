-- +goose Up
-- When the studio works, for the planner: the hours of each weekday in the
-- studio's time zone, the days it is closed, and the people who work on
-- pieces with their own hours if they keep others. Each column holds JSON
-- as the API writes it (people by user id). A studio without a row works
-- Monday to Friday, 09:00 to 17:00, its owner alone.
CREATE TABLE studio_hours (
    studio_id  TEXT PRIMARY KEY REFERENCES studios (id) ON DELETE CASCADE,
    weekdays   TEXT NOT NULL,
    days_off   TEXT NOT NULL,
    people     TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- +goose Down
DROP TABLE studio_hours;
