package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"atelier/internal/studio"
)

// LabelSettings is the studio's label stock, or the default stock when it
// chose none.
func (s *Store) LabelSettings(ctx context.Context, studioID string) (ls studio.LabelSettings, err error) {
	err = s.read(ctx, func(tx *Tx) error {
		var custom string
		err := tx.QueryRowContext(ctx, `SELECT stock, custom, offset_x_mm, offset_y_mm FROM label_settings WHERE studio_id = $1`, studioID).
			Scan(&ls.Stock, &custom, &ls.OffsetXMM, &ls.OffsetYMM)
		if errors.Is(err, sql.ErrNoRows) {
			ls = studio.LabelSettings{Stock: studio.DefaultLabelStock}
			return nil
		}
		if err != nil || custom == "" {
			return err
		}
		ls.Custom = new(studio.LabelGeometry)
		if err := json.Unmarshal([]byte(custom), ls.Custom); err != nil {
			return fmt.Errorf("store: studio %s has an unreadable custom label stock: %w", studioID, err)
		}
		return nil
	})
	return ls, err
}

// SetLabelSettings keeps the studio's label stock. The caller has checked
// it (pdf.StockFor): the store keeps what it is given.
func (s *Store) SetLabelSettings(ctx context.Context, studioID string, ls studio.LabelSettings) error {
	custom := ""
	if ls.Custom != nil {
		b, err := json.Marshal(ls.Custom)
		if err != nil {
			return err
		}
		custom = string(b)
	}
	return s.write(ctx, func(tx *Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO label_settings (studio_id, stock, custom, offset_x_mm, offset_y_mm, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (studio_id) DO UPDATE SET stock = excluded.stock, custom = excluded.custom,
			offset_x_mm = excluded.offset_x_mm, offset_y_mm = excluded.offset_y_mm, updated_at = excluded.updated_at`,
			studioID, ls.Stock, custom, ls.OffsetXMM, ls.OffsetYMM, tx.now)
		return err
	})
}
