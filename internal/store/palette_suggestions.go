package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"atelier/internal/auth"
	"atelier/internal/studio"
)

// MaxPalettePhotos bounds the photos one suggestion is made from: each is
// decoded in full, and a figure is seldom shown from more angles.
const MaxPalettePhotos = 6

// PaletteSuggestion is a limited palette suggested from a piece's photos,
// kept as it was made so that the one the artist saw is the one adopted.
type PaletteSuggestion struct {
	ID, StudioID, PieceID string
	// UserID is who asked for it; empty for a token without a user.
	UserID   string
	Count    int
	PhotoIDs []string
	Colours  []SuggestedColour
	// MeanDeltaE and P95DeltaE are the colour error the palette leaves
	// (CIEDE2000 over the figure's pixels).
	MeanDeltaE, P95DeltaE float64
	CreatedAt             time.Time
}

// SuggestedColour is one colour of a suggestion. Paint is the studio's
// nearest paint (empty when it keeps none) and PaintDeltaE how far it is.
type SuggestedColour struct {
	Hex         string  `json:"hex"`
	Role        string  `json:"role"`
	Share       float64 `json:"share"`
	Paint       string  `json:"paint,omitempty"`
	PaintDeltaE float64 `json:"paint_delta_e,omitempty"`
}

// PaletteSource is a photo a suggestion is made from, with its original
// and the studio's pixel limit, checked again before it is decoded.
type PaletteSource struct {
	Photo      studio.Photo
	File       studio.File
	PixelLimit int64
}

// PaletteSources finds the photos to suggest a piece's palette from: those
// named (each a photo of the piece or a reference of its commission), or
// by default the commission's reference photos, the front first. Another
// studio's piece is NotFound; a photo that is not the piece's is Invalid,
// naming it.
func (s *Store) PaletteSources(ctx context.Context, studioID, pieceID string, photoIDs []string) (out []PaletteSource, err error) {
	if err := checkPalettePhotoIDs(photoIDs); err != nil {
		return nil, err
	}
	err = s.read(ctx, func(tx *Tx) error {
		p, err := pieceWhere(ctx, tx, "studio_id = $1 AND id = $2", studioID, pieceID)
		if err != nil {
			return err
		}
		photos, err := palettePhotos(ctx, tx, p, photoIDs)
		if err != nil {
			return err
		}
		var limit int64
		if err := tx.QueryRowContext(ctx, `SELECT pixel_limit FROM studios WHERE id = $1`, studioID).Scan(&limit); err != nil {
			return err
		}
		for _, ph := range photos {
			f, err := fileWhere(ctx, tx, "studio_id = $1 AND id = $2", studioID, ph.FileID)
			if err != nil {
				return err
			}
			out = append(out, PaletteSource{Photo: ph, File: f, PixelLimit: limit})
		}
		return nil
	})
	return out, err
}

func checkPalettePhotoIDs(ids []string) error {
	if len(ids) > MaxPalettePhotos {
		return studio.FieldError("photo_ids", fmt.Sprintf("choose at most %d photos", MaxPalettePhotos))
	}
	for i, id := range ids {
		if err := studio.TextError("photo_ids", id, studio.IDText); err != nil {
			return err
		}
		if slices.Contains(ids[:i], id) {
			return studio.FieldError("photo_ids", "photo "+studio.Quote(id)+" is chosen twice")
		}
	}
	return nil
}

// palettePhotos loads the photos of the piece (its own and its
// commission's references) and picks the ones named, in the order named,
// or the references.
func palettePhotos(ctx context.Context, tx *Tx, p studio.Piece, ids []string) ([]studio.Photo, error) {
	all, err := photosWhere(ctx, tx, `p.studio_id = $1 AND (p.piece_id = $2 OR p.commission_id = $3)`, p.StudioID, p.ID, p.CommissionID)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, err
	}
	if len(ids) == 0 {
		return defaultPalettePhotos(all)
	}
	var out []studio.Photo
	for _, id := range ids {
		i := slices.IndexFunc(all, func(ph studio.Photo) bool { return ph.ID == id })
		if i < 0 {
			return nil, studio.FieldError("photo_ids", "photo "+studio.Quote(id)+" is not a photo of this piece or of its commission")
		}
		out = append(out, all[i])
	}
	return out, nil
}

// defaultPalettePhotos is the commission's reference photos, the front
// first (the view the palette matters most for), the others as uploaded.
func defaultPalettePhotos(all []studio.Photo) ([]studio.Photo, error) {
	var refs []studio.Photo
	for _, ph := range all {
		if ph.Kind == studio.ReferencePhoto {
			refs = append(refs, ph)
		}
	}
	if len(refs) == 0 {
		return nil, studio.FieldError("photo_ids", "this piece has no reference photos: add some to its commission, or choose process photos by id")
	}
	slices.SortStableFunc(refs, func(a, b studio.Photo) int { return frontFirst(a) - frontFirst(b) })
	return refs[:min(len(refs), MaxPalettePhotos)], nil
}

func frontFirst(ph studio.Photo) int {
	if ph.Angle == studio.Front {
		return 0
	}
	return 1
}

