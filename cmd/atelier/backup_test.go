package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"atelier/internal/auth"
	"atelier/internal/files"
	"atelier/internal/store"
	"atelier/internal/store/storetest"
	"atelier/internal/studio"
)

// openInstall opens the database and the file store the CLI works on.
func (c *cli) openInstall() (*store.Store, *files.Store) {
	c.t.Helper()
	ctx := context.Background()
	data := c.env["ATELIER_DATA"]
	key, err := auth.LoadOrCreateSecretKey(filepath.Join(data, "secret.key"))
	if raw := c.env["ATELIER_SECRET_KEY"]; raw != "" {
		key, err = auth.ParseSecretKey(raw)
	}
	if err != nil {
		c.t.Fatal(err)
	}
	st, err := store.Open(ctx, store.Config{DataDir: data, DatabaseURL: c.env["ATELIER_DATABASE_URL"], SecretKey: key})
	if err != nil {
		c.t.Fatal(err)
	}
	c.t.Cleanup(func() { st.Close() })
	if _, err := st.Migrate(ctx); err != nil {
		c.t.Fatal(err)
	}
	u, err := files.DefaultURL(data)
	if err != nil {
		c.t.Fatal(err)
	}
	blobs, err := files.Open(ctx, u, filepath.Join(data, "tmp"))
	if err != nil {
		c.t.Fatal(err)
	}
	c.t.Cleanup(func() { blobs.Close() })
	return st, blobs
}

// moved is what seedForBackup made: the secrets and the file contents.
type moved struct {
	token, revoked string
	contents       [][]byte
}

// seedForBackup makes studio ana with records in every backed-up table,
// through the CLI where it has a command, and studio ben beside it.
func seedForBackup(t *testing.T, c *cli) moved {
	t.Helper()
	ctx := context.Background()
	var m moved
	c.must("", "studio", "create", "--slug", "ana", "--name", "Ana's Miniatures", "--artist", "Ana Petrova",
		"--currency", "CHF", "--timezone", "Europe/Vienna", "--units", "imperial")
	c.must("a long password\n", "user", "add", "--studio", "ana", "--email", "ana@example.com", "--name", "Ana", "--role", "owner", "--password-stdin")
	c.must("another long password\n", "user", "add", "--studio", "ana", "--email", "mia@example.com", "--name", "Mia «Ü»", "--role", "assistant", "--password-stdin")
	m.token = strings.TrimSpace(c.must("", "token", "create", "--email", "ana@example.com", "--name", "shop"))
	m.revoked = strings.TrimSpace(c.must("", "token", "create", "--email", "mia@example.com"))
	c.must("", "token", "revoke", "--token", m.revoked)
	c.must("", "studio", "create", "--slug", "ben", "--name", "Ben", "--artist", "Ben")
	c.must("a long password\n", "user", "add", "--studio", "ben", "--email", "ben@example.com", "--name", "Ben", "--role", "owner", "--password-stdin")
	st, blobs := c.openInstall()
	if _, err := st.Authenticate(ctx, m.token); err != nil { // so that last_used_at is set
		t.Fatal(err)
	}
	ana, _ := st.StudioBySlug(ctx, "ana")
	for _, size := range []int{9000, 70000, 200000} {
		content := make([]byte, size)
		rand.Read(content)
		addStudioFile(t, st, blobs, ana.ID, content)
		m.contents = append(m.contents, content)
	}
	storetest.SeedCommission(t, st, ana.ID, sha256Hex(m.contents[0]), sha256Hex(m.contents[1]))
	ben, _ := st.StudioBySlug(ctx, "ben")
	addStudioFile(t, st, blobs, ben.ID, []byte("ben's sketch, which ana's backup must not carry"))
	return m
}

func sha256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

