package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"atelier/internal/auth"
	"atelier/internal/cure"
	"atelier/internal/studio"
)

// OvenDetail is an oven with its calibration readings and their fit.
type OvenDetail struct {
	studio.Oven
	Readings    []OvenReading
	Calibration *cure.Calibration
}

// OvenReading is one calibration reading of an oven.
type OvenReading struct {
	cure.Reading
	At time.Time
}

const ovenColumns = `id, studio_id, name, kind, power_w, capacity_pieces, created_at`

func scanOven(r interface{ Scan(...any) error }) (studio.Oven, error) {
	var o studio.Oven
	var power sql.NullInt64
	err := r.Scan(&o.ID, &o.StudioID, &o.Name, &o.Kind, &power, &o.CapacityPieces, &o.CreatedAt)
	if power.Valid {
		w := int(power.Int64)
		o.PowerW = &w
	}
	o.CreatedAt = o.CreatedAt.UTC()
	return o, err
}

// CreateOven adds an oven to the studio.
func (s *Store) CreateOven(ctx context.Context, studioID string, o studio.Oven) (d OvenDetail, err error) {
	if err := o.Validate(); err != nil {
		return d, err
	}
	err = s.write(ctx, func(tx *Tx) error {
		o.ID, o.StudioID, o.CreatedAt = auth.NewID(), studioID, tx.now
		_, err := tx.ExecContext(ctx, `INSERT INTO ovens (`+ovenColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
			o.ID, o.StudioID, o.Name, o.Kind, o.PowerW, o.CapacityPieces, o.CreatedAt)
		if err != nil {
			return err
		}
		d, err = ovenDetail(ctx, tx, studioID, o.ID)
		return err
	})
	return d, err
}

// Ovens lists the studio's ovens with their calibrations.
func (s *Store) Ovens(ctx context.Context, studioID string) (out []OvenDetail, err error) {
	err = s.read(ctx, func(tx *Tx) error {
		var ids []string
		err := each(ctx, tx, `SELECT id FROM ovens WHERE studio_id = $1 ORDER BY created_at, id`, []any{studioID}, func(r *sql.Rows) error {
			var id string
			ids = append(ids, id)
			return r.Scan(&ids[len(ids)-1])
		})
		for _, id := range ids {
			d, err := ovenDetail(ctx, tx, studioID, id)
			if err != nil {
				return err
			}
			out = append(out, d)
		}
		return err
	})
	return out, err
}

// Oven loads one of the studio's ovens.
func (s *Store) Oven(ctx context.Context, studioID, id string) (d OvenDetail, err error) {
	err = s.read(ctx, func(tx *Tx) error {
		d, err = ovenDetail(ctx, tx, studioID, id)
		return err
	})
	return d, err
}

// OvenUpdate changes the fields given of an oven; nil leaves a field be.
type OvenUpdate struct {
	Name           *string
	Kind           *studio.OvenKind
	PowerW         *int
	CapacityPieces *int
}

// UpdateOven changes an oven: its capacity decides how many pieces a batch
// bake may hold, so a studio that moves to a bigger oven says so here.
func (s *Store) UpdateOven(ctx context.Context, studioID, id string, u OvenUpdate) (d OvenDetail, err error) {
	// Zero would silently become the default capacity in Validate.
	if u.CapacityPieces != nil && *u.CapacityPieces == 0 {
		return d, studio.FieldError("capacity_pieces", "must be from 1 to 200 pieces")
	}
	err = s.write(ctx, func(tx *Tx) error {
		o, err := ovenWhere(ctx, tx, studioID, id)
		if err != nil {
			return err
		}
		applyOvenUpdate(&o, u)
		if err := o.Validate(); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE ovens SET name = $1, kind = $2, power_w = $3, capacity_pieces = $4 WHERE studio_id = $5 AND id = $6`,
			o.Name, o.Kind, o.PowerW, o.CapacityPieces, studioID, id)
		if err != nil {
			return err
		}
		d, err = ovenDetail(ctx, tx, studioID, id)
		return err
	})
	return d, err
}

func applyOvenUpdate(o *studio.Oven, u OvenUpdate) {
	if u.Name != nil {
		o.Name = *u.Name
	}
	if u.Kind != nil {
		o.Kind = *u.Kind
	}
	if u.PowerW != nil {
		o.PowerW = u.PowerW
	}
	if u.CapacityPieces != nil {
		o.CapacityPieces = *u.CapacityPieces
	}
}

// AddOvenReading records a thermometer reading at a dial setting.
func (s *Store) AddOvenReading(ctx context.Context, studioID, id string, r cure.Reading) (d OvenDetail, err error) {
	f := studio.Fields{}
	for field, v := range map[string]float64{"dial_c": r.DialC, "thermometer_c": r.ThermometerC} {
		if v != v || v < 20 || v > 300 {
			f.Add(field, "must be a temperature from 20 to 300 °C")
		}
	}
	if err := f.Err(); err != nil {
		return d, err
	}
	err = s.write(ctx, func(tx *Tx) error {
		if _, err := ovenWhere(ctx, tx, studioID, id); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO oven_readings (id, studio_id, oven_id, dial_c, thermometer_c, at) VALUES ($1, $2, $3, $4, $5, $6)`,
			auth.NewID(), studioID, id, r.DialC, r.ThermometerC, tx.now)
		if err != nil {
			return err
		}
		d, err = ovenDetail(ctx, tx, studioID, id)
		return err
	})
	return d, err
}

// ovenWhere loads one of the studio's ovens, holding its lock in a write.
func ovenWhere(ctx context.Context, tx *Tx, studioID, id string) (studio.Oven, error) {
	o, err := scanOven(tx.QueryRowContext(ctx, `SELECT `+ovenColumns+` FROM ovens WHERE studio_id = $1 AND id = $2`+tx.lock, studioID, id))
	if errors.Is(err, sql.ErrNoRows) {
		return o, notFound("oven")
	}
	if err == nil {
		tx.locked()
	}
	return o, err
}

func ovenDetail(ctx context.Context, tx *Tx, studioID, id string) (d OvenDetail, err error) {
	if d.Oven, err = ovenWhere(ctx, tx, studioID, id); err != nil {
		return d, err
	}
	var rs []cure.Reading
	err = each(ctx, tx, `SELECT dial_c, thermometer_c, at FROM oven_readings WHERE oven_id = $1 ORDER BY at, id`, []any{id}, func(r *sql.Rows) error {
		var or OvenReading
		err := r.Scan(&or.DialC, &or.ThermometerC, &or.At)
		or.At = or.At.UTC()
		d.Readings = append(d.Readings, or)
		rs = append(rs, or.Reading)
		return err
	})
	d.Calibration = cure.Fit(rs)
	return d, err
}
