package export_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"atelier/internal/export"
	"atelier/internal/files"
	"atelier/internal/files/filestest"
	"atelier/internal/store"
	"atelier/internal/store/storetest"
	"atelier/internal/studio"
)

var (
	ctx = context.Background()
	now = time.Date(2026, 12, 2, 9, 30, 0, 0, time.UTC)
)

type install struct {
	db    *store.Store
	blobs *files.Store
}

func newInstall(t *testing.T, d store.Dialect) install {
	t.Helper()
	blobs, _ := filestest.Open(t)
	// The store's clock is the export's, so that the dated paths are known.
	return install{db: storetest.Open(t, d, func() time.Time { return now }), blobs: blobs}
}

func (in install) studio(t *testing.T, slug string) studio.Studio {
	t.Helper()
	st, err := in.db.CreateStudio(ctx, studio.NewStudio(slug, "Studio "+slug, "Artist "+slug))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := in.db.CreateUser(ctx, studio.NewUser{StudioSlug: slug, Email: slug + "@example.com", Name: "Owner", Role: studio.Owner, Password: "a long password"}); err != nil {
		t.Fatal(err)
	}
	return st
}

func (in install) file(t *testing.T, studioID string, content []byte) string {
	t.Helper()
	sp, err := in.blobs.Spool(bytes.NewReader(content), 1<<30)
	if err != nil {
		t.Fatal(err)
	}
	defer sp.Remove()
	err = in.blobs.Save(ctx, sp, func() error {
		_, err := in.db.CreateFile(ctx, studio.File{StudioID: studioID, SHA256: sp.SHA256, Size: sp.Size, ContentType: "image/jpeg", Name: "photo.jpg"})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return sp.SHA256
}

// secrets is what a seeded studio holds that an export must not: the
// working API token and its hash, the password hash, a portal link and
// its hash.
type seeded struct {
	secrets []string
	front   []byte // the reference photo
	process []byte // a process photo of the piece
	subject string // the piece's subject
}

func seed(t *testing.T, in install) seeded {
	t.Helper()
	ana := in.studio(t, "ana")
	token, _, err := in.db.CreateToken(ctx, store.NewToken{Email: "ana@example.com", Name: "shop"})
	if err != nil {
		t.Fatal(err)
	}
	s := seeded{secrets: []string{token}, front: bytes.Repeat([]byte("front "), 3000), process: bytes.Repeat([]byte("wip "), 2000)}
	front, variant := in.file(t, ana.ID, s.front), in.file(t, ana.ID, []byte("a small copy"))
	storetest.SeedCommission(t, in.db, ana.ID, front, variant)
	// A second inquiry whose portal link we keep, with a formula for a
	// story, and a subject with characters no file system takes.
	c, portal, err := in.db.CreateInquiry(ctx, ana.ID, studio.InquiryFields{SubjectName: "Rex / the \"good\" dog?", ContactName: "Lea",
		ContactEmail: "lea@example.com", Story: "=HYPERLINK(\"http://evil.example\")"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	s.secrets = append(s.secrets, portal)
	_ = c
	piece := firstPiece(t, in.db, ana.ID)
	s.subject = piece.Subject
	sha := in.file(t, ana.ID, s.process)
	if _, err := in.db.AddProcessPhotos(ctx, ana.ID, piece.ID, studio.Sculpt, false, "", []store.NewPhoto{{SHA256: sha, Size: int64(len(s.process)), ContentType: "image/jpeg", Width: 10, Height: 10}}); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`SELECT password_hash FROM users WHERE email = 'ana@example.com'`,
		`SELECT token_hash FROM api_tokens`,
		`SELECT portal_token_hash FROM commissions WHERE subject_name = 'Grandma Rose'`,
	} {
		var v string
		if err := in.db.DB().QueryRowContext(ctx, q).Scan(&v); err != nil || v == "" {
			t.Fatalf("%s: %q %v", q, v, err)
		}
		s.secrets = append(s.secrets, v)
	}
	return s
}

func firstPiece(t *testing.T, db *store.Store, studioID string) (p struct{ ID, Subject string }) {
	t.Helper()
	if err := db.DB().QueryRowContext(ctx, `SELECT id, subject FROM pieces WHERE studio_id = $1 AND commission_id IS NOT NULL`, studioID).Scan(&p.ID, &p.Subject); err != nil {
		t.Fatal(err)
	}
	return p
}

// unzip writes the export and reads every entry back.
func unzip(t *testing.T, in install, slug string) (map[string][]byte, []string, export.Summary) {
	t.Helper()
	var buf bytes.Buffer
	sum, err := export.Write(ctx, &buf, in.db, in.blobs, slug, now)
	if err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatalf("the export is no zip: %v", err)
	}
	out := map[string][]byte{}
	var names []string
	for _, f := range zr.File {
		r, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(r)
		r.Close()
		if err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		if _, dup := out[f.Name]; dup {
			t.Errorf("%s twice", f.Name)
		}
		out[f.Name], names = data, append(names, f.Name)
	}
	return out, names, sum
}

// readCSV checks a CSV's byte-order mark and returns its records.
func readCSV(t *testing.T, name string, data []byte) [][]string {
	t.Helper()
	body, ok := bytes.CutPrefix(data, []byte("\uFEFF"))
	if !ok {
		t.Errorf("%s has no byte-order mark", name)
	}
	recs, err := csv.NewReader(bytes.NewReader(body)).ReadAll()
	if err != nil || len(recs) == 0 || len(recs[0]) == 0 {
		t.Fatalf("%s: %d records, %v", name, len(recs), err)
	}
	return recs
}

func column(t *testing.T, recs [][]string, name string) int {
	t.Helper()
	for i, h := range recs[0] {
		if h == name {
			return i
		}
	}
	t.Fatalf("no column %s in %v", name, recs[0])
	return -1
}

func TestExportSeededStudio(t *testing.T) {
	storetest.EachDialect(t, func(t *testing.T, d store.Dialect) {
		in := newInstall(t, d)
		s := seed(t, in)
		other := in.studio(t, "ben")
		in.file(t, other.ID, []byte("only ben's"))
		// Another piece of the same subject: a folder of its own.
		ana, _ := in.db.StudioBySlug(ctx, "ana")
		var twin string
		if err := in.db.DB().QueryRowContext(ctx, `SELECT id FROM pieces WHERE commission_id IS NULL AND subject = $1`, s.subject).Scan(&twin); err != nil {
			t.Fatal(err)
		}
		twinPhoto := []byte("the twin's photo")
		sha := in.file(t, ana.ID, twinPhoto)
		if _, err := in.db.AddProcessPhotos(ctx, ana.ID, twin, studio.Sculpt, false, "", []store.NewPhoto{{SHA256: sha, Size: int64(len(twinPhoto)), ContentType: "image/jpeg", Width: 10, Height: 10}}); err != nil {
			t.Fatal(err)
		}
		entries, names, sum := unzip(t, in, "ana")
		if names[0] != "README.txt" || !bytes.Contains(entries["README.txt"], []byte("password_hash")) {
			t.Errorf("README.txt first, saying what is left out: %v", names[0])
		}
		for name, data := range entries {
			for _, sec := range s.secrets {
				if bytes.Contains(data, []byte(sec)) {
					t.Errorf("%s holds the secret %q", name, sec)
				}
			}
			if bytes.Contains(data, []byte("only ben's")) || bytes.Contains(data, []byte(other.ID)) {
				t.Errorf("%s holds ben's records", name)
			}
		}
		for _, k := range store.ExportKinds() {
			recs := readCSV(t, k.Name, entries["csv/"+k.Name+".csv"])
			var objs []map[string]any
			if err := json.Unmarshal(entries["json/"+k.Name+".json"], &objs); err != nil {
				t.Fatalf("json/%s.json: %v", k.Name, err)
			}
			if len(objs) != len(recs)-1 {
				t.Errorf("%s: %d JSON records, %d CSV", k.Name, len(objs), len(recs)-1)
			}
		}
		// Money in major units with its currency; times in ISO 8601.
		recs := readCSV(t, "commissions", entries["csv/commissions.csv"])
		price, cur, created, story := column(t, recs, "price"), column(t, recs, "currency"), column(t, recs, "created_at"), column(t, recs, "story")
		var prices, stories []string
		for _, r := range recs[1:] {
			prices, stories = append(prices, r[price]+" "+r[cur]), append(stories, r[story])
			if _, err := time.Parse(time.RFC3339, r[created]); err != nil {
				t.Errorf("created_at %q is not ISO 8601", r[created])
			}
		}
		if !strings.Contains(strings.Join(prices, ","), "450.00 EUR") {
			t.Errorf("prices %v, want 450.00 EUR", prices)
		}
		if !strings.Contains(strings.Join(stories, ","), `'=HYPERLINK`) {
			t.Errorf("a formula is kept as text in the CSV: %q", stories)
		}
		if !bytes.Contains(entries["json/commissions.json"], []byte(`"story": "=HYPERLINK`)) || !bytes.Contains(entries["json/commissions.json"], []byte(`"price": 450.00`)) {
			t.Error("the JSON keeps the text as entered and the price as a number")
		}
		// The photos, at readable paths, listed in photos.csv.
		front := "commissions/" + now.Format("2006-01-02") + "-Grandma-Rose/front.jpg"
		if !bytes.Equal(entries[front], s.front) {
			t.Errorf("no %s in %v", front, names)
		}
		// The two pieces of one subject, in folders of their own; which gets
		// the "-2" is the order their photos came in.
		process := "pieces/" + strings.ReplaceAll(s.subject, " ", "-") + "/sculpt/" + now.Format("2006-01-02") + "-process.jpg"
		twinPath := "pieces/" + strings.ReplaceAll(s.subject, " ", "-") + "-2/sculpt/" + now.Format("2006-01-02") + "-process.jpg"
		if bytes.Equal(entries[process], twinPhoto) {
			process, twinPath = twinPath, process
		}
		if !bytes.Equal(entries[process], s.process) || !bytes.Equal(entries[twinPath], twinPhoto) {
			t.Errorf("no %s and %s in %v", process, twinPath, names)
		}
		photos := readCSV(t, "photos", entries["csv/photos.csv"])
		paths := column(t, photos, "export_path")
		for _, r := range photos[1:] {
			if _, ok := entries[r[paths]]; !ok {
				t.Errorf("photos.csv names %q, not in the zip", r[paths])
			}
		}
		if sum.Photos != 3 || sum.Records == 0 {
			t.Errorf("summary %+v", sum)
		}
	})
}

// TestExportEmptyStudio: a studio with nothing yet is a valid zip, every
// CSV with its header, no photo.
func TestExportEmptyStudio(t *testing.T) {
	storetest.EachDialect(t, func(t *testing.T, d store.Dialect) {
		in := newInstall(t, d)
		in.studio(t, "new")
		entries, _, sum := unzip(t, in, "new")
		for _, k := range store.ExportKinds() {
			recs := readCSV(t, k.Name, entries["csv/"+k.Name+".csv"])
			if k.Name == "commissions" && len(recs) != 1 {
				t.Errorf("commissions: %d lines, want the header alone", len(recs))
			}
			if _, ok := entries["json/"+k.Name+".json"]; !ok {
				t.Errorf("no json/%s.json", k.Name)
			}
		}
		if !bytes.Equal(bytes.TrimSpace(entries["json/commissions.json"]), []byte("[\n]")) {
			t.Errorf("commissions.json = %q", entries["json/commissions.json"])
		}
		if sum.Photos != 0 {
			t.Errorf("%d photos", sum.Photos)
		}
	})
}

func TestExportUnknownStudio(t *testing.T) {
	in := newInstall(t, store.SQLite)
	var buf bytes.Buffer
	_, err := export.Write(ctx, &buf, in.db, in.blobs, "nobody", now)
	if studio.ErrorCode(err) != studio.NotFound || buf.Len() != 0 {
		t.Fatalf("got %v and %d bytes", err, buf.Len())
	}
}

// brokenPipe takes some bytes and then fails, as a client that goes away.
type brokenPipe struct{ left int }

var errGone = errors.New("client gone")

func (b *brokenPipe) Write(p []byte) (int, error) {
	if len(p) > b.left {
		n := b.left
		b.left = 0
		return n, errGone
	}
	b.left -= len(p)
	return len(p), nil
}

// TestExportInterrupted: a writer that fails half-way ends the export
// with its error, and nothing is left in the temporary folder.
func TestExportInterrupted(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	in := newInstall(t, store.SQLite)
	seed(t, in)
	var whole bytes.Buffer
	if _, err := export.Write(ctx, &whole, in.db, in.blobs, "ana", now); err != nil {
		t.Fatal(err)
	}
	_, err := export.Write(ctx, &brokenPipe{left: whole.Len() / 2}, in.db, in.blobs, "ana", now)
	if !errors.Is(err, errGone) {
		t.Fatalf("got %v", err)
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := export.Write(cancelled, io.Discard, in.db, in.blobs, "ana", now); !errors.Is(err, context.Canceled) {
		t.Fatalf("a cancelled export: %v", err)
	}
	left, _ := os.ReadDir(tmp)
	if len(left) != 0 {
		t.Errorf("left behind: %v", left)
	}
	// The store is free again: the read transaction ended.
	if _, err := export.Write(ctx, io.Discard, in.db, in.blobs, "ana", now); err != nil {
		t.Fatal(err)
	}
}
