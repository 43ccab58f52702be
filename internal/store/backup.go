package store

import (
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"strings"
	"time"

	"atelier/internal/auth"
	"atelier/internal/studio"
)

// BackupTable is a table whose rows belong to one studio and so travel in
// its backup.
type BackupTable struct {
	Name string
	// Owner is the column that holds the studio's id.
	Owner string
	// OrderBy keeps dumps stable. Rows are restored in this order, so a
	// table that ever refers to itself must order parents first.
	OrderBy string
	// Blob, when set, names the column holding the SHA-256 of a blob in the
	// file store, and BlobSize the column with its size: the backup carries
	// those blobs along with the rows.
	Blob, BlobSize string
	// Sealed, when set, names a column sealed with the install secret
	// (auth.Seal), which an archive cannot carry as it is: the install it
	// is restored into has another secret. The archive carries the value
	// opened, as text in the column named without the "_sealed" suffix,
	// protected by the archive's passphrase; a restore seals it again with
	// its own secret. purpose gives the seal's purpose for a row.
	Sealed  string
	purpose func(Row) string
	// check, when set, vets an opened row before it is sealed again.
	check func(Row) error
}

// openedColumn is the column a sealed value travels in.
func (t BackupTable) openedColumn() string { return strings.TrimSuffix(t.Sealed, "_sealed") }

// BackupTables lists every table that belongs to a studio, parents before
// children, so that rows restored in this order satisfy foreign keys. A
// new table that belongs to a studio must be added here; one that holds
// nothing a studio would miss goes into ephemeralTable instead (a test
// checks that every table is in one or the other).
func BackupTables() []BackupTable {
	return []BackupTable{
		{Name: "studios", Owner: "id", OrderBy: "id"},
		{Name: "studio_keys", Owner: "studio_id", OrderBy: "studio_id", Sealed: "signer_key_sealed",
			purpose: func(r Row) string { id, _ := r["studio_id"].(string); return signerPurpose(id) },
			check:   checkKeyRow},
		{Name: "label_settings", Owner: "studio_id", OrderBy: "studio_id"},
		{Name: "costing_settings", Owner: "studio_id", OrderBy: "studio_id"},
		{Name: "users", Owner: "studio_id", OrderBy: "id"},
		{Name: "studio_hours", Owner: "studio_id", OrderBy: "studio_id"},
		{Name: "stage_defaults", Owner: "studio_id", OrderBy: "stage"},
		{Name: "api_tokens", Owner: "studio_id", OrderBy: "id"},
		{Name: "files", Owner: "studio_id", OrderBy: "id", Blob: "sha256", BlobSize: "size"},
		{Name: "commissions", Owner: "studio_id", OrderBy: "id"},
		{Name: "commission_events", Owner: "studio_id", OrderBy: "id"},
		{Name: "photos", Owner: "studio_id", OrderBy: "id"},
		{Name: "photo_variants", Owner: "studio_id", OrderBy: "photo_id, size"},
		{Name: "photo_masks", Owner: "studio_id", OrderBy: "photo_id, version"},
		{Name: "face_guides", Owner: "studio_id", OrderBy: "photo_id"},
		{Name: "messages", Owner: "studio_id", OrderBy: "id"},
		{Name: "outbox", Owner: "studio_id", OrderBy: "id"},
		{Name: "clay_brands", Owner: "studio_id", OrderBy: "key"},
		{Name: "checklist_items", Owner: "studio_id", OrderBy: "key"},
		{Name: "masters", Owner: "studio_id", OrderBy: "id"},
		{Name: "moulds", Owner: "studio_id", OrderBy: "id"},
		{Name: "editions", Owner: "studio_id", OrderBy: "created_at, id"},
		{Name: "edition_moulds", Owner: "studio_id", OrderBy: "edition_id, mould_id"},
		{Name: "pieces", Owner: "studio_id", OrderBy: "id"},
		{Name: "piece_events", Owner: "studio_id", OrderBy: "id"},
		{Name: "certificates", Owner: "studio_id", OrderBy: "issued_at, serial"},
		{Name: "logs", Owner: "studio_id", OrderBy: "studio_id"},
		{Name: "log_entries", Owner: "studio_id", OrderBy: "idx"},
		{Name: "log_hashes", Owner: "studio_id", OrderBy: "idx"},
		{Name: "studio_witnesses", Owner: "studio_id", OrderBy: "created_at, id"},
		{Name: "log_cosignatures", Owner: "studio_id", OrderBy: "size, witness_id"},
		{Name: "certificate_owners", Owner: "studio_id", OrderBy: "log_idx"},
		{Name: "piece_checks", Owner: "studio_id", OrderBy: "piece_id, key, pass"},
		{Name: "sanding_log", Owner: "studio_id", OrderBy: "id"},
		{Name: "palettes", Owner: "studio_id", OrderBy: "piece_id"},
		{Name: "palette_suggestions", Owner: "studio_id", OrderBy: "id"},
		{Name: "coats", Owner: "studio_id", OrderBy: "id"},
		{Name: "timers", Owner: "studio_id", OrderBy: "id"},
		{Name: "qc_attempts", Owner: "studio_id", OrderBy: "id"},
		{Name: "work_sessions", Owner: "studio_id", OrderBy: "id"},
		{Name: "ovens", Owner: "studio_id", OrderBy: "id"},
		{Name: "oven_readings", Owner: "studio_id", OrderBy: "id"},
		{Name: "bakes", Owner: "studio_id", OrderBy: "id"},
		{Name: "bake_pieces", Owner: "studio_id", OrderBy: "bake_id, piece_id"},
		{Name: "bake_readings", Owner: "studio_id", OrderBy: "id"},
		{Name: "material_settings", Owner: "studio_id", OrderBy: "studio_id"},
		{Name: "materials", Owner: "studio_id", OrderBy: "id"},
		{Name: "material_moves", Owner: "studio_id", OrderBy: "material_id, seq"},
	}
}

