package store_test

import (
	"bytes"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"atelier/internal/store"
	"atelier/internal/store/storetest"
	"atelier/internal/studio"
)

// Every table is either carried by backups or left out on purpose: a new
// table that belongs to a studio and is forgotten in BackupTables would
// silently be lost in the next move between databases.
func TestBackupTablesCoverTheSchema(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		names, err := s.TableNames(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var backedUp []string
		for _, bt := range store.BackupTables() {
			backedUp = append(backedUp, bt.Name)
			if !slices.Contains(names, bt.Name) {
				t.Errorf("BackupTables lists %s, which the schema does not have", bt.Name)
			}
		}
		for _, n := range names {
			if !slices.Contains(backedUp, n) && !store.EphemeralTable(n) {
				t.Errorf("table %s is neither in store.BackupTables nor ephemeral: decide whether a studio's backup must carry it", n)
			}
		}
	})
}

// seedStudio makes a studio with records in every backed-up table, and a
// second studio beside it. It returns a working API token of the first.
func seedStudio(t *testing.T, s *store.Store) (secret string) {
	t.Helper()
	ana := mustStudio(t, s, "ana")
	mustUser(t, s, "ana", "ana@example.com", studio.Owner)
	mustUser(t, s, "ana", "assistant@example.com", studio.Assistant)
	secret, _, err := s.CreateToken(ctx, store.NewToken{Email: "ana@example.com", Name: "shop"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Authenticate(ctx, secret); err != nil { // sets last_used_at
		t.Fatal(err)
	}
	revoked, _, _ := s.CreateToken(ctx, store.NewToken{Email: "assistant@example.com"})
	if _, err := s.RevokeToken(ctx, revoked); err != nil {
		t.Fatal(err)
	}
	mustFile(t, s, ana.ID, "ana's photo")
	mustFile(t, s, ana.ID, "ana's sketch")
	storetest.SeedCommission(t, s, ana.ID, sha("ana's photo"), sha("ana's sketch"))
	mustStudio(t, s, "ben")
	mustUser(t, s, "ben", "ben@example.com", studio.Owner)
	ben, _ := s.StudioBySlug(ctx, "ben")
	mustFile(t, s, ben.ID, "ben's photo")
	return secret
}

func sha(content string) string {
	sum := sha256.Sum256([]byte(content))
	return hex.EncodeToString(sum[:])
}

func mustFile(t *testing.T, s *store.Store, studioID, content string) {
	t.Helper()
	sum := sha256.Sum256([]byte(content))
	_, err := s.CreateFile(ctx, studio.File{StudioID: studioID, SHA256: hex.EncodeToString(sum[:]),
		Size: int64(len(content)), ContentType: "text/plain", Name: content + ".txt"})
	if err != nil {
		t.Fatal(err)
	}
}

// dumpStudio returns the tables of a studio as a restore takes them.
func dumpStudio(t *testing.T, s *store.Store, slug string) []store.TableRows {
	t.Helper()
	var tables []store.TableRows
	for _, bt := range store.BackupTables() {
		tables = append(tables, store.TableRows{Name: bt.Name})
	}
	err := s.DumpStudio(ctx, slug, func(bt store.BackupTable, row store.Row) error {
		i := slices.IndexFunc(tables, func(tr store.TableRows) bool { return tr.Name == bt.Name })
		tables[i].Rows = append(tables[i].Rows, row)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return tables
}

// viaJSON passes rows through JSON as an archive does.
func viaJSON[T any](t *testing.T, v T) T {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var out T
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(&out); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestDumpAndRestoreAcrossDatabases(t *testing.T) {
	for _, from := range storetest.Dialects(t) {
		for _, to := range storetest.Dialects(t) {
			t.Run(string(from)+"→"+string(to), func(t *testing.T) {
				src := storetest.Open(t, from, nil)
				secret := seedStudio(t, src)
				want := dumpStudio(t, src, "ana")
				for _, tr := range want {
					if len(tr.Rows) == 0 {
						t.Fatalf("the seed left table %s empty", tr.Name)
					}
					for _, row := range tr.Rows {
						if row["studio_id"] != nil && row["studio_id"] != want[0].Rows[0]["id"] {
							t.Fatalf("the dump of ana holds a row of another studio: %v", row)
						}
					}
				}
				dst := storetest.Open(t, to, nil)
				if err := dst.RestoreStudio(ctx, viaJSON(t, want)); err != nil {
					t.Fatal(err)
				}
				if got := dumpStudio(t, dst, "ana"); !reflect.DeepEqual(got, want) {
					t.Fatalf("restored records differ:\n got %v\nwant %v", got, want)
				}
				p, err := dst.Authenticate(ctx, secret)
				if err != nil || p.User.Email != "ana@example.com" || p.Studio.Slug != "ana" {
					t.Fatalf("the token does not work after the restore: %+v %v", p, err)
				}
				if n, _ := dst.CountStudios(ctx); n != 1 {
					t.Fatalf("%d studios after the restore", n)
				}
			})
		}
	}
}

func TestRestoreIsAllOrNothing(t *testing.T) {
	src := storetest.Open(t, store.SQLite, nil)
	seedStudio(t, src)
	good := dumpStudio(t, src, "ana")
	edit := func(fn func(tables []store.TableRows) []store.TableRows) []store.TableRows {
		return fn(viaJSON(t, good))
	}
	tables := func(name string, ts []store.TableRows) int {
		return slices.IndexFunc(ts, func(tr store.TableRows) bool { return tr.Name == name })
	}
	cases := []struct {
		name   string
		tables []store.TableRows
		code   studio.Code
		msg    string
	}{
		{"no studio", edit(func(ts []store.TableRows) []store.TableRows { return ts[1:] }), studio.Invalid, "no studio"},
		{"two studios", edit(func(ts []store.TableRows) []store.TableRows {
			ts[0].Rows = append(ts[0].Rows, ts[0].Rows[0])
			return ts
		}), studio.Invalid, "2 studios"},
		{"a row of another studio", edit(func(ts []store.TableRows) []store.TableRows {
			ts[tables("users", ts)].Rows[1]["studio_id"] = "someone-else"
			return ts
		}), studio.Invalid, "belongs to another studio"},
		{"unknown table", edit(func(ts []store.TableRows) []store.TableRows {
			return append(ts, store.TableRows{Name: "users; DROP TABLE studios"})
		}), studio.Invalid, "unknown"},
		{"tables out of order", edit(func(ts []store.TableRows) []store.TableRows {
			ts[1], ts[2] = ts[2], ts[1]
			return ts
		}), studio.Invalid, "out of order"},
		{"unknown column", edit(func(ts []store.TableRows) []store.TableRows {
			ts[tables("files", ts)].Rows[0]["colour"] = "red"
			return ts
		}), studio.Invalid, `column "colour" is unknown`},
		{"a time that is not one", edit(func(ts []store.TableRows) []store.TableRows {
			ts[tables("api_tokens", ts)].Rows[0]["created_at"] = "yesterday"
			return ts
		}), studio.Invalid, "not an RFC 3339 time"},
		{"text for an integer", edit(func(ts []store.TableRows) []store.TableRows {
			ts[tables("files", ts)].Rows[0]["size"] = "twelve"
			return ts
		}), studio.Invalid, "integer"},
		// The last table breaks a constraint: everything before it goes too.
		{"a check fails in the last table", edit(func(ts []store.TableRows) []store.TableRows {
			ts[tables("files", ts)].Rows[1]["size"] = json.Number("-1")
			return ts
		}), studio.Internal, "row 2 of table files"},
		{"a duplicate id", edit(func(ts []store.TableRows) []store.TableRows {
			i := tables("api_tokens", ts)
			ts[i].Rows[1]["id"] = ts[i].Rows[0]["id"]
			return ts
		}), studio.Internal, "api_tokens"},
	}
	storetest.Each(t, func(t *testing.T, dst *store.Store) {
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				err := dst.RestoreStudio(ctx, c.tables)
				wantCode(t, err, c.code)
				if !strings.Contains(err.Error(), c.msg) {
					t.Fatalf("%q does not say %q", err, c.msg)
				}
				if n, _ := dst.CountStudios(ctx); n != 0 {
					t.Fatalf("a refused restore wrote %d studios", n)
				}
			})
		}
		// The good dump goes in, and a second restore is refused whole.
		if err := dst.RestoreStudio(ctx, viaJSON(t, good)); err != nil {
			t.Fatal(err)
		}
		wantCode(t, dst.RequireEmpty(ctx), studio.Conflict)
		wantCode(t, dst.RestoreStudio(ctx, viaJSON(t, good)), studio.Conflict)
	})
}

// kindsTable has a column of each kind a backup converts, with the type
// each database gives it.
func kindsTable(d store.Dialect, name string) string {
	types := "flag BOOLEAN, count BIGINT, ratio REAL, at TIMESTAMP, data BLOB, note TEXT"
	if d == store.Postgres {
		types = "flag BOOLEAN, count BIGINT, ratio DOUBLE PRECISION, at TIMESTAMPTZ, data BYTEA, note TEXT"
	}
	return fmt.Sprintf(`CREATE TABLE %s (id TEXT PRIMARY KEY, studio_id TEXT NOT NULL, %s)`, name, types)
}

type kindsRow struct {
	ID    string
	Flag  sql.NullBool
	Count sql.NullInt64
	Ratio sql.NullFloat64
	At    sql.NullTime
	Data  []byte
	Note  sql.NullString
}

var kindsRows = []kindsRow{
	{"a", sql.NullBool{Bool: true, Valid: true}, sql.NullInt64{Int64: 1<<62 + 1, Valid: true}, sql.NullFloat64{Float64: 0.1, Valid: true},
		sql.NullTime{Time: time.Date(2026, 11, 25, 10, 11, 12, 123456000, time.UTC), Valid: true}, []byte{0, 1, 0xff, '"', '\n'},
		sql.NullString{String: "naïve \"quoted\"\n<b>&amp;</b>", Valid: true}},
	{"b", sql.NullBool{Bool: false, Valid: true}, sql.NullInt64{Int64: -5, Valid: true}, sql.NullFloat64{Float64: -2.5e300, Valid: true},
		sql.NullTime{Time: time.Date(1999, 12, 31, 23, 59, 59, 0, time.UTC), Valid: true}, []byte{}, sql.NullString{String: "", Valid: true}},
	{ID: "c"},
}

func insertKinds(t *testing.T, s *store.Store, table string) {
	t.Helper()
	for _, r := range kindsRows {
		_, err := s.DB().ExecContext(ctx, `INSERT INTO `+table+` VALUES ($1, 'st', $2, $3, $4, $5, $6, $7)`,
			r.ID, r.Flag, r.Count, r.Ratio, r.At, r.Data, r.Note)
		if err != nil {
			t.Fatal(err)
		}
	}
}

func readKinds(t *testing.T, s *store.Store, table string) []kindsRow {
	t.Helper()
	rows, err := s.DB().QueryContext(ctx, `SELECT id, flag, count, ratio, at, data, data IS NULL, note FROM `+table+` ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []kindsRow
	for rows.Next() {
		var r kindsRow
		var null bool
		if err := rows.Scan(&r.ID, &r.Flag, &r.Count, &r.Ratio, &r.At, &r.Data, &null, &r.Note); err != nil {
			t.Fatal(err)
		}
		if r.Data == nil && !null { // SQLite's driver reads an empty blob as nil
			r.Data = []byte{}
		}
		r.At.Time = r.At.Time.UTC()
		out = append(out, r)
	}
	return out
}

// Booleans, big integers, floats, times, bytes, text and NULL survive the
// generic dump and restore in every direction, converted by the type of
// the target's column.
func TestBackupValuesKeepTheirKind(t *testing.T) {
	kinds := store.BackupTable{Name: "kinds", Owner: "studio_id", OrderBy: "id"}
	for _, from := range storetest.Dialects(t) {
		for _, to := range storetest.Dialects(t) {
			t.Run(string(from)+"→"+string(to), func(t *testing.T) {
				src, dst := storetest.Open(t, from, nil), storetest.Open(t, to, nil)
				for _, s := range []*store.Store{src, dst} {
					if _, err := s.DB().ExecContext(ctx, kindsTable(s.Dialect(), "kinds")); err != nil {
						t.Fatal(err)
					}
				}
				insertKinds(t, src, "kinds")
				rows, err := src.DumpTable(ctx, kinds, "st")
				if err != nil {
					t.Fatal(err)
				}
				if err := dst.RestoreTable(ctx, store.TableRows{Name: "kinds", Rows: viaJSON(t, rows)}); err != nil {
					t.Fatal(err)
				}
				want := kindsRows
				if got := readKinds(t, dst, "kinds"); !reflect.DeepEqual(got, want) {
					t.Fatalf("after the move:\n got %+v\nwant %+v", got, want)
				}
				if to == store.SQLite {
					sameStorage(t, dst)
				}
			})
		}
	}
}

// sameStorage checks that restored SQLite values are stored exactly as the
// driver stores values the application writes (same storage class, same
// text for times), so that queries compare them alike.
func sameStorage(t *testing.T, s *store.Store) {
	t.Helper()
	if _, err := s.DB().ExecContext(ctx, kindsTable(store.SQLite, "kinds_ref")); err != nil {
		t.Fatal(err)
	}
	insertKinds(t, s, "kinds_ref")
	raw := func(table string) []string {
		rows, err := s.DB().QueryContext(ctx, `SELECT typeof(flag) || quote(flag), typeof(count) || quote(count), typeof(ratio) || quote(ratio),
			typeof(at) || quote(at), typeof(data) || quote(data), typeof(note) || quote(note) FROM `+table+` ORDER BY id`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var out []string
		for rows.Next() {
			var a, b, c, d, e, f string
			if err := rows.Scan(&a, &b, &c, &d, &e, &f); err != nil {
				t.Fatal(err)
			}
			out = append(out, strings.Join([]string{a, b, c, d, e, f}, " "))
		}
		return out
	}
	if got, want := raw("kinds"), raw("kinds_ref"); !reflect.DeepEqual(got, want) {
		t.Fatalf("restored values are stored differently:\n got %q\nwant %q", got, want)
	}
}

// An archive written before piece events were numbered restores with each
// event at its place in its piece's history.
func TestRestoreNumbersTheHistoryOfAnOlderArchive(t *testing.T) {
	src := storetest.Open(t, store.SQLite, nil)
	seedStudio(t, src)
	want := dumpStudio(t, src, "ana")
	old := viaJSON(t, want)
	seqs := map[any]any{}
	for _, tr := range old {
		if tr.Name != "piece_events" {
			continue
		}
		if len(tr.Rows) < 2 {
			t.Fatalf("the seed has %d piece events; the test needs a history", len(tr.Rows))
		}
		for _, row := range tr.Rows {
			seqs[row["id"]] = row["seq"]
			delete(row, "seq")
		}
	}
	storetest.Each(t, func(t *testing.T, dst *store.Store) {
		if err := dst.RestoreStudio(ctx, viaJSON(t, old)); err != nil {
			t.Fatal(err)
		}
		if got := dumpStudio(t, dst, "ana"); !reflect.DeepEqual(got, want) {
			t.Fatalf("restored records differ:\n got %v\nwant %v (seq by id: %v)", got, want, seqs)
		}
	})
}
