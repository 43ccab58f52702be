package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"atelier/internal/studio"
)

// An export is not a backup. A backup carries everything needed to bring
// a studio back, secrets included, for Atelier to read; an export is the
// studio's records for people, spreadsheets and other software, and it
// never carries anything that opens a door: no password or token hash, no
// key, no portal or transfer secret, nothing sealed with the install
// secret. Its kinds are the backup's tables, less the ones below, each
// with the columns below left out.

// exportLeftOut lists the backed-up tables an export leaves out, and why.
var exportLeftOut = map[string]string{
	"log_hashes":     "the Merkle tree's inner hashes, recomputed from log_entries: machine bookkeeping, nothing a person reads",
	"photo_variants": "the resized copies of each photo, made again from the originals, which the export carries",
}

// exportOmitted lists, table by table, the columns an export leaves out,
// and why. Every column whose name looks like a secret (secretLooking)
// must be listed here; a test holds the schema to that, and Columns drops
// such a column anyway, so that one added later without a decision leaks
// nothing in the meantime.
var exportOmitted = map[string]map[string]string{
	"users": {
		"password_hash": "a password hash can be attacked offline to find the password",
	},
	"api_tokens": {
		"token_hash": "the hash of a working API token; the export says which tokens exist, not how to use them",
	},
	"commissions": {
		"portal_token_hash": "the hash of the client's portal link, which opens the commission without signing in",
	},
	"certificates": {
		"transfer_code_hash": "the hash of the code that hands a certificate on to a new owner",
	},
	"certificate_owners": {
		"salt": "the random value that keeps an owner's name out of the public log; with it the name could be confirmed there",
	},
	"studio_keys": {
		"signer_key_sealed": "the studio's private signing key (sealed with the install secret): whoever holds it signs certificates in the studio's name",
	},
	"outbox": {
		"body": "mail to a client carries the link to their portal, a secret that opens the commission",
	},
}

// exportAllowed lists the columns whose names look like a secret's but
// hold none.
var exportAllowed = map[string]map[string]string{
	"users":            {"password_changed_at": "when a password last changed, not the password"},
	"studio_keys":      {"verifier_key": "the public half of the signing key, published for anyone to verify certificates"},
	"studio_witnesses": {"verifier_key": "a witness's public key"},
	"checklist_items":  {"key": "the name of a checklist item"},
	"piece_checks":     {"key": "the name of the checklist item ticked"},
	"clay_brands":      {"key": "the name of a clay brand"},
}

// secretLooking reports whether a column's name suggests a secret, so that
// a column added without a decision stays out of exports until one is made.
func secretLooking(col string) bool {
	for _, w := range []string{"hash", "sealed", "secret", "password", "token", "salt", "signer", "private", "key"} {
		if strings.Contains(col, w) {
			return true
		}
	}
	return false
}

// ExportKind is one kind of record in an export: a table of the studio.
type ExportKind struct {
	Name    string
	orderBy string
	owner   string
	omitted map[string]string
}

// ExportKinds lists the kinds an export holds, in the backup's order,
// which puts parents before children: a reader importing the files in
// this order meets every id before a row that refers to it.
func ExportKinds() []ExportKind {
	var kinds []ExportKind
	for _, t := range BackupTables() {
		if _, out := exportLeftOut[t.Name]; out {
			continue
		}
		kinds = append(kinds, ExportKind{Name: t.Name, orderBy: t.OrderBy, owner: t.Owner, omitted: exportOmitted[t.Name]})
	}
	return kinds
}

// ExportLeftOut says why a table of the studio is not in exports, or ""
// when it is.
func ExportLeftOut(table string) string { return exportLeftOut[table] }

// ExportOmitted says why a column is left out of exports, or "" when it
// is exported.
func ExportOmitted(table, col string) string { return exportOmitted[table][col] }

// ExportType is what an exported column holds.
type ExportType string