// ephemeralTable reports whether a table holds only passing state, or
// belongs to a library that keeps its own: none of it goes into backups.
// Calendar tokens are sealed with the install secret, which no backup
// holds: a restored install issues new ones on first use. The transfer
// codes kept sealed for certificates' first prints are left out on
// purpose: an archive, which may be unencrypted, must never carry a
// working code in clear; the code was handed out when the certificate was
// issued, and a restored install prints it on no stub.
func ephemeralTable(name string) bool {
	switch name {
	case "sessions", "throttle_events", "setup_codes", "goose_db_version", "calendar_tokens", "certificate_stubs":
		return true
	case "portal_links":
		// Portal links sealed for the studio to show again: an archive must
		// carry no working link in clear, and a restored install (another
		// secret) could not open them. Its pages offer a new link instead;
		// the client's old link still opens, found by the hash kept with the
		// commission.
		return true
	case "password_resets":
		// A reset link lives an hour; a restored install has no use for one.
		return true
	case "material_digests":
		// Only the memory that a day's reorder digest went: a restored
		// studio at worst gets that day's digest again.
		return true
	case "witness_keys", "witnessed_logs":
		// The install's duty as a witness of other studios' logs belongs to
		// the install, not to a studio: a studio's backup does not carry it.
		return true
	}
	return strings.HasPrefix(name, "river_") || strings.HasPrefix(name, "sqlite_")
}

// Row is one record of a backup, column name to value. Dumped values are
// nil, bool, int64, float64, string (text, and times as BackupTimeFormat
// in UTC) or []byte; values to restore may also be what encoding/json
// gives with UseNumber (json.Number, and strings for times and bytes in
// base64). Either way the target column's type decides what is written.
type Row map[string]any

// BackupTimeFormat is RFC 3339 with all nine digits of the fraction, so
// that a time's text sorts and compares as the time does.
const BackupTimeFormat = "2006-01-02T15:04:05.000000000Z07:00"