func addStudioFile(t *testing.T, st *store.Store, blobs *files.Store, studioID string, content []byte) {
	t.Helper()
	sp, err := blobs.Spool(bytes.NewReader(content), 1<<30)
	if err != nil {
		t.Fatal(err)
	}
	defer sp.Remove()
	err = blobs.Save(context.Background(), sp, func() error {
		_, err := st.CreateFile(context.Background(), studio.File{StudioID: studioID, SHA256: sp.SHA256, Size: sp.Size,
			ContentType: sp.ContentType, Name: "portrait.bin"})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// studioRecords dumps every column of every record of a studio, table by table.
func studioRecords(t *testing.T, st *store.Store, slug string) map[string][]store.Row {
	t.Helper()
	out := map[string][]store.Row{}
	err := st.DumpStudio(context.Background(), slug, func(bt store.BackupTable, row store.Row) error {
		out[bt.Name] = append(out[bt.Name], row)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, bt := range store.BackupTables() {
		if len(out[bt.Name]) == 0 {
			t.Fatalf("studio %s has no rows in %s", slug, bt.Name)
		}
	}
	return out
}

// sqliteValues reads every column of a studio's records as SQLite stores
// them (storage class and literal), independently of the backup code.
func sqliteValues(t *testing.T, st *store.Store, studioID string) []string {
	t.Helper()
	var out []string
	for _, bt := range store.BackupTables() {
		var cols []string
		rows, err := st.DB().Query(`SELECT name FROM pragma_table_info('` + bt.Name + `') ORDER BY cid`)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var c string
			rows.Scan(&c)
			if c == bt.Sealed {
				// Sealed anew with each install's secret: its type is
				// compared here, and what it opens to by studioRecords.
				cols = append(cols, fmt.Sprintf("'%s=' || typeof(%s) || ':sealed'", c, c))
				continue
			}
			cols = append(cols, fmt.Sprintf("'%s=' || typeof(%s) || ':' || quote(%s)", c, c, c))
		}
		rows.Close()
		rows, err = st.DB().Query(`SELECT `+strings.Join(cols, ` || ' ' || `)+` FROM `+bt.Name+
			` WHERE `+bt.Owner+` = $1 ORDER BY `+bt.OrderBy, studioID)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var line string
			rows.Scan(&line)
			out = append(out, bt.Name+": "+line)
		}
		rows.Close()
	}
	return out
}

func readBlob(t *testing.T, blobs *files.Store, sha string) []byte {
	t.Helper()
	r, err := blobs.Open(context.Background(), sha)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// A studio moves from SQLite to PostgreSQL and back to SQLite (SQLite to
// SQLite to SQLite without a PostgreSQL server) through the real commands,
// encrypted, and arrives whole: every column of every record, every byte
// of every file, a working token and password.
func TestBackupMovesAStudioBetweenDatabases(t *testing.T) {
	ctx := context.Background()
	middle := store.SQLite
	if slices.Contains(storetest.Dialects(t), store.Postgres) {
		middle = store.Postgres
	}
	src, mid, dst := newCLI(t, store.SQLite), newCLI(t, middle), newCLI(t, store.SQLite)
	seeded := seedForBackup(t, src)
	dir := t.TempDir()
	first, second := filepath.Join(dir, "ana-1.age"), filepath.Join(dir, "ana-2.age")

	_, errOut, err := src.run("first passphrase\n", "backup", "--studio", "ana", "--out", first, "--passphrase-stdin")
	if err != nil || errOut != "" {
		t.Fatalf("backup: %v, stderr %q", err, errOut)
	}
	if out := mid.must("first passphrase\n", "restore", first, "--passphrase-stdin"); !strings.Contains(out, "restored studio ana into "+string(middle)) {
		t.Fatalf("restore said %q", out)
	}
	mid.must("second passphrase\n", "backup", "--studio", "ana", "--out", second, "--passphrase-stdin")
	// The data directory is created by the restore, with the flags in the
	// order the usage gives.
	dstData := filepath.Join(dst.env["ATELIER_DATA"], "new", "data")
	dst.env["ATELIER_DATA"] = dstData
	dst.must("second passphrase\n", "restore", "--data", dstData, second, "--passphrase-stdin")

	srcDB, srcBlobs := src.openInstall()
	midDB, midBlobs := mid.openInstall()
	dstDB, dstBlobs := dst.openInstall()
	want := studioRecords(t, srcDB, "ana")
	for name, db := range map[string]*store.Store{"the middle": midDB, "the end": dstDB} {
		if got := studioRecords(t, db, "ana"); !reflect.DeepEqual(got, want) {
			t.Fatalf("records differ at %s:\n got %v\nwant %v", name, got, want)
		}
		if n, _ := db.CountStudios(ctx); n != 1 {
			t.Fatalf("%d studios at %s; only ana was backed up", n, name)
		}
	}
	anaID := want["studios"][0]["id"].(string)
	if got, want := sqliteValues(t, dstDB, anaID), sqliteValues(t, srcDB, anaID); !reflect.DeepEqual(got, want) {
		t.Fatalf("SQLite stores the records differently after the round trip:\n got %q\nwant %q", got, want)
	}
	sameThroughTheAPI(t, srcDB, midDB, anaID)

	var shas []string
	for _, f := range want["files"] {
		sha := f["sha256"].(string)
		shas = append(shas, sha)
		orig := readBlob(t, srcBlobs, sha)
		if !bytes.Equal(readBlob(t, midBlobs, sha), orig) || !bytes.Equal(readBlob(t, dstBlobs, sha), orig) {
			t.Fatalf("file %s changed on the way", sha)
		}
		if !slices.ContainsFunc(seeded.contents, func(c []byte) bool { return bytes.Equal(c, orig) }) {
			t.Fatalf("file %s is not one ana uploaded", sha)
		}
	}
	dstBlobs.List(ctx, func(b files.Blob) error {
		if !slices.Contains(shas, b.SHA256) {
			t.Errorf("blob %s arrived, which is not ana's", b.SHA256)
		}
		return nil
	})

	for _, u := range studioRecords(t, dstDB, "ana")["users"] {
		pw := map[string]string{"ana@example.com": "a long password", "mia@example.com": "another long password"}[u["email"].(string)]
		if ok, err := auth.CheckPassword(context.Background(), u["password_hash"].(string), pw); !ok || err != nil {
			t.Fatalf("the password of %s does not work after the move: %v", u["email"], err)
		}
	}
	for _, db := range []*store.Store{midDB, dstDB} {
		p, err := db.Authenticate(ctx, seeded.token)
		if err != nil || p.User.Email != "ana@example.com" || p.Studio.Slug != "ana" || p.Studio.Currency != "CHF" {
			t.Fatalf("the token does not work after the move: %+v %v", p, err)
		}
		if _, err := db.Authenticate(ctx, seeded.revoked); studio.ErrorCode(err) != studio.Unauthorized {
			t.Fatalf("the revoked token works after the move: %v", err)
		}
	}
}

// sameThroughTheAPI compares what the store's own finders return on both
// sides, so that the check does not rest on the backup code alone.
func sameThroughTheAPI(t *testing.T, a, b *store.Store, studioID string) {
	t.Helper()
	ctx := context.Background()
	for _, read := range []func(*store.Store) (any, error){
		func(s *store.Store) (any, error) { return s.Studio(ctx, studioID) },
		func(s *store.Store) (any, error) { return s.Users(ctx, studioID) },
		func(s *store.Store) (any, error) { return s.Tokens(ctx, studioID) },
	} {
		x, errX := read(a)
		y, errY := read(b)
		if errX != nil || errY != nil || !reflect.DeepEqual(x, y) {
			t.Fatalf("the store reads differently after the move:\n%+v (%v)\n%+v (%v)", x, errX, y, errY)
		}
	}
}

// assertEmpty checks that a refused restore wrote nothing: no studio, no
// blob, no temporary file.
func assertEmpty(t *testing.T, c *cli) {
	t.Helper()
	st, _ := c.openInstall()
	if n, err := st.CountStudios(context.Background()); n != 0 || err != nil {
		t.Fatalf("%d studios after a refused restore (%v)", n, err)
	}
	for _, sub := range []string{"files", "tmp"} {
		filepath.WalkDir(filepath.Join(c.env["ATELIER_DATA"], sub), func(path string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				t.Fatalf("%s left behind by a refused restore", path)
			}
			return nil
		})
	}
}

func TestBackupAndRestoreRefuseBadInput(t *testing.T) {
	src := newCLI(t, store.SQLite)
	seedForBackup(t, src)
	dir := t.TempDir()
	path := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	sealed := filepath.Join(dir, "ana.age")
	_, errOut, err := src.run("a passphrase\n", "backup", "--studio", "ana", "--out", sealed, "--passphrase-stdin")
	if err != nil || errOut != "" {
		t.Fatalf("encrypted backup: %v, stderr %q", err, errOut)
	}
	plain := filepath.Join(dir, "ana.tar")
	_, errOut, err = src.run("", "backup", "--studio", "ana", "--out", plain)
	if err != nil || !strings.Contains(errOut, "NOT encrypted") || !strings.Contains(errOut, "private signing key") {
		t.Fatalf("an unencrypted backup must warn on stderr: %v, stderr %q", err, errOut)
	}
	sealedBytes, _ := os.ReadFile(sealed)
	plainBytes, _ := os.ReadFile(plain)
	// The last blob is 200000 bytes and a tar ends in 1024 zero bytes.
	inLastBlob := len(plainBytes) - 1024 - 4096
	tampered := slices.Clone(plainBytes)
	tampered[inLastBlob] ^= 1

	t.Run("backup", func(t *testing.T) {
		out := filepath.Join(dir, "nobody.tar")
		for _, c := range []struct {
			name, stdin string
			args        []string
			msg         string
		}{
			{"unknown studio", "", []string{"backup", "--studio", "nobody", "--out", out}, "No such studio"},
			{"unknown studio, encrypted", "pass\n", []string{"backup", "--studio", "nobody", "--out", out, "--passphrase-stdin"}, "No such studio"},
			{"no passphrase on stdin", "", []string{"backup", "--studio", "ana", "--out", out, "--passphrase-stdin"}, "no passphrase on standard input"},
			{"no --out", "", []string{"backup", "--studio", "ana"}, "--out is required"},
			{"out in a missing folder", "", []string{"backup", "--studio", "ana", "--out", filepath.Join(dir, "missing", "x.tar")}, "no such file"},
		} {
			_, errOut, err := src.run(c.stdin, c.args...)
			if err == nil || !strings.Contains(err.Error()+errOut, c.msg) {
				t.Errorf("%s: got %v / %q, want %q", c.name, err, errOut, c.msg)
			}
		}
		if left, _ := filepath.Glob(filepath.Join(dir, "*nobody*")); len(left) != 0 {
			t.Fatalf("a failed backup left %q", left)
		}
	})

	t.Run("restore into a non-empty install", func(t *testing.T) {
		// Refused before the archive is read: this one is not even one.
		_, _, err := src.run("", "restore", path("junk", []byte("junk")))
		if err == nil || !strings.Contains(err.Error(), "already has a studio") {
			t.Fatalf("got %v", err)
		}
	})

	storetest.EachDialect(t, func(t *testing.T, d store.Dialect) {
		dst := newCLI(t, d)
		tests := []struct {
			name  string
			stdin string
			args  []string
			usage bool
			msg   string
		}{
			{"wrong passphrase", "not the passphrase\n", []string{"restore", sealed, "--passphrase-stdin"}, false, "the passphrase is wrong"},
			{"encrypted, cut short", "a passphrase\n", []string{"restore", path("cut.age", sealedBytes[:len(sealedBytes)/2]), "--passphrase-stdin"}, false, "incomplete or damaged"},
			{"encrypted, last byte missing", "a passphrase\n", []string{"restore", path("cut1.age", sealedBytes[:len(sealedBytes)-1]), "--passphrase-stdin"}, false, "incomplete or damaged"},
			{"plain, cut in the last blob", "", []string{"restore", path("cut.tar", plainBytes[:inLastBlob])}, false, "incomplete or damaged"},
			{"a tampered blob", "", []string{"restore", path("tampered.tar", tampered)}, false, "does not match its SHA-256"},
			{"encrypted without --passphrase-stdin", "", []string{"restore", sealed}, false, "it is encrypted, and no passphrase was given"},
			{"plain with --passphrase-stdin", "a passphrase\n", []string{"restore", plain, "--passphrase-stdin"}, false, "it is not encrypted, but a passphrase was given"},
			{"empty passphrase", "\n", []string{"restore", sealed, "--passphrase-stdin"}, false, "no passphrase on standard input"},
			{"no archive", "", []string{"restore"}, true, "exactly one archive"},
			{"two archives", "", []string{"restore", plain, sealed}, true, "exactly one archive"},
			{"missing archive", "", []string{"restore", filepath.Join(dir, "nothing.tar")}, false, "no such file"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				out, errOut, err := dst.run(tt.stdin, tt.args...)
				if err == nil {
					t.Fatalf("accepted: %s", out)
				}
				if errors.Is(err, errUsage) != tt.usage || !strings.Contains(err.Error()+errOut, tt.msg) {
					t.Fatalf("got %v / %q, want %q (usage %v)", err, errOut, tt.msg, tt.usage)
				}
				assertEmpty(t, dst)
			})
		}
		// After all that the install is still empty, and takes the archive.
		dst.must("a passphrase\n", "restore", sealed, "--passphrase-stdin")
	})
}

// A restore queues the jobs of the timers still running, which the archive
// carries as rows but not as jobs: the coat still dries on the new install.
func TestRestoreReschedulesTimers(t *testing.T) {
	storetest.EachDialect(t, func(t *testing.T, d store.Dialect) {
		ctx := context.Background()
		c := newCLI(t, d)
		c.must("", "studio", "create", "--slug", "ana", "--name", "Ana", "--artist", "Ana")
		st, _ := c.openInstall()
		ana, _ := st.StudioBySlug(ctx, "ana")
		piece, err := st.CreatePiece(ctx, ana.ID, "", studio.NewPieceFields{Subject: "Rose", TargetHeightMM: 40})
		if err != nil {
			t.Fatal(err)
		}
		// Straight to the finish stage: the walk there is tested elsewhere.
		if _, err := st.DB().Exec(`UPDATE pieces SET stage = 'finish' WHERE id = $1`, piece.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := st.LogCoat(ctx, ana.ID, piece.ID, "", studio.Epoxy, false, nil); err != nil {
			t.Fatal(err)
		}
		archive := filepath.Join(t.TempDir(), "ana.tar")
		c.must("", "backup", "--studio", "ana", "--out", archive)

		to := newCLI(t, d)
		out := to.must("", "restore", archive)
		if !strings.Contains(out, "1 timers scheduled") {
			t.Fatalf("restore said %q", out)
		}
		st2, _ := to.openInstall()
		var jobs int
		if err := st2.DB().QueryRow(`SELECT count(*) FROM river_job WHERE kind = 'timer' AND state = 'scheduled'`).Scan(&jobs); err != nil || jobs != 1 {
			t.Fatalf("%d scheduled timer jobs after the restore (%v)", jobs, err)
		}
	})
}