const (
	ExportText  ExportType = "text"
	ExportInt   ExportType = "integer"
	ExportReal  ExportType = "number"
	ExportBool  ExportType = "boolean"
	ExportTime  ExportType = "time"
	ExportBytes ExportType = "bytes"
)

// ExportColumn is one column of an exported kind.
type ExportColumn struct {
	Name string
	Type ExportType
	// Money is, for an amount of money, how many decimal places the stored
	// integer has beyond the currency's minor unit: 0 for a *_cents column
	// (an amount in minor units), 3 for a *_milli_cents one. It is -1 for
	// anything else.
	Money int
}

func exportType(k kind) ExportType {
	switch k {
	case kindInt:
		return ExportInt
	case kindReal:
		return ExportReal
	case kindBool:
		return ExportBool
	case kindTime:
		return ExportTime
	case kindBytes:
		return ExportBytes
	}
	return ExportText
}

func moneyScale(col string, t ExportType) int {
	if t != ExportInt {
		return -1
	}
	switch {
	case strings.HasSuffix(col, "_milli_cents"):
		return 3
	case strings.HasSuffix(col, "_cents"):
		return 0
	}
	return -1
}

// Export is one consistent read of a studio, open while an export is
// written: every kind and every photo comes from the same instant.
type Export struct {
	ctx    context.Context
	tx     *Tx
	Studio studio.Studio
	// Now is the store's clock when the read began.
	Now time.Time
}

// ExportStudio opens one read transaction on the studio with the given
// slug and hands it to fn; nothing is read after fn returns.
func (s *Store) ExportStudio(ctx context.Context, slug string, fn func(*Export) error) error {
	return s.snapshot(ctx, func(tx *Tx) error {
		st, err := scanStudio(tx.QueryRowContext(ctx, `SELECT `+studioColumns+` FROM studios WHERE slug = $1`, slug))
		if errors.Is(err, sql.ErrNoRows) {
			return notFound("studio")
		}
		if err != nil {
			return err
		}
		return fn(&Export{ctx: ctx, tx: tx, Studio: st, Now: tx.now})
	})
}

// Columns lists the exported columns of a kind, in the table's order:
// every column but the omitted ones and any that looks like a secret.
func (e *Export) Columns(k ExportKind) ([]ExportColumn, error) {
	all, err := targetColumns(e.ctx, e.tx, k.Name)
	if err != nil {
		return nil, err
	}
	var cols []ExportColumn
	for _, c := range all {
		if _, omitted := k.omitted[c.name]; omitted || secretLooking(c.name) && exportAllowed[k.Name][c.name] == "" {
			continue
		}
		t := exportType(c.kind)
		cols = append(cols, ExportColumn{Name: c.name, Type: t, Money: moneyScale(c.name, t)})
	}
	return cols, nil
}

// Rows hands each record of a kind to emit as values in the order of cols
// (what Columns gave): nil, string, int64, float64, bool, time.Time (UTC)
// or []byte. The slice is reused from one row to the next.
func (e *Export) Rows(k ExportKind, cols []ExportColumn, emit func([]any) error) error {
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = c.Name
	}
	rows, err := e.tx.QueryContext(e.ctx, `SELECT `+strings.Join(names, ", ")+` FROM `+k.Name+` WHERE `+k.owner+` = $1 ORDER BY `+k.orderBy, e.Studio.ID)
	if err != nil {
		return fmt.Errorf("store: exporting %s: %w", k.Name, err)
	}
	defer rows.Close()
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	out := make([]any, len(cols))
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return fmt.Errorf("store: exporting %s: %w", k.Name, err)
		}
		for i, c := range cols {
			if out[i], err = exportValue(c.Type, vals[i]); err != nil {
				return fmt.Errorf("store: exporting %s.%s: %w", k.Name, c.Name, err)
			}
		}
		if err := emit(out); err != nil {
			return err
		}
	}
	return rows.Err()
}