// DumpStudio reads every row that belongs to the studio with the given
// slug, from one consistent snapshot, and hands each to emit, table by
// table in BackupTables order.
func (s *Store) DumpStudio(ctx context.Context, slug string, emit func(BackupTable, Row) error) error {
	return s.snapshot(ctx, func(tx *Tx) error {
		var id string
		err := tx.QueryRowContext(ctx, `SELECT id FROM studios WHERE slug = $1`, slug).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return notFound("studio")
		}
		if err != nil {
			return err
		}
		for _, t := range BackupTables() {
			if err := dumpTable(ctx, tx, t, id, emit); err != nil {
				return err
			}
		}
		return nil
	})
}

// snapshot runs fn in a read transaction whose statements all see the same
// instant. PostgreSQL's default, READ COMMITTED, would let a dump see rows
// committed between its queries, such as a token without its user.
func (s *Store) snapshot(ctx context.Context, fn func(*Tx) error) error {
	if s.dialect == Postgres {
		return s.run(ctx, s.reader, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true}, "", fn)
	}
	return s.read(ctx, fn)
}

func dumpTable(ctx context.Context, tx *Tx, t BackupTable, studioID string, emit func(BackupTable, Row) error) error {
	rows, err := tx.QueryContext(ctx, `SELECT * FROM `+t.Name+` WHERE `+t.Owner+` = $1 ORDER BY `+t.OrderBy, studioID)
	if err != nil {
		return fmt.Errorf("store: dumping %s: %w", t.Name, err)
	}
	defer rows.Close()
	cols, err := columnsOf(t.Name, rows)
	if err != nil {
		return err
	}
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return fmt.Errorf("store: dumping %s: %w", t.Name, err)
		}
		row, err := dumpRow(t.Name, cols, vals)
		if err != nil {
			return err
		}
		if err := openSealed(tx, t, row); err != nil {
			return err
		}
		if err := emit(t, row); err != nil {
			return err
		}
	}
	return rows.Err()
}

func dumpRow(table string, cols []column, vals []any) (Row, error) {
	row := make(Row, len(cols))
	for i, c := range cols {
		v, err := dumpValue(c.kind, vals[i])
		if err != nil {
			return nil, fmt.Errorf("store: dumping %s.%s: %w", table, c.name, err)
		}
		row[c.name] = v
	}
	return row, nil
}

// TableRows holds the rows of one table, read back from a backup.
type TableRows struct {
	Name string
	Rows []Row
}

// RestoreStudio writes the rows of one studio into an install that has no
// studio yet, in one transaction: either every row is written or none.
// Tables must come in BackupTables order (a table may be missing, as in a
// backup made before it existed); columns the target has but a row lacks
// take their defaults. Each value is converted to the type of its column
// in this database, so that a backup moves between SQLite and PostgreSQL.
func (s *Store) RestoreStudio(ctx context.Context, tables []TableRows) error {
	if err := checkRestore(tables); err != nil {
		return err
	}
	// A broken constraint in an archive is a broken archive, not a race:
	// it is reported as the database words it.
	return s.writeRaw(ctx, func(tx *Tx) error {
		if err := requireEmpty(ctx, tx); err != nil {
			return err
		}
		for _, t := range tables {
			if err := restoreTable(ctx, tx, t); err != nil {
				return err
			}
		}
		// An archive from before signing keys and logs brings neither: the
		// studio gets them now, as Migrate gives them to a studio without.
		st, err := scanStudio(tx.QueryRowContext(ctx, `SELECT `+studioColumns+` FROM studios`))
		if err != nil {
			return err
		}
		if err := createKey(ctx, tx, st); err != nil {
			return err
		}
		return numberPieceEvents(ctx, tx)
	})
}

