package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"atelier/internal/auth"
	"atelier/internal/studio"
)

// NewPhoto is an uploaded image whose blob is already stored (files.Save)
// and whose content has been checked.
type NewPhoto struct {
	Angle       studio.Angle
	SHA256      string
	Size        int64
	ContentType string
	Name        string
	Width       int
	Height      int
}

// CommissionDetail is a commission with everything its page shows.
type CommissionDetail struct {
	studio.Commission
	Photos        []studio.Photo
	Events        []studio.CommissionEvent
	Messages      []studio.Message
	MissingAngles []string
	// PieceID is the piece accepting the commission started, if any, and
	// PieceStage the stage it is at.
	PieceID    string
	PieceStage studio.Stage
}

// DepositDue reports whether the quote asks for a deposit before work
// begins, as the portal tells the client.
func (d CommissionDetail) DepositDue() bool { return d.DepositCents != nil && *d.DepositCents > 0 }

// ReferenceAngles lists the angles of the reference photos.
func (d CommissionDetail) ReferenceAngles() []studio.Angle {
	var as []studio.Angle
	for _, p := range d.Photos {
		if p.Kind == studio.ReferencePhoto {
			as = append(as, p.Angle)
		}
	}
	return as
}

const commissionColumns = `id, studio_id, status, subject_name, relationship, occasion, pose, clothing, props, story,
	target_height_mm, base_wishes, box_wishes, deadline, budget_cents, contact_name, contact_email, consent_show_process,
	price_cents, deposit_cents, promised_date, reason, tracking, created_at, updated_at`

func scanCommission(row interface{ Scan(...any) error }) (studio.Commission, error) {
	var c studio.Commission
	var height sql.NullFloat64
	var deadline, promised sql.NullString
	var budget, price, deposit sql.NullInt64
	in := &c.Inquiry
	err := row.Scan(&c.ID, &c.StudioID, &c.Status, &in.SubjectName, &in.Relationship, &in.Occasion, &in.Pose, &in.Clothing,
		&in.Props, &in.Story, &height, &in.BaseWishes, &in.BoxWishes, &deadline, &budget, &in.ContactName, &in.ContactEmail,
		&in.ConsentShowProcess, &price, &deposit, &promised, &c.Reason, &c.Tracking, &c.CreatedAt, &c.UpdatedAt)
	if height.Valid {
		in.TargetHeightMM = &height.Float64
	}
	in.Deadline, c.PromisedDate = deadline.String, promised.String
	in.BudgetCents, c.PriceCents, c.DepositCents = nullInt(budget), nullInt(price), nullInt(deposit)
	c.CreatedAt, c.UpdatedAt = c.CreatedAt.UTC(), c.UpdatedAt.UTC()
	return c, err
}

func nullInt(n sql.NullInt64) *int64 {
	if !n.Valid {
		return nil
	}
	return &n.Int64
}

func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// CreateInquiry records a client's questionnaire and reference photos as a
// new commission, and returns it with the secret of its client portal,
// which is found by its hash and kept sealed (see keepPortalLink).
func (s *Store) CreateInquiry(ctx context.Context, studioID string, in studio.InquiryFields, photos []NewPhoto) (c studio.Commission, portal string, err error) {
	portal = auth.NewToken("")
	err = s.write(ctx, func(tx *Tx) error {
		st, err := studioWhere(ctx, tx, "id = $1", studioID)
		if err != nil {
			return err
		}
		if err := in.Validate(st.Today(tx.now)); err != nil {
			return err
		}
		if in.TargetHeightMM == nil {
			h := studio.DefaultTargetHeightMM
			in.TargetHeightMM = &h
		}
		c = studio.Commission{ID: auth.NewID(), StudioID: studioID, Status: studio.Inquiry, Inquiry: in, CreatedAt: tx.now, UpdatedAt: tx.now}
		if err := insertCommission(ctx, tx, c, auth.HashToken(portal)); err != nil {
			return err
		}
		if err := keepPortalLink(ctx, tx, c, portal); err != nil {
			return err
		}
		if err := addEvent(ctx, tx, c, "", "inquiry received"); err != nil {
			return err
		}
		for _, p := range photos {
			if _, err := s.insertPhoto(ctx, tx, referenceOf(c, studio.ByClient), p); err != nil {
				return err
			}
		}
		return nil
	})
	return c, portal, err
}

func insertCommission(ctx context.Context, tx *Tx, c studio.Commission, portalHash string) error {
	in := c.Inquiry
	_, err := tx.ExecContext(ctx, `INSERT INTO commissions (`+commissionColumns+`, portal_token_hash)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26)`,
		c.ID, c.StudioID, c.Status, in.SubjectName, in.Relationship, in.Occasion, in.Pose, in.Clothing, in.Props, in.Story,
		in.TargetHeightMM, in.BaseWishes, in.BoxWishes, nullString(in.Deadline), in.BudgetCents, in.ContactName, in.ContactEmail,
		in.ConsentShowProcess, c.PriceCents, c.DepositCents, nullString(c.PromisedDate), c.Reason, c.Tracking, c.CreatedAt, c.UpdatedAt, portalHash)
	return err
}