// SavePaletteSuggestion records a suggestion made from photos of the piece.
func (s *Store) SavePaletteSuggestion(ctx context.Context, ps PaletteSuggestion) (PaletteSuggestion, error) {
	if ps.Count != 3 && ps.Count != 4 || len(ps.Colours) != ps.Count {
		return ps, fmt.Errorf("store: a suggestion of %d colours for a count of %d", len(ps.Colours), ps.Count)
	}
	ids, err := json.Marshal(ps.PhotoIDs)
	if err != nil {
		return ps, err
	}
	colours, err := json.Marshal(ps.Colours)
	if err != nil {
		return ps, err
	}
	err = s.write(ctx, func(tx *Tx) error {
		if _, err := pieceWhere(ctx, tx, "studio_id = $1 AND id = $2", ps.StudioID, ps.PieceID); err != nil {
			return err
		}
		ps.ID, ps.CreatedAt = auth.NewID(), tx.now
		_, err := tx.ExecContext(ctx, `INSERT INTO palette_suggestions (id, studio_id, piece_id, count, photo_ids, colors, delta_e00_mean, delta_e00_p95, user_id, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`, ps.ID, ps.StudioID, ps.PieceID, ps.Count, string(ids), string(colours),
			ps.MeanDeltaE, ps.P95DeltaE, nullString(ps.UserID), ps.CreatedAt)
		return err
	})
	return ps, err
}

const suggestionColumns = `id, studio_id, piece_id, count, photo_ids, colors, delta_e00_mean, delta_e00_p95, user_id, created_at`

func scanSuggestion(r interface{ Scan(...any) error }) (ps PaletteSuggestion, err error) {
	var ids, colours string
	var user sql.NullString
	if err = r.Scan(&ps.ID, &ps.StudioID, &ps.PieceID, &ps.Count, &ids, &colours, &ps.MeanDeltaE, &ps.P95DeltaE, &user, &ps.CreatedAt); err != nil {
		return ps, err
	}
	ps.UserID, ps.CreatedAt = user.String, ps.CreatedAt.UTC()
	if err := json.Unmarshal([]byte(ids), &ps.PhotoIDs); err != nil {
		return ps, err
	}
	return ps, json.Unmarshal([]byte(colours), &ps.Colours)
}

// PaletteSuggestion finds a suggestion of a piece of the studio; one of
// another piece or studio is NotFound.
func (s *Store) PaletteSuggestion(ctx context.Context, studioID, pieceID, id string) (ps PaletteSuggestion, err error) {
	err = s.read(ctx, func(tx *Tx) error {
		ps, err = scanSuggestion(tx.QueryRowContext(ctx, `SELECT `+suggestionColumns+` FROM palette_suggestions
			WHERE studio_id = $1 AND piece_id = $2 AND id = $3`, studioID, pieceID, id))
		if errors.Is(err, sql.ErrNoRows) {
			return notFound("palette suggestion")
		}
		return err
	})
	return ps, err
}

// LatestPaletteSuggestion is the piece's last suggestion, nil when it has
// none: the one the colour plan shows.
func (s *Store) LatestPaletteSuggestion(ctx context.Context, studioID, pieceID string) (ps *PaletteSuggestion, err error) {
	err = s.read(ctx, func(tx *Tx) error {
		got, err := scanSuggestion(tx.QueryRowContext(ctx, `SELECT `+suggestionColumns+` FROM palette_suggestions
			WHERE studio_id = $1 AND piece_id = $2 ORDER BY created_at DESC, id DESC LIMIT 1`, studioID, pieceID))
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		ps = &got
		return err
	})
	return ps, err
}

// AdoptPaletteSuggestion makes the suggestion the piece's palette, through
// SetPalette: the colour plan's rules (its stages, 3–4 colours, names and
// hexes once each) apply as when the artist types the colours in. The
// suggestion never changes once made, so reading it before SetPalette's
// own transaction is safe.
func (s *Store) AdoptPaletteSuggestion(ctx context.Context, studioID, pieceID, id string) (PieceDetail, error) {
	ps, err := s.PaletteSuggestion(ctx, studioID, pieceID, id)
	if err != nil {
		return PieceDetail{}, err
	}
	return s.SetPalette(ctx, studioID, pieceID, ps.PaletteColours(), "")
}

// closePaint is the ΔE00 under which a paint is the colour, near enough
// to name it after the paint (2 is about what a trained eye notices
// side by side; a mixed colour is rarely closer than a few units).
const closePaint = 5

// PaletteColours names the suggestion's colours for the piece's palette:
// after the studio's paint when it is close to that colour and to no
// other, otherwise after the colour's role, which is unique in a
// suggestion.
func (ps PaletteSuggestion) PaletteColours() []studio.Colour {
	paints := map[string]int{}
	for _, c := range ps.Colours {
		if c.Paint != "" && c.PaintDeltaE <= closePaint {
			paints[strings.ToLower(c.Paint)]++
		}
	}
	out := make([]studio.Colour, len(ps.Colours))
	for i, c := range ps.Colours {
		name := c.Role
		if c.Paint != "" && c.PaintDeltaE <= closePaint && paints[strings.ToLower(c.Paint)] == 1 {
			name = clipName(c.Paint, studio.ColourName.Max)
		}
		out[i] = studio.Colour{Name: name, Hex: strings.ToUpper(c.Hex), Role: c.Role}
	}
	return out
}

// clipName shortens s to at most n characters.
func clipName(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}