// openSealed replaces a dumped row's sealed column by its opened value.
func openSealed(tx *Tx, t BackupTable, row Row) error {
	if t.Sealed == "" {
		return nil
	}
	if tx.secret == nil {
		return errNoSecret
	}
	sealed, _ := row[t.Sealed].([]byte)
	opened, err := auth.Open(tx.secret, t.purpose(row), sealed)
	if err != nil {
		return fmt.Errorf("store: dumping %s: the sealed %s does not open with this install secret: %w", t.Name, t.Sealed, err)
	}
	delete(row, t.Sealed)
	row[t.openedColumn()] = string(opened)
	return nil
}

// sealOpened is openSealed's reverse, for a row to restore: a copy of the
// row with the opened value sealed under this install's secret.
func sealOpened(tx *Tx, t BackupTable, row Row) (Row, error) {
	if t.Sealed == "" {
		return row, nil
	}
	if tx.secret == nil {
		return nil, errNoSecret
	}
	opened, ok := row[t.openedColumn()].(string)
	if !ok || opened == "" {
		return nil, fmt.Errorf("column %s is missing", t.openedColumn())
	}
	if t.check != nil {
		if err := t.check(row); err != nil {
			return nil, err
		}
	}
	sealed, err := auth.Seal(tx.secret, t.purpose(row), []byte(opened))
	if err != nil {
		return nil, err
	}
	out := maps.Clone(row)
	delete(out, t.openedColumn())
	out[t.Sealed] = sealed
	return out, nil
}

// numberPieceEvents gives the events of an archive written before they
// were numbered their places in their pieces' histories, in time order.
func numberPieceEvents(ctx context.Context, tx *Tx) error {
	_, err := tx.ExecContext(ctx, `UPDATE piece_events SET seq = (SELECT count(*) FROM piece_events e WHERE e.piece_id = piece_events.piece_id
		AND (e.at < piece_events.at OR (e.at = piece_events.at AND e.id <= piece_events.id))) WHERE seq IS NULL`)
	return err
}

// errNotEmpty refuses a restore that could mix two studios' records or
// overwrite the ones already there.
var errNotEmpty = studio.Errorf(studio.Conflict,
	"This install already has a studio. A backup can only be restored into an empty install: use a new data directory or database.")

// RequireEmpty refuses, before anything is read or written, a restore into
// an install that already holds a studio.
func (s *Store) RequireEmpty(ctx context.Context) error {
	return s.read(ctx, func(tx *Tx) error { return requireEmpty(ctx, tx) })
}

func requireEmpty(ctx context.Context, tx *Tx) error {
	var one int
	err := tx.QueryRowContext(ctx, `SELECT 1 FROM studios LIMIT 1`).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err == nil {
		return errNotEmpty
	}
	return err
}

// checkRestore checks that the tables are known and in order, and that
// every row belongs to the one studio of the backup: a backup restores one
// studio, whole.
func checkRestore(tables []TableRows) error {
	known := BackupTables()
	next := 0
	var studioID string
	for _, t := range tables {
		i := indexOf(known[next:], t.Name)
		if i < 0 {
			return invalidBackup("table %q is unknown to this version of Atelier, or out of order", t.Name)
		}
		spec := known[next+i]
		next += i + 1
		if spec.Name == "studios" {
			if len(t.Rows) != 1 {
				return invalidBackup("it holds %d studios instead of one", len(t.Rows))
			}
			studioID, _ = t.Rows[0]["id"].(string)
		}
		if studioID == "" {
			return invalidBackup("it has no studio before table %s", t.Name)
		}
		for n, row := range t.Rows {
			if owner, _ := row[spec.Owner].(string); owner != studioID {
				return invalidBackup("row %d of table %s belongs to another studio", n+1, t.Name)
			}
		}
	}
	if studioID == "" {
		return invalidBackup("it has no studio")
	}
	return nil
}

func indexOf(tables []BackupTable, name string) int {
	for i, t := range tables {
		if t.Name == name {
			return i
		}
	}
	return -1
}

func invalidBackup(format string, args ...any) error {
	return studio.Errorf(studio.Invalid, "The backup cannot be restored: "+format+".", args...)
}

