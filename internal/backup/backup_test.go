package backup_test

import (
	"archive/tar"
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"atelier/internal/backup"
	"atelier/internal/files"
	"atelier/internal/files/filestest"
	"atelier/internal/provenance"
	"atelier/internal/store"
	"atelier/internal/store/storetest"
	"atelier/internal/studio"
)

var ctx = context.Background()

// install is a database and a file store, as one Atelier install has them.
type install struct {
	db    *store.Store
	blobs *files.Store
	dir   string // the file store's folder
}

func newInstall(t *testing.T, d store.Dialect) install {
	t.Helper()
	blobs, dir := filestest.Open(t)
	// Each install has its own secret, as real ones do: a restore seals
	// the studio's key again with the target's.
	cfg := storetest.Config(t, d)
	cfg.SecretKey = randomBytes(t, 32)
	db, err := store.Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return install{db: db, blobs: blobs, dir: dir}
}

// seeded is what seed put into an install.
type seeded struct {
	secret   string            // a working API token of ana
	anaFiles map[string][]byte // ana's blobs by SHA-256
	ben      []string          // strings that only ben's records hold
}

// seed makes studio ana with records in every backed-up table and blobs
// of a few kilobytes at least, and studio ben beside it.
func seed(t *testing.T, in install) seeded {
	t.Helper()
	s := seeded{anaFiles: map[string][]byte{}}
	ana := in.mustStudio(t, "ana", "ana@example.com")
	in.mustUser(t, "ana", "assistant@example.com", studio.Assistant)
	var err error
	if s.secret, _, err = in.db.CreateToken(ctx, store.NewToken{Email: "ana@example.com", Name: "shop"}); err != nil {
		t.Fatal(err)
	}
	if _, err := in.db.Authenticate(ctx, s.secret); err != nil {
		t.Fatal(err)
	}
	revoked, _, _ := in.db.CreateToken(ctx, store.NewToken{Email: "assistant@example.com"})
	if _, err := in.db.RevokeToken(ctx, revoked); err != nil {
		t.Fatal(err)
	}
	var shas []string
	for _, size := range []int{9000, 20000, 300000} {
		content := randomBytes(t, size)
		sha := in.mustFile(t, ana.ID, content)
		s.anaFiles[sha] = content
		shas = append(shas, sha)
	}
	storetest.SeedCommission(t, in.db, ana.ID, shas[0], shas[1])
	ben := in.mustStudio(t, "ben", "ben@example.com")
	benContent := []byte("only ben has this sketch " + strings.Repeat("b", 5000))
	s.ben = []string{ben.ID, "ben@example.com", in.mustFile(t, ben.ID, benContent), string(benContent[:40])}
	return s
}

func (in install) mustStudio(t *testing.T, slug, owner string) studio.Studio {
	t.Helper()
	st, err := in.db.CreateStudio(ctx, studio.NewStudio(slug, "Studio "+slug, "Artist "+slug))
	if err != nil {
		t.Fatal(err)
	}
	in.mustUser(t, slug, owner, studio.Owner)
	return st
}

func (in install) mustUser(t *testing.T, slug, email string, role studio.Role) {
	t.Helper()
	_, err := in.db.CreateUser(ctx, studio.NewUser{StudioSlug: slug, Email: email, Name: "Someone", Role: role, Password: "a long password"})
	if err != nil {
		t.Fatal(err)
	}
}