// exportValue is dumpValue, but keeps times as times for the writer to
// format for people.
func exportValue(t ExportType, v any) (any, error) {
	if t == ExportTime {
		switch tv := v.(type) {
		case time.Time:
			return tv.UTC(), nil
		case nil:
			return nil, nil
		}
	}
	k := map[ExportType]kind{ExportText: kindText, ExportInt: kindInt, ExportReal: kindReal, ExportBool: kindBool, ExportTime: kindTime, ExportBytes: kindBytes}[t]
	return dumpValue(k, v)
}

// ExportPhoto is one original photo of the studio with what names it in
// an export.
type ExportPhoto struct {
	ID, Kind, Angle, Stage, Caption string
	CreatedAt                       time.Time
	SHA256, ContentType, FileName   string
	Size                            int64
	// CommissionID and CommissionSubject and CommissionCreated describe
	// the commission the photo belongs to, if any.
	CommissionID, CommissionSubject string
	CommissionCreated               time.Time
	// PieceID and PieceSubject describe the piece the photo shows, if any.
	PieceID, PieceSubject string
}

// Photos hands every original photo of the studio to emit, oldest first.
func (e *Export) Photos(emit func(ExportPhoto) error) error {
	rows, err := e.tx.QueryContext(e.ctx, `SELECT p.id, p.kind, COALESCE(p.angle, ''), COALESCE(p.stage, ''), COALESCE(p.caption, ''), p.created_at,
			f.sha256, COALESCE(f.content_type, ''), COALESCE(f.name, ''), f.size,
			COALESCE(p.commission_id, ''), COALESCE(c.subject_name, ''), c.created_at,
			COALESCE(p.piece_id, ''), COALESCE(pc.subject, '')
		FROM photos p JOIN files f ON f.id = p.file_id
		LEFT JOIN commissions c ON c.id = p.commission_id
		LEFT JOIN pieces pc ON pc.id = p.piece_id
		WHERE p.studio_id = $1 ORDER BY p.created_at, p.id`, e.Studio.ID)
	if err != nil {
		return fmt.Errorf("store: exporting photos: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var p ExportPhoto
		var created sql.NullTime
		if err := rows.Scan(&p.ID, &p.Kind, &p.Angle, &p.Stage, &p.Caption, &p.CreatedAt, &p.SHA256, &p.ContentType, &p.FileName, &p.Size,
			&p.CommissionID, &p.CommissionSubject, &created, &p.PieceID, &p.PieceSubject); err != nil {
			return fmt.Errorf("store: exporting photos: %w", err)
		}
		p.CreatedAt, p.CommissionCreated = p.CreatedAt.UTC(), created.Time.UTC()
		if err := emit(p); err != nil {
			return err
		}
	}
	return rows.Err()
}

// ExportSize counts what an export of the studio would hold: its records
// (every row of every exported kind) and its original photos, for the
// settings page to say how big the download is before it starts.
func (s *Store) ExportSize(ctx context.Context, studioID string) (records, photos int64, err error) {
	kinds := ExportKinds()
	parts := make([]string, len(kinds))
	for i, k := range kinds {
		parts[i] = `SELECT count(*) AS n FROM ` + k.Name + ` WHERE ` + k.owner + ` = $1`
	}
	q := `SELECT COALESCE(sum(n), 0), (SELECT count(*) FROM photos WHERE studio_id = $1) FROM (` + strings.Join(parts, " UNION ALL ") + `) AS counts`
	err = s.read(ctx, func(tx *Tx) error {
		return tx.QueryRowContext(ctx, q, studioID).Scan(&records, &photos)
	})
	return records, photos, err
}

// ExportOmittedColumns lists, sorted, the columns of a table left out of
// exports.
func ExportOmittedColumns(table string) []string {
	return slices.Sorted(maps.Keys(exportOmitted[table]))
}

// ExportLeftOutTables lists, sorted, the studio's tables left out of
// exports.
func ExportLeftOutTables() []string {
	return slices.Sorted(maps.Keys(exportLeftOut))
}