func restoreTable(ctx context.Context, tx *Tx, t TableRows) error {
	cols, err := targetColumns(ctx, tx, t.Name)
	if err != nil {
		return err
	}
	spec := BackupTable{Name: t.Name}
	if i := indexOf(BackupTables(), t.Name); i >= 0 {
		spec = BackupTables()[i]
	}
	for n, row := range t.Rows {
		row, err := sealOpened(tx, spec, row)
		if err != nil {
			return invalidBackup("row %d of table %s: %v", n+1, t.Name, err)
		}
		names, args, err := insertArgs(cols, row)
		if err != nil {
			return invalidBackup("row %d of table %s: %v", n+1, t.Name, err)
		}
		q := `INSERT INTO ` + t.Name + ` (` + strings.Join(names, ", ") + `) VALUES (` + placeholders(len(names)) + `)`
		if _, err := tx.ExecContext(ctx, q, args...); err != nil {
			return fmt.Errorf("store: restoring row %d of table %s: %w", n+1, t.Name, err)
		}
	}
	return nil
}

// targetColumns asks the database for a table's columns and their types
// without reading a row.
func targetColumns(ctx context.Context, tx *Tx, table string) ([]column, error) {
	rows, err := tx.QueryContext(ctx, `SELECT * FROM `+table+` WHERE 1 = 0`)
	if err != nil {
		return nil, fmt.Errorf("store: reading the columns of %s: %w", table, err)
	}
	defer rows.Close()
	return columnsOf(table, rows)
}

// insertArgs picks, in the target's column order, the row's value for each
// column it has; a column the target lacks means a backup from a newer
// schema, which is refused rather than silently dropped.
func insertArgs(cols []column, row Row) (names []string, args []any, err error) {
	for _, c := range cols {
		v, ok := row[c.name]
		if !ok {
			continue
		}
		if v, err = restoreValue(c.kind, v); err != nil {
			return nil, nil, fmt.Errorf("column %s: %w", c.name, err)
		}
		names, args = append(names, c.name), append(args, v)
	}
	if len(names) != len(row) {
		for name := range row {
			if indexOfColumn(cols, name) < 0 {
				return nil, nil, fmt.Errorf("column %q is unknown to this version of Atelier", name)
			}
		}
	}
	return names, args, nil
}

func indexOfColumn(cols []column, name string) int {
	for i, c := range cols {
		if c.name == name {
			return i
		}
	}
	return -1
}

func placeholders(n int) string {
	ps := make([]string, n)
	for i := range ps {
		ps[i] = fmt.Sprintf("$%d", i+1)
	}
	return strings.Join(ps, ", ")
}

// kind is what a column holds, whatever each database calls its type.
type kind int

const (
	kindText kind = iota
	kindInt
	kindReal
	kindBool
	kindTime
	kindBytes
)

type column struct {
	name string
	kind kind
}

// kindOf maps the type names the two drivers report (SQLite's declared
// types, PostgreSQL's type names) to kinds. A type missing here fails
// backups and restores loudly instead of converting a value wrongly.
func kindOf(typeName string) (kind, bool) {
	switch typeName {
	case "TEXT", "VARCHAR", "CHAR", "CHARACTER", "CHARACTER VARYING", "BPCHAR", "CLOB":
		return kindText, true
	case "INTEGER", "INT", "INT2", "INT4", "INT8", "SMALLINT", "BIGINT":
		return kindInt, true
	case "REAL", "FLOAT", "FLOAT4", "FLOAT8", "DOUBLE", "DOUBLE PRECISION":
		return kindReal, true
	case "BOOL", "BOOLEAN":
		return kindBool, true
	case "TIMESTAMP", "TIMESTAMPTZ", "DATETIME", "DATE":
		return kindTime, true
	case "BLOB", "BYTEA":
		return kindBytes, true
	}
	return 0, false
}