func addEvent(ctx context.Context, tx *Tx, c studio.Commission, userID, note string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO commission_events (id, studio_id, commission_id, status, user_id, note, at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		auth.NewID(), c.StudioID, c.ID, c.Status, nullString(userID), note, tx.now)
	return err
}

// insertPhoto records the file and the photo and asks for its variants.
func (s *Store) insertPhoto(ctx context.Context, tx *Tx, ph studio.Photo, p NewPhoto) (studio.Photo, error) {
	if ph.Kind == studio.ReferencePhoto && !p.Angle.Valid() {
		return studio.Photo{}, studio.FieldError("angle", "must be one of front, left_profile, right_profile, three_quarter, back, other")
	}
	f, err := createFile(ctx, tx, studio.File{StudioID: ph.StudioID, SHA256: p.SHA256, Size: p.Size, ContentType: p.ContentType, Name: p.Name})
	if err != nil {
		return studio.Photo{}, err
	}
	ph.ID, ph.Angle, ph.FileID, ph.Width, ph.Height, ph.CreatedAt = auth.NewID(), p.Angle, f.ID, p.Width, p.Height, tx.now
	_, err = tx.ExecContext(ctx, `INSERT INTO photos (id, studio_id, commission_id, piece_id, kind, angle, stage, file_id, width, height, shared, caption, uploaded_by, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`, ph.ID, ph.StudioID, nullString(ph.CommissionID), nullString(ph.PieceID),
		ph.Kind, nullString(string(ph.Angle)), nullString(ph.Stage), ph.FileID, ph.Width, ph.Height, ph.Shared, ph.Caption, ph.UploadedBy, ph.CreatedAt)
	if err != nil {
		return ph, err
	}
	return ph, s.enqueue(ctx, tx, ThumbnailJob{StudioID: ph.StudioID, PhotoID: ph.ID})
}

// referenceOf is a client's reference photo of a commission.
func referenceOf(c studio.Commission, by string) studio.Photo {
	return studio.Photo{StudioID: c.StudioID, CommissionID: c.ID, Kind: studio.ReferencePhoto, UploadedBy: by}
}

// Commission loads a commission of the studio with its photos, history and
// messages.
func (s *Store) Commission(ctx context.Context, studioID, id string) (d CommissionDetail, err error) {
	err = s.read(ctx, func(tx *Tx) error {
		d, err = commissionDetail(ctx, tx, "studio_id = $1 AND id = $2", studioID, id)
		return err
	})
	return d, err
}

// CommissionByPortal finds the commission whose client portal the secret
// opens, with its studio. An unknown secret is "not found".
func (s *Store) CommissionByPortal(ctx context.Context, secret string) (st studio.Studio, d CommissionDetail, err error) {
	err = s.read(ctx, func(tx *Tx) error {
		if d, err = commissionDetail(ctx, tx, "portal_token_hash = $1", auth.HashToken(secret)); err != nil {
			return err
		}
		st, err = studioWhere(ctx, tx, "id = $1", d.StudioID)
		return err
	})
	return st, d, err
}