func (in install) mustFile(t *testing.T, studioID string, content []byte) string {
	t.Helper()
	sp, err := in.blobs.Spool(bytes.NewReader(content), 1<<30)
	if err != nil {
		t.Fatal(err)
	}
	defer sp.Remove()
	err = in.blobs.Save(ctx, sp, func() error {
		_, err := in.db.CreateFile(ctx, studio.File{StudioID: studioID, SHA256: sp.SHA256, Size: sp.Size, ContentType: sp.ContentType, Name: "photo.jpg"})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return sp.SHA256
}

func randomBytes(t *testing.T, n int) []byte {
	t.Helper()
	b := make([]byte, n)
	rand.Read(b)
	return b
}

func write(t *testing.T, in install, slug, passphrase string) []byte {
	t.Helper()
	var buf bytes.Buffer
	if _, err := backup.Write(ctx, &buf, in.db, in.blobs, slug, backup.Options{Passphrase: passphrase, Now: time.Now()}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// records dumps every record of a studio, table by table.
func records(t *testing.T, db *store.Store, slug string) map[string][]store.Row {
	t.Helper()
	out := map[string][]store.Row{}
	err := db.DumpStudio(ctx, slug, func(bt store.BackupTable, row store.Row) error {
		out[bt.Name] = append(out[bt.Name], row)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func blobsOf(t *testing.T, in install) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	err := in.blobs.List(ctx, func(b files.Blob) error {
		r, err := in.blobs.Open(ctx, b.SHA256)
		if err != nil {
			return err
		}
		defer r.Close()
		out[b.SHA256], err = io.ReadAll(r)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestRoundTripAcrossDatabases(t *testing.T) {
	for _, from := range storetest.Dialects(t) {
		for _, to := range storetest.Dialects(t) {
			t.Run(string(from)+"→"+string(to), func(t *testing.T) {
				src := newInstall(t, from)
				s := seed(t, src)
				archive := write(t, src, "ana", "correct horse battery staple")
				dst := newInstall(t, to)
				m, err := backup.Restore(ctx, bytes.NewReader(archive), dst.db, dst.blobs, "correct horse battery staple")
				if err != nil {
					t.Fatal(err)
				}
				if m.Studio != "ana" || len(m.Files) != len(s.anaFiles) {
					t.Fatalf("manifest %+v", m)
				}
				if got, want := records(t, dst.db, "ana"), records(t, src.db, "ana"); !reflect.DeepEqual(got, want) {
					t.Fatalf("records differ after the move:\n got %v\nwant %v", got, want)
				}
				if got := blobsOf(t, dst); !reflect.DeepEqual(got, s.anaFiles) {
					t.Fatalf("the restored file store holds %d blobs, want ana's %d", len(got), len(s.anaFiles))
				}
				checkMasks(t, dst.db, "ana")
				p, err := dst.db.Authenticate(ctx, s.secret)
				if err != nil || p.User.Email != "ana@example.com" || p.Studio.Slug != "ana" {
					t.Fatalf("the token does not work after the move: %+v %v", p, err)
				}
				checkSigning(t, src.db, dst.db)
			})
		}
	}
}

// checkSigning checks that the restored studio keeps its key: the
// certificates issued before verify against it, and it signs new ones.
func checkSigning(t *testing.T, src, dst *store.Store) {
	t.Helper()
	before, _ := src.StudioKey(ctx, "ana")
	after, err := dst.StudioKey(ctx, "ana")
	if err != nil || after != before {
		t.Fatalf("the key changed on the way: %v → %v (%v)", before, after, err)
	}
	var serial string
	if err := dst.DB().QueryRowContext(ctx, `SELECT serial FROM certificates`).Scan(&serial); err != nil {
		t.Fatal(err)
	}
	if cc, err := dst.CheckCertificate(ctx, serial); err != nil || !cc.Genuine {
		t.Fatalf("a certificate issued before the move: %+v %v", cc, err)
	}
	// The restored studio serves the same checkpoint, cosignatures and
	// all, and appends to the same tree.
	srcLog, _ := src.Log(ctx, "ana")
	dstLog, err := dst.Log(ctx, "ana")
	if err != nil || !bytes.Equal(dstLog.Checkpoint, srcLog.Checkpoint) || dstLog.Tree != srcLog.Tree {
		t.Fatalf("the restored log serves another checkpoint:\n%s\nwant\n%s (%v)", dstLog.Checkpoint, srcLog.Checkpoint, err)
	}
	id := storetest.CollectorGradeNew(t, dst, after.StudioID)
	ic, err := dst.IssueCertificate(ctx, after.StudioID, id, nil)
	if err != nil {
		t.Fatalf("the restored studio cannot sign: %v", err)
	}
	if cc, err := dst.CheckCertificate(ctx, ic.Serial); err != nil || !cc.Genuine {
		t.Fatalf("a certificate issued after the move: %+v %v", cc, err)
	}
	grown, _ := dst.Log(ctx, "ana")
	bundle, err := dst.CertificateBundle(ctx, after.StudioID, ic.Serial)
	if err != nil || grown.Tree.N != srcLog.Tree.N+1 {
		t.Fatalf("the log after the move: %d leaves, want %d (%v)", grown.Tree.N, srcLog.Tree.N+1, err)
	}
	b, err := provenance.ParseBundle(bundle)
	if err != nil {
		t.Fatal(err)
	}
	if _, tree, err := b.Verify(after.Verifier); err != nil || tree != grown.Tree {
		t.Fatalf("the new certificate's proof after the move: %v %v", tree, err)
	}
}

// entry is one member of a plain archive.
type entry struct {
	hdr  *tar.Header
	data []byte
}

func entries(t *testing.T, archive []byte) []entry {
	t.Helper()
	tr := tar.NewReader(bytes.NewReader(archive))
	var out []entry
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, entry{hdr, data})
	}
}

func manifestOf(t *testing.T, es []entry) backup.Manifest {
	t.Helper()
	var m backup.Manifest
	if err := json.Unmarshal(es[0].data, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestArchiveLayout(t *testing.T) {
	src := newInstall(t, store.SQLite)
	s := seed(t, src)
	var buf bytes.Buffer
	now := time.Date(2026, 11, 25, 10, 0, 0, 123, time.UTC)
	if _, err := backup.Write(ctx, &buf, src.db, src.blobs, "ana", backup.Options{Now: now}); err != nil {
		t.Fatal(err)
	}
	es := entries(t, buf.Bytes())
	m := manifestOf(t, es)
	if es[0].hdr.Name != "manifest.json" || m.Format != "atelier-backup" || m.Version != 1 || m.Studio != "ana" || !m.CreatedAt.Equal(now) {
		t.Fatalf("manifest %s: %+v", es[0].hdr.Name, m)
	}
	var names []string
	for _, e := range es {
		names = append(names, e.hdr.Name)
		if e.hdr.Mode != 0o600 || e.hdr.Typeflag != tar.TypeReg {
			t.Errorf("%s: mode %o, type %c", e.hdr.Name, e.hdr.Mode, e.hdr.Typeflag)
		}
	}
	want := []string{"manifest.json"}
	for i, bt := range store.BackupTables() {
		want = append(want, "tables/"+bt.Name+".jsonl")
		tm, data := m.Tables[i], es[1+i].data
		sum := sha256.Sum256(data)
		if tm.Name != bt.Name || tm.Rows != bytes.Count(data, []byte("\n")) || tm.Rows == 0 || tm.SHA256 != hex.EncodeToString(sum[:]) {
			t.Errorf("table %d in the manifest: %+v, entry has %d lines", i, tm, bytes.Count(data, []byte("\n")))
		}
	}
	for _, f := range m.Files {
		want = append(want, "files/"+f.SHA256)
		if int64(len(s.anaFiles[f.SHA256])) != f.Size {
			t.Errorf("file %s of %d bytes is not one of ana's", f.SHA256, f.Size)
		}
	}
	if !slices.Equal(names, want) || len(m.Files) != len(s.anaFiles) {
		t.Fatalf("entries %q, want %q", names, want)
	}
	for _, e := range es[len(es)-len(m.Files):] {
		if !bytes.Equal(e.data, s.anaFiles[strings.TrimPrefix(e.hdr.Name, "files/")]) {
			t.Errorf("%s does not hold the blob's bytes", e.hdr.Name)
		}
	}
}

// The archive of one studio holds nothing of another in the same install.
func TestArchiveHoldsOnlyItsStudio(t *testing.T) {
	storetest.EachDialect(t, func(t *testing.T, d store.Dialect) {
		src := newInstall(t, d)
		s := seed(t, src)
		archive := write(t, src, "ana", "")
		for _, b := range s.ben {
			if bytes.Contains(archive, []byte(b)) {
				t.Errorf("the archive of ana holds %q of ben", b)
			}
		}
		es := entries(t, archive)
		anaID := records(t, src.db, "ana")["studios"][0]["id"]
		for _, e := range es[1:] {
			if !strings.HasPrefix(e.hdr.Name, "tables/") {
				continue
			}
			for line := range bytes.Lines(e.data) {
				var row map[string]any
				if err := json.Unmarshal(line, &row); err != nil {
					t.Fatal(err)
				}
				if owner := row["studio_id"]; e.hdr.Name != "tables/studios.jsonl" && owner != anaID {
					t.Errorf("%s holds a row of studio %v", e.hdr.Name, owner)
				}
			}
		}
	})
}

// rewrite rebuilds a plain archive through edit, which may change or drop
// entries (nil data drops one), and then fixes the manifest's table hashes
// and sizes so that only the intended damage remains.
func rewrite(t *testing.T, archive []byte, edit func(m map[string]any, name string, data []byte) []byte) []byte {
	t.Helper()
	es := entries(t, archive)
	var m map[string]any
	json.Unmarshal(es[0].data, &m)
	var out []entry
	for _, e := range es[1:] {
		if data := edit(m, e.hdr.Name, e.data); data != nil {
			out = append(out, entry{&tar.Header{Name: e.hdr.Name, Mode: 0o600, Size: int64(len(data))}, data})
		}
	}
	for _, tm := range m["tables"].([]any) {
		tm := tm.(map[string]any)
		for _, e := range out {
			if e.hdr.Name == "tables/"+tm["name"].(string)+".jsonl" {
				sum := sha256.Sum256(e.data)
				tm["sha256"] = hex.EncodeToString(sum[:])
			}
		}
	}
	manifest, _ := json.Marshal(m)
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, e := range append([]entry{{&tar.Header{Name: "manifest.json", Mode: 0o600, Size: int64(len(manifest))}, manifest}}, out...) {
		tw.WriteHeader(e.hdr)
		tw.Write(e.data)
	}
	tw.Close()
	return buf.Bytes()
}

func keep(m map[string]any, name string, data []byte) []byte { return data }

// assertNothingWritten checks that a refused restore left no record, no
// blob and no temporary file behind.
func assertNothingWritten(t *testing.T, in install, except ...string) {
	t.Helper()
	if n, err := in.db.CountStudios(ctx); err != nil || n != 0 {
		t.Fatalf("%d studios after a refused restore (%v)", n, err)
	}
	for sha := range blobsOf(t, in) {
		if !slices.Contains(except, sha) {
			t.Fatalf("blob %s left behind by a refused restore", sha)
		}
	}
	filepath.WalkDir(filepath.Join(in.dir, "tmp"), func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			t.Fatalf("temporary file %s left behind", path)
		}
		return nil
	})
}

func TestRestoreRefusesBadArchives(t *testing.T) {
	const pass = "correct horse battery staple"
	src := newInstall(t, store.SQLite)
	s := seed(t, src)
	plain := write(t, src, "ana", "")
	sealed := write(t, src, "ana", pass)
	// Every blob is at least 9000 bytes and the end of a tar is 1024 zero
	// bytes: this offset lies inside the last blob, after the others.
	inLastBlob := len(plain) - 1024 - 4096
	flip := func(b []byte, at int) []byte {
		b = slices.Clone(b)
		b[at] ^= 0x40
		return b
	}
	cut := func(b []byte, n int) []byte { return slices.Clone(b[:n]) }
	manifest := func(key string, v any) []byte {
		return rewrite(t, plain, func(m map[string]any, name string, data []byte) []byte {
			m[key] = v
			return data
		})
	}
	cases := []struct {
		name       string
		archive    []byte
		passphrase string
		code       studio.Code
		msg        string
	}{
		{"wrong passphrase", sealed, "Tr0ub4dor&3", studio.Unauthorized, "passphrase is wrong"},
		{"encrypted, no passphrase", sealed, "", studio.Invalid, "encrypted, and no passphrase"},
		{"plain, with a passphrase", plain, pass, studio.Invalid, "not encrypted, but a passphrase"},
		{"empty", nil, "", studio.Invalid, "empty"},
		{"not an archive", randomBytes(t, 5000), "", studio.Invalid, "not an Atelier backup"},
		{"plain, cut in the last blob", cut(plain, inLastBlob), "", studio.Invalid, "incomplete or damaged"},
		{"plain, cut in half", cut(plain, len(plain)/2), "", studio.Invalid, "incomplete or damaged"},
		{"plain, cut in the manifest", cut(plain, 600), "", studio.Invalid, "incomplete or damaged"},
		{"plain, cut in the first header", cut(plain, 8), "", studio.Invalid, "incomplete or damaged"},
		{"plain, last blob missing", rewrite(t, plain, func(m map[string]any, name string, data []byte) []byte {
			if fs := m["files"].([]any); name == "files/"+fs[len(fs)-1].(map[string]any)["sha256"].(string) {
				return nil
			}
			return data
		}), "", studio.Invalid, "ends before files/"},
		{"a record refers to a blob not in the archive", rewrite(t, plain, func(m map[string]any, name string, data []byte) []byte {
			// The last blob goes, from the manifest and the entries.
			fs := m["files"].([]any)
			if len(fs) == len(s.anaFiles) {
				m["files"], m["dropped"] = fs[:len(fs)-1], fs[len(fs)-1].(map[string]any)["sha256"]
			}
			if name == "files/"+m["dropped"].(string) {
				return nil
			}
			return data
		}), "", studio.Invalid, "refers to a file the archive does not hold"},
		{"encrypted, cut at the end", cut(sealed, len(sealed)-1), pass, studio.Invalid, "incomplete or damaged"},
		{"encrypted, cut in the last blob", cut(sealed, len(sealed)-1024-4096), pass, studio.Invalid, "incomplete or damaged"},
		{"encrypted, cut in the header", cut(sealed, 40), pass, studio.Invalid, "incomplete or damaged"},
		{"plain, a blob altered", flip(plain, inLastBlob), "", studio.Invalid, "does not match its SHA-256"},
		{"plain, a record altered", bytes.Replace(plain, []byte("assistant@example.com"), []byte("assistant@example.org"), 1),
			"", studio.Invalid, "tables/users.jsonl does not match its SHA-256"},
		{"encrypted, a byte altered", flip(sealed, len(sealed)/2), pass, studio.Invalid, "incomplete or damaged"},
		{"newer format version", manifest("version", 2), "", studio.Invalid, "format version 2, made by a newer Atelier"},
		{"unknown format version", manifest("version", 0), "", studio.Invalid, "format version 0 is unknown"},
		{"another format", manifest("format", "tarball"), "", studio.Invalid, "not an Atelier backup"},
		{"another studio's name", manifest("studio", "ben"), "", studio.Invalid, `the one studio "ben"`},
		{"unknown table", rewrite(t, plain, func(m map[string]any, name string, data []byte) []byte {
			m["tables"].([]any)[1].(map[string]any)["name"] = "customers"
			return data
		}), "", studio.Invalid, `table "customers" is unknown`},
		{"row count", rewrite(t, plain, func(m map[string]any, name string, data []byte) []byte {
			m["tables"].([]any)[1].(map[string]any)["rows"] = 7
			return data
		}), "", studio.Invalid, "has 1 rows instead of the 7"},
		{"an entry the manifest does not list", append(cut(plain, len(plain)-1024), rewrite(t, plain, func(m map[string]any, name string, data []byte) []byte {
			return nil
		})...), "", studio.Invalid, `"manifest.json", which its manifest does not list`},
		// Every entry checks out, but a record breaks a constraint in the
		// database: the blobs already stored are taken back.
		{"a record the database refuses", rewrite(t, plain, func(m map[string]any, name string, data []byte) []byte {
			if name == "tables/files.jsonl" {
				return bytes.Replace(data, []byte(`"content_type":`), []byte(`"content_type":null,"x":`), 1)
			}
			return data
		}), "", studio.Invalid, `column "x" is unknown`},
		{"a signing key that is not its public key's", rewrite(t, plain, func(m map[string]any, name string, data []byte) []byte {
			if name == "tables/studio_keys.jsonl" {
				var row map[string]any
				json.Unmarshal(data, &row)
				other, _ := provenance.NewKey(rand.Reader, "ana")
				row["signer_key"] = strings.Replace(other.Signer, other.Name, row["name"].(string), 1)
				out, _ := json.Marshal(row)
				return append(out, '\n')
			}
			return data
		}), "", studio.Invalid, "signing key does not match its public key"},
		{"a signing key left out", rewrite(t, plain, func(m map[string]any, name string, data []byte) []byte {
			if name == "tables/studio_keys.jsonl" {
				return bytes.Replace(data, []byte(`"signer_key":`), []byte(`"signer_key_x":`), 1)
			}
			return data
		}), "", studio.Invalid, "column signer_key is missing"},
	}
	storetest.EachDialect(t, func(t *testing.T, d store.Dialect) {
		dst := newInstall(t, d)
		// A blob the target held before stays when a restore fails.
		var before string
		for _, content := range s.anaFiles {
			before = dst.mustFileBlobOnly(t, content)
			break
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				_, err := backup.Restore(ctx, bytes.NewReader(c.archive), dst.db, dst.blobs, c.passphrase)
				if studio.ErrorCode(err) != c.code || !strings.Contains(err.Error(), c.msg) {
					t.Fatalf("got %v, want %s saying %q", err, c.code, c.msg)
				}
				assertNothingWritten(t, dst, before)
				if ok, _ := dst.blobs.Exists(ctx, before); !ok {
					t.Fatal("a failed restore removed a blob it had not added")
				}
			})
		}
		// The good archives still go in, after all those refusals.
		if _, err := backup.Restore(ctx, bytes.NewReader(plain), dst.db, dst.blobs, ""); err != nil {
			t.Fatal(err)
		}
	})
}

// mustFileBlobOnly stores a blob with no record referring to it, as an
// earlier failed upload might have left.
func (in install) mustFileBlobOnly(t *testing.T, content []byte) string {
	t.Helper()
	sha, _, err := in.blobs.Put(ctx, bytes.NewReader(content), 1<<30)
	if err != nil {
		t.Fatal(err)
	}
	return sha
}

// readSpy fails the test on the first read.
type readSpy struct{ t *testing.T }

func (r readSpy) Read([]byte) (int, error) {
	r.t.Fatal("the archive was read")
	return 0, io.EOF
}

func TestRestoreRefusesANonEmptyInstallBeforeReading(t *testing.T) {
	storetest.EachDialect(t, func(t *testing.T, d store.Dialect) {
		dst := newInstall(t, d)
		dst.mustStudio(t, "zoe", "zoe@example.com")
		_, err := backup.Restore(ctx, readSpy{t}, dst.db, dst.blobs, "")
		if studio.ErrorCode(err) != studio.Conflict || !strings.Contains(err.Error(), "already has a studio") {
			t.Fatalf("got %v", err)
		}
	})
}

func TestBackupRefusals(t *testing.T) {
	src := newInstall(t, store.SQLite)
	s := seed(t, src)
	var buf bytes.Buffer
	_, err := backup.Write(ctx, &buf, src.db, src.blobs, "nobody", backup.Options{})
	if studio.ErrorCode(err) != studio.NotFound || buf.Len() != 0 {
		t.Fatalf("backup of an unknown studio: %v, %d bytes written", err, buf.Len())
	}
	// A blob damaged on disk fails the backup rather than going into it.
	for sha := range s.anaFiles {
		if err := os.WriteFile(filepath.Join(src.dir, "files", files.Key(sha)), []byte("rot"), 0o600); err != nil {
			t.Fatal(err)
		}
		break
	}
	_, err = backup.Write(ctx, io.Discard, src.db, src.blobs, "ana", backup.Options{})
	if err == nil || !strings.Contains(err.Error(), "the file store is damaged") {
		t.Fatalf("backup of a damaged file store: %v", err)
	}
}