func columnsOf(table string, rows *sql.Rows) ([]column, error) {
	types, err := rows.ColumnTypes()
	if err != nil {
		return nil, err
	}
	cols := make([]column, len(types))
	for i, ct := range types {
		name := strings.ToUpper(strings.TrimSpace(ct.DatabaseTypeName()))
		if p := strings.IndexByte(name, '('); p >= 0 {
			name = strings.TrimSpace(name[:p])
		}
		k, ok := kindOf(name)
		if !ok {
			return nil, fmt.Errorf("store: column %s.%s has type %q, which backups do not know yet", table, ct.Name(), ct.DatabaseTypeName())
		}
		cols[i] = column{name: ct.Name(), kind: k}
	}
	return cols, nil
}

// dumpValue turns a scanned value into its backup form, by the type of the
// source column: SQLite hands booleans over as integers, for one.
func dumpValue(k kind, v any) (any, error) {
	if v == nil {
		return nil, nil
	}
	switch k {
	case kindTime:
		if t, ok := v.(time.Time); ok {
			return t.UTC().Format(BackupTimeFormat), nil
		}
	case kindBool:
		switch b := v.(type) {
		case bool:
			return b, nil
		case int64:
			return b != 0, nil
		}
	case kindInt:
		if i, ok := v.(int64); ok {
			return i, nil
		}
	case kindReal:
		switch f := v.(type) {
		case float64:
			return f, nil
		case int64:
			return float64(f), nil
		}
	case kindText:
		switch s := v.(type) {
		case string:
			return s, nil
		case []byte:
			return string(s), nil
		}
	case kindBytes:
		switch b := v.(type) {
		case []byte:
			if b == nil { // SQLite's driver reads an empty blob so; JSON would make it null
				return []byte{}, nil
			}
			return b, nil
		case string:
			return []byte(b), nil
		}
	}
	return nil, fmt.Errorf("unexpected value of type %T", v)
}

// restoreValue turns a backup value into what the target column takes.
func restoreValue(k kind, v any) (any, error) {
	if v == nil {
		return nil, nil
	}
	switch k {
	case kindTime:
		return restoreTime(v)
	case kindBool:
		return restoreBool(v)
	case kindInt:
		return restoreInt(v)
	case kindReal:
		return restoreReal(v)
	case kindText:
		if s, ok := v.(string); ok {
			return s, nil
		}
	case kindBytes:
		return restoreBytes(v)
	}
	return nil, fmt.Errorf("a %T where text was expected", v)
}

func restoreTime(v any) (any, error) {
	s, ok := v.(string)
	if !ok {
		return nil, fmt.Errorf("a %T where a time was expected", v)
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return nil, fmt.Errorf("%q is not an RFC 3339 time", s)
	}
	return t.UTC(), nil
}

func restoreBool(v any) (any, error) {
	switch b := v.(type) {
	case bool:
		return b, nil
	case json.Number:
		if b == "0" || b == "1" {
			return b == "1", nil
		}
	case int64:
		if b == 0 || b == 1 {
			return b == 1, nil
		}
	}
	return nil, fmt.Errorf("%v is not a boolean", v)
}

func restoreInt(v any) (any, error) {
	switch i := v.(type) {
	case int64:
		return i, nil
	case json.Number:
		n, err := i.Int64()
		if err != nil {
			return nil, fmt.Errorf("%s is not a 64-bit integer", i)
		}
		return n, nil
	}
	return nil, fmt.Errorf("a %T where an integer was expected", v)
}

func restoreReal(v any) (any, error) {
	switch f := v.(type) {
	case float64:
		return f, nil
	case int64:
		return float64(f), nil
	case json.Number:
		n, err := f.Float64()
		if err != nil {
			return nil, fmt.Errorf("%s is not a number", f)
		}
		return n, nil
	}
	return nil, fmt.Errorf("a %T where a number was expected", v)
}

func restoreBytes(v any) (any, error) {
	switch b := v.(type) {
	case []byte:
		return b, nil
	case string:
		out, err := base64.StdEncoding.DecodeString(b)
		if err != nil {
			return nil, fmt.Errorf("bytes that are not base64")
		}
		return out, nil
	}
	return nil, fmt.Errorf("a %T where bytes were expected", v)
}