// commissionWhere loads a commission's own row, without its photos,
// events and messages; in a write transaction it holds the commission's
// lock until the end (see the package comment).
func commissionWhere(ctx context.Context, tx *Tx, where string, args ...any) (studio.Commission, error) {
	c, err := scanCommission(tx.QueryRowContext(ctx, `SELECT `+commissionColumns+` FROM commissions WHERE `+where+tx.lock, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return c, notFound("commission")
	}
	if err == nil {
		tx.locked()
	}
	return c, err
}

func commissionDetail(ctx context.Context, tx *Tx, where string, args ...any) (CommissionDetail, error) {
	var d CommissionDetail
	c, err := commissionWhere(ctx, tx, where, args...)
	if err != nil {
		return d, err
	}
	d.Commission = c
	if d.Photos, err = commissionPhotos(ctx, tx, c.StudioID, []string{c.ID}); err != nil {
		return d, err
	}
	if d.Events, err = commissionEvents(ctx, tx, c.ID); err != nil {
		return d, err
	}
	if d.Messages, err = commissionMessages(ctx, tx, c.ID); err != nil {
		return d, err
	}
	d.MissingAngles = studio.MissingAngles(d.ReferenceAngles())
	err = tx.QueryRowContext(ctx, `SELECT id, stage FROM pieces WHERE commission_id = $1`, c.ID).Scan(&d.PieceID, &d.PieceStage)
	if errors.Is(err, sql.ErrNoRows) {
		err = nil
	}
	return d, err
}

func commissionEvents(ctx context.Context, tx *Tx, id string) ([]studio.CommissionEvent, error) {
	rows, err := tx.QueryContext(ctx, `SELECT status, user_id, note, at FROM commission_events WHERE commission_id = $1 ORDER BY at, id`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []studio.CommissionEvent
	for rows.Next() {
		var e studio.CommissionEvent
		var user sql.NullString
		if err := rows.Scan(&e.Status, &user, &e.Note, &e.At); err != nil {
			return nil, err
		}
		e.UserID, e.At = user.String, e.At.UTC()
		out = append(out, e)
	}
	return out, rows.Err()
}

func commissionMessages(ctx context.Context, tx *Tx, id string) ([]studio.Message, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id, commission_id, author, user_id, body, created_at FROM messages WHERE commission_id = $1 ORDER BY created_at, id`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []studio.Message
	for rows.Next() {
		var m studio.Message
		var user sql.NullString
		if err := rows.Scan(&m.ID, &m.CommissionID, &m.Author, &user, &m.Body, &m.CreatedAt); err != nil {
			return nil, err
		}
		m.UserID, m.CreatedAt = user.String, m.CreatedAt.UTC()
		out = append(out, m)
	}
	return out, rows.Err()
}

// commissionPhotos loads the photos of the given commissions with their variants.
func commissionPhotos(ctx context.Context, tx *Tx, studioID string, ids []string) ([]studio.Photo, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	marks, args := inList(2, ids)
	return photosWhere(ctx, tx, `p.studio_id = $1 AND p.commission_id IN (`+marks+`)`, append([]any{studioID}, args...)...)
}

// photosWhere loads photos with their variants.
func photosWhere(ctx context.Context, tx *Tx, where string, args ...any) ([]studio.Photo, error) {
	rows, err := tx.QueryContext(ctx, `SELECT p.id, p.studio_id, p.commission_id, p.piece_id, p.kind, p.angle, p.stage, p.file_id, p.width, p.height,
		p.shared, p.caption, p.uploaded_by, p.created_at, v.size, v.file_id
		FROM photos p LEFT JOIN photo_variants v ON v.photo_id = p.id
		WHERE `+where+` ORDER BY p.created_at, p.id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []studio.Photo
	for rows.Next() {
		var p studio.Photo
		var commission, piece, angle, stage, variant sql.NullString
		var size sql.NullInt64
		if err := rows.Scan(&p.ID, &p.StudioID, &commission, &piece, &p.Kind, &angle, &stage, &p.FileID, &p.Width, &p.Height,
			&p.Shared, &p.Caption, &p.UploadedBy, &p.CreatedAt, &size, &variant); err != nil {
			return nil, err
		}
		p.CommissionID, p.PieceID = commission.String, piece.String
		if n := len(out); n > 0 && out[n-1].ID == p.ID {
			out[n-1].Variants[int(size.Int64)] = variant.String
			continue
		}
		p.Angle, p.Stage, p.CreatedAt, p.Variants = studio.Angle(angle.String), stage.String, p.CreatedAt.UTC(), map[int]string{}
		if size.Valid {
			p.Variants[int(size.Int64)] = variant.String
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// inList numbers $first… for the values of an IN list.
func inList(first int, vals []string) (string, []any) {
	marks := make([]string, len(vals))
	args := make([]any, len(vals))
	for i, v := range vals {
		marks[i], args[i] = "$"+itoa(first+i), v
	}
	return strings.Join(marks, ", "), args
}

// MoveCommission changes a commission's status by the lifecycle's rules,
// recording who moved it and why.
func (s *Store) MoveCommission(ctx context.Context, studioID, id, userID string, m studio.Move) (d CommissionDetail, err error) {
	err = s.write(ctx, func(tx *Tx) error {
		// The piece first: the lock order is a piece, then its commission.
		if _, err := pieceWhere(ctx, tx, "studio_id = $1 AND commission_id = $2", studioID, id); err != nil && studio.ErrorCode(err) != studio.NotFound {
			return err
		}
		st, err := studioWhere(ctx, tx, "id = $1", studioID)
		if err != nil {
			return err
		}
		if d, err = commissionDetail(ctx, tx, "studio_id = $1 AND id = $2", studioID, id); err != nil {
			return err
		}
		c, err := d.Commission.Apply(m, st.Today(tx.now), tx.now)
		if err != nil {
			return err
		}
		if err := checkPieceFor(ctx, tx, c); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE commissions SET status = $1, price_cents = $2, deposit_cents = $3, promised_date = $4,
			reason = $5, tracking = $6, updated_at = $7 WHERE id = $8`,
			c.Status, c.PriceCents, c.DepositCents, nullString(c.PromisedDate), c.Reason, c.Tracking, c.UpdatedAt, c.ID)
		if err != nil {
			return err
		}
		note := m.Reason
		if m.Tracking != "" {
			note = "tracking " + c.Tracking
		}
		if err := addEvent(ctx, tx, c, userID, note); err != nil {
			return err
		}
		if err := movePieceWith(ctx, tx, c, userID); err != nil {
			return err
		}
		d, err = commissionDetail(ctx, tx, "id = $1", id)
		return err
	})
	return d, err
}

// checkPieceFor asks the domain whether the commission's piece, if it has
// one, allows the commission's new status.
func checkPieceFor(ctx context.Context, tx *Tx, c studio.Commission) error {
	p, err := pieceWhere(ctx, tx, "commission_id = $1", c.ID)
	if studio.ErrorCode(err) == studio.NotFound {
		return nil
	}
	if err != nil {
		return err
	}
	return c.CheckPiece(p)
}

// movePieceWith keeps the piece in step: accepting a commission starts its
// piece; shipping it delivers the piece.
func movePieceWith(ctx context.Context, tx *Tx, c studio.Commission, userID string) error {
	switch c.Status {
	case studio.Accepted:
		_, err := createPiece(ctx, tx, c.StudioID, userID, c.NewPiece())
		return err
	case studio.Shipped:
		return deliverCommissionPiece(ctx, tx, c.ID, userID)
	}
	return nil
}

// AddReferencePhotos attaches more reference photos to a commission, as a
// client does through the portal.
func (s *Store) AddReferencePhotos(ctx context.Context, studioID, id string, photos []NewPhoto, by string) (d CommissionDetail, err error) {
	err = s.write(ctx, func(tx *Tx) error {
		if d, err = commissionDetail(ctx, tx, "studio_id = $1 AND id = $2", studioID, id); err != nil {
			return err
		}
		if d.Status.Closed() {
			return studio.Errorf(studio.Conflict, "This commission is %s; it takes no more photos.", d.Status)
		}
		for _, p := range photos {
			if _, err := s.insertPhoto(ctx, tx, referenceOf(d.Commission, by), p); err != nil {
				return err
			}
		}
		d, err = commissionDetail(ctx, tx, "id = $1", id)
		return err
	})
	return d, err
}

// UpdateInquiry replaces the details of a commission's request (a typo in
// a name, a wish the client added by e-mail) by the questionnaire's
// rules, and records who did it. A finished commission keeps its record.
func (s *Store) UpdateInquiry(ctx context.Context, studioID, id, userID string, in studio.InquiryFields) (d CommissionDetail, err error) {
	err = s.write(ctx, func(tx *Tx) error {
		st, err := studioWhere(ctx, tx, "id = $1", studioID)
		if err != nil {
			return err
		}
		c, err := commissionWhere(ctx, tx, "studio_id = $1 AND id = $2", studioID, id)
		if err != nil {
			return err
		}
		if c.Status.Closed() {
			return studio.Errorf(studio.Conflict, "This commission is %s; its details stay as they were.", c.Status)
		}
		today := st.Today(tx.now)
		if in.Deadline == c.Inquiry.Deadline {
			// A wish date that has passed since the client made it is
			// history, not a mistake: it may stay as it is.
			today = ""
		}
		if err := in.Validate(today); err != nil {
			return err
		}
		if in.TargetHeightMM == nil {
			h := studio.DefaultTargetHeightMM
			in.TargetHeightMM = &h
		}
		c.Inquiry, c.UpdatedAt = in, tx.now
		if err := updateInquiry(ctx, tx, c); err != nil {
			return err
		}
		if err := addEvent(ctx, tx, c, userID, "details edited"); err != nil {
			return err
		}
		d, err = commissionDetail(ctx, tx, "id = $1", id)
		return err
	})
	return d, err
}

func updateInquiry(ctx context.Context, tx *Tx, c studio.Commission) error {
	in := c.Inquiry
	_, err := tx.ExecContext(ctx, `UPDATE commissions SET subject_name = $1, relationship = $2, occasion = $3, pose = $4, clothing = $5,
		props = $6, story = $7, target_height_mm = $8, base_wishes = $9, box_wishes = $10, deadline = $11, budget_cents = $12,
		contact_name = $13, contact_email = $14, consent_show_process = $15, updated_at = $16 WHERE id = $17`,
		in.SubjectName, in.Relationship, in.Occasion, in.Pose, in.Clothing, in.Props, in.Story, in.TargetHeightMM, in.BaseWishes,
		in.BoxWishes, nullString(in.Deadline), in.BudgetCents, in.ContactName, in.ContactEmail, in.ConsentShowProcess, c.UpdatedAt, c.ID)
	return err
}
