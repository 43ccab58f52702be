package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"atelier/internal/auth"
	"atelier/internal/studio"
)

// CalendarTokenPrefix marks a calendar feed token, so that one that leaked
// is recognised for what it is.
const CalendarTokenPrefix = "cal_"

// calendarSealPurpose binds sealed calendar tokens to this one use of the
// install secret.
const calendarSealPurpose = "calendar token"

// CalendarFeed is what a user's calendar feed shows: the studio's running
// timers and the dates of its open commissions.
type CalendarFeed struct {
	User   studio.User
	Studio studio.Studio
	// Timers are the studio's timers not yet fired, soonest first.
	Timers []FeedTimer
	// Commissions are the open ones with a promised date or a client's
	// deadline, by id.
	Commissions []studio.Commission
}

// FeedTimer is a running timer with what a calendar entry says about it.
type FeedTimer struct {
	Timer
	// Subject is the subject of the piece the timer belongs to.
	Subject string
	// StartedAt is when the timer was started; it never changes, so it
	// also stamps the calendar entry.
	StartedAt time.Time
}

// CalendarToken returns the user's calendar feed token, issuing one the
// first time. The token is kept sealed with secret, the install secret; a
// token sealed under another secret (the secret was changed) cannot be
// shown again and is replaced by a new one.
func (s *Store) CalendarToken(ctx context.Context, userID string, secret []byte) (token string, err error) {
	err = s.read(ctx, func(tx *Tx) error {
		token, _, err = sealedCalendarToken(ctx, tx, userID, secret)
		return err
	})
	if err != nil || token != "" {
		return token, err
	}
	err = s.write(ctx, func(tx *Tx) error {
		var stale bool
		token, stale, err = sealedCalendarToken(ctx, tx, userID, secret)
		if err != nil || token != "" {
			return err
		}
		if token, err = issueCalendarToken(ctx, tx, userID, secret, stale); err != nil || token != "" {
			return err
		}
		// Another request issued the first one meanwhile: it is the user's.
		if token, _, err = sealedCalendarToken(ctx, tx, userID, secret); err == nil && token == "" {
			err = errors.New("store: calendar token neither issued nor found")
		}
		return err
	})
	return token, err
}

// RotateCalendarToken gives the user a new calendar feed token; the old
// one no longer finds the feed.
func (s *Store) RotateCalendarToken(ctx context.Context, userID string, secret []byte) (token string, err error) {
	err = s.write(ctx, func(tx *Tx) error {
		token, err = issueCalendarToken(ctx, tx, userID, secret, true)
		return err
	})
	return token, err
}

// sealedCalendarToken opens the user's stored token: "" when there is
// none, or when the row found (stale) was sealed under another secret. In
// a write transaction on PostgreSQL it locks the row, so that of two
// requests replacing a stale token the second sees the first one's.
func sealedCalendarToken(ctx context.Context, tx *Tx, userID string, secret []byte) (token string, stale bool, err error) {
	var sealed []byte
	err = tx.QueryRowContext(ctx, `SELECT token_sealed FROM calendar_tokens WHERE user_id = $1`+tx.lock, userID).Scan(&sealed)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	if err != nil {
		return "", false, err
	}
	plain, err := auth.Open(secret, calendarSealPurpose, sealed)
	if errors.Is(err, auth.ErrSealed) {
		return "", true, nil
	}
	return string(plain), false, err
}

// issueCalendarToken stores a new token for the user. With replace it
// takes the place of the user's token; without, a user who has one
// already keeps it and "" is returned.
func issueCalendarToken(ctx context.Context, tx *Tx, userID string, secret []byte, replace bool) (string, error) {
	u, err := userWhere(ctx, tx, "id = $1", userID)
	if err != nil {
		return "", err
	}
	token := auth.NewToken(CalendarTokenPrefix)
	sealed, err := auth.Seal(secret, calendarSealPurpose, []byte(token))
	if err != nil {
		return "", err
	}
	conflict := ` ON CONFLICT (user_id) DO NOTHING`
	if replace {
		conflict = ` ON CONFLICT (user_id) DO UPDATE SET token_hash = excluded.token_hash, token_sealed = excluded.token_sealed, created_at = excluded.created_at`
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO calendar_tokens (user_id, studio_id, token_hash, token_sealed, created_at) VALUES ($1, $2, $3, $4, $5)`+conflict,
		u.ID, u.StudioID, auth.HashToken(token), sealed, tx.now)
	if err != nil {
		return "", err
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return "", err
	}
	return token, nil
}

// CalendarFeed finds the feed of a calendar token. An unknown or replaced
// token is not found.
func (s *Store) CalendarFeed(ctx context.Context, token string) (f CalendarFeed, err error) {
	if !strings.HasPrefix(token, CalendarTokenPrefix) {
		return f, notFound("calendar")
	}
	err = s.read(ctx, func(tx *Tx) error {
		var userID string
		err := tx.QueryRowContext(ctx, `SELECT user_id FROM calendar_tokens WHERE token_hash = $1`, auth.HashToken(token)).Scan(&userID)
		if errors.Is(err, sql.ErrNoRows) {
			return notFound("calendar")
		}
		if err != nil {
			return err
		}
		if f.User, err = userWhere(ctx, tx, "id = $1", userID); err != nil {
			return err
		}
		if f.Studio, err = studioWhere(ctx, tx, "id = $1", f.User.StudioID); err != nil {
			return err
		}
		if f.Timers, err = feedTimers(ctx, tx, f.Studio.ID); err != nil {
			return err
		}
		f.Commissions, err = feedCommissions(ctx, tx, f.Studio.ID)
		return err
	})
	return f, err
}

func feedTimers(ctx context.Context, tx *Tx, studioID string) (timers []FeedTimer, err error) {
	// A timer that belongs to no piece (a whole bake, say) still shows.
	err = each(ctx, tx, `SELECT t.id, COALESCE(t.piece_id, ''), t.kind, t.label, t.due_at, t.fired_at, COALESCE(p.subject, ''), t.created_at
		FROM timers t LEFT JOIN pieces p ON p.id = t.piece_id
		WHERE t.studio_id = $1 AND t.fired_at IS NULL ORDER BY t.due_at, t.id`, []any{studioID}, func(r *sql.Rows) error {
		var t FeedTimer
		var err error
		t.Timer, err = scanTimer(scanTail{r, []any{&t.Subject, &t.StartedAt}})
		t.StartedAt = t.StartedAt.UTC()
		timers = append(timers, t)
		return err
	})
	return timers, err
}

func feedCommissions(ctx context.Context, tx *Tx, studioID string) (cs []studio.Commission, err error) {
	var open []string
	for _, st := range studio.CommissionStatuses {
		if st.Open() {
			open = append(open, string(st))
		}
	}
	marks, args := inList(2, open)
	err = each(ctx, tx, `SELECT `+commissionColumns+` FROM commissions
		WHERE studio_id = $1 AND status IN (`+marks+`) AND (promised_date <> '' OR deadline <> '') ORDER BY id`,
		append([]any{studioID}, args...), func(r *sql.Rows) error {
			c, err := scanCommission(r)
			cs = append(cs, c)
			return err
		})
	return cs, err
}
