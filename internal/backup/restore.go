package backup

import (
	"archive/tar"
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"

	"filippo.io/age"

	"atelier/internal/files"
	"atelier/internal/store"
	"atelier/internal/studio"
)

// Limits on the entries held in memory, far above any studio's, so that a
// hostile archive cannot exhaust it.
const (
	maxManifest = 64 << 20
	maxTable    = 1 << 30
)

// Restore reads the archive r into an install that has no studio yet,
// made of db and blobs. passphrase must be given exactly when the archive
// is encrypted.
//
// It is all or nothing: every entry is checked against the manifest and
// every blob against its SHA-256 while it is read; the blobs go into the
// file store first, then all rows in one transaction, and if anything
// fails the blobs this restore added are removed again.
func Restore(ctx context.Context, r io.Reader, db *store.Store, blobs *files.Store, passphrase string) (m Manifest, err error) {
	// Refused before a byte of the archive is read.
	if err := db.RequireEmpty(ctx); err != nil {
		return m, err
	}
	plain, err := decrypt(r, passphrase)
	if err != nil {
		return m, err
	}
	rs := &restorer{src: plain, tr: tar.NewReader(plain), blobs: blobs}
	defer func() {
		if err == nil {
			return
		}
		if uerr := rs.undo(ctx); uerr != nil {
			err = errors.Join(err, uerr)
		}
	}()
	m, tables, err := rs.read(ctx)
	if err != nil {
		return m, err
	}
	return m, db.RestoreStudio(ctx, tables)
}

// decrypt tells an encrypted archive from a plain one by its first bytes,
// so that a missing or superfluous passphrase gets a clear answer.
func decrypt(r io.Reader, passphrase string) (io.Reader, error) {
	br := bufio.NewReader(r)
	head, _ := br.Peek(len(ageMagic))
	plainMagic := []byte(manifestName + "\x00") // the name in the first tar header
	switch {
	case len(head) == 0:
		return nil, refused("the file is empty.")
	case bytes.HasPrefix(head, []byte(ageMagic)) && passphrase == "":
		return nil, refused("it is encrypted, and no passphrase was given.")
	case bytes.HasPrefix(head, []byte(ageMagic)):
		return openAge(br, passphrase)
	case bytes.HasPrefix(head, plainMagic) && passphrase != "":
		return nil, refused("it is not encrypted, but a passphrase was given. Restore it without one.")
	case bytes.HasPrefix(head, plainMagic):
		return br, nil
	case bytes.HasPrefix([]byte(ageMagic), head) || bytes.HasPrefix(plainMagic, head):
		return nil, damaged(io.ErrUnexpectedEOF)
	}
	return nil, refused("it is not an Atelier backup.")
}

func openAge(r io.Reader, passphrase string) (io.Reader, error) {
	id, err := age.NewScryptIdentity(passphrase)
	if err != nil {
		return nil, err
	}
	plain, err := age.Decrypt(r, id)
	if _, ok := errors.AsType[*age.NoIdentityMatchError](err); ok {
		return nil, studio.Errorf(studio.Unauthorized, "The archive cannot be restored: the passphrase is wrong.")
	}
	if err != nil {
		return nil, damaged(err)
	}
	return plain, nil
}

// restorer reads the entries of an archive in the order the manifest
// gives, and remembers the blobs it added so that a failure can take them
// back.
type restorer struct {
	src   io.Reader
	tr    *tar.Reader
	blobs *files.Store
	added []string
}

func (rs *restorer) read(ctx context.Context) (Manifest, []store.TableRows, error) {
	m, err := rs.manifest()
	if err != nil {
		return m, nil, err
	}
	tables := make([]store.TableRows, len(m.Tables))
	for i, t := range m.Tables {
		if tables[i], err = rs.table(t); err != nil {
			return m, nil, err
		}
	}
	if err := checkRecords(m, tables); err != nil {
		return m, nil, err
	}
	for _, f := range m.Files {
		if err := rs.file(ctx, f); err != nil {
			return m, nil, err
		}
	}
	return m, tables, rs.end()
}

// next reads the header of the entry the manifest says comes next.
func (rs *restorer) next(name string, size int64) (*tar.Header, error) {
	hdr, err := rs.tr.Next()
	if err == io.EOF {
		return nil, refused("it ends before %s: it is incomplete.", name)
	}
	if err != nil {
		return nil, damaged(err)
	}
	if hdr.Name != name || hdr.Typeflag != tar.TypeReg {
		return nil, refused("it holds %q where %s was expected.", hdr.Name, name)
	}
	if size >= 0 && hdr.Size != size {
		return nil, refused("%s has %d bytes instead of the %d the manifest gives.", name, hdr.Size, size)
	}
	return hdr, nil
}

func (rs *restorer) manifest() (m Manifest, err error) {
	hdr, err := rs.next(manifestName, -1)
	if err != nil {
		return m, err
	}
	if hdr.Size > maxManifest {
		return m, refused("its manifest is implausibly large.")
	}
	data, err := io.ReadAll(rs.tr)
	if err != nil {
		return m, damaged(err)
	}
	if err := json.Unmarshal(data, &m); err != nil {
		return m, refused("its manifest does not decode: %v.", err)
	}
	return m, checkManifest(m)
}

func checkManifest(m Manifest) error {
	switch {
	case m.Format != FormatName:
		return refused("it is not an Atelier backup (format %q).", m.Format)
	case m.Version > Version:
		return refused("it has format version %d, made by a newer Atelier; this one reads version %d. Upgrade Atelier first.", m.Version, Version)
	case m.Version != Version:
		return refused("format version %d is unknown; this Atelier reads version %d.", m.Version, Version)
	case m.Studio == "":
		return refused("its manifest names no studio.")
	}
	if err := checkTables(m.Tables); err != nil {
		return err
	}
	return checkFiles(m.Files)
}

// checkTables refuses, before any blob is stored, tables this version does
// not know: the archive was made by a newer Atelier.
func checkTables(tables []Table) error {
	known := store.BackupTables()
	next := 0
	for _, t := range tables {
		i := next
		for i < len(known) && known[i].Name != t.Name {
			i++
		}
		if i == len(known) {
			return refused("table %q is unknown to this version of Atelier, or out of order.", t.Name)
		}
		if t.Rows < 0 || !validSHA256(t.SHA256) {
			return refused("its manifest describes table %s wrongly.", t.Name)
		}
		next = i + 1
	}
	return nil
}

func checkFiles(fs []File) error {
	seen := make(map[string]bool, len(fs))
	for _, f := range fs {
		if !validSHA256(f.SHA256) || f.Size < 0 || seen[f.SHA256] {
			return refused("its manifest lists file %q wrongly.", f.SHA256)
		}
		seen[f.SHA256] = true
	}
	return nil
}

// table reads one table's rows, after checking the entry's hash.
func (rs *restorer) table(t Table) (store.TableRows, error) {
	name := tableEntry(t.Name)
	hdr, err := rs.next(name, -1)
	if err != nil {
		return store.TableRows{}, err
	}
	if hdr.Size > maxTable {
		return store.TableRows{}, refused("%s is implausibly large.", name)
	}
	data, err := io.ReadAll(rs.tr)
	if err != nil {
		return store.TableRows{}, damaged(err)
	}
	if sum := sha256.Sum256(data); hex.EncodeToString(sum[:]) != t.SHA256 {
		return store.TableRows{}, refused("%s does not match its SHA-256 checksum: the archive is damaged or was altered.", name)
	}
	rows, err := decodeRows(data)
	if err != nil {
		return store.TableRows{}, refused("%s does not decode: %v.", name, err)
	}
	if len(rows) != t.Rows {
		return store.TableRows{}, refused("%s has %d rows instead of the %d the manifest gives.", name, len(rows), t.Rows)
	}
	return store.TableRows{Name: t.Name, Rows: rows}, nil
}

func decodeRows(data []byte) ([]store.Row, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber() // integers stay exact; the target column decides the type
	var rows []store.Row
	for {
		var row store.Row
		err := dec.Decode(&row)
		if err == io.EOF {
			return rows, nil
		}
		if err != nil {
			return nil, err
		}
		rows = append(rows, row)
	}
}

// checkRecords makes sure, before any blob is stored, that the archive
// holds the studio its manifest names and every blob its records refer to.
// The store checks the rest of the rows.
func checkRecords(m Manifest, tables []store.TableRows) error {
	listed := make(map[string]bool, len(m.Files))
	for _, f := range m.Files {
		listed[f.SHA256] = true
	}
	for _, t := range tables {
		if t.Name == "studios" && (len(t.Rows) != 1 || t.Rows[0]["slug"] != m.Studio) {
			return refused("it does not hold the one studio %q its manifest names.", m.Studio)
		}
		if err := checkBlobRefs(t, listed); err != nil {
			return err
		}
	}
	return nil
}

func checkBlobRefs(t store.TableRows, listed map[string]bool) error {
	i := slices.IndexFunc(store.BackupTables(), func(bt store.BackupTable) bool { return bt.Name == t.Name })
	col := store.BackupTables()[i].Blob
	if col == "" {
		return nil
	}
	for n, row := range t.Rows {
		if sha, _ := row[col].(string); !listed[sha] {
			return refused("row %d of table %s refers to a file the archive does not hold.", n+1, t.Name)
		}
	}
	return nil
}

// file stores one blob, after checking its size and SHA-256 while it
// arrives.
func (rs *restorer) file(ctx context.Context, f File) error {
	if _, err := rs.next(fileEntry(f.SHA256), f.Size); err != nil {
		return err
	}
	src := &errReader{r: rs.tr}
	sp, err := rs.blobs.Spool(src, f.Size)
	if src.err != nil {
		return damaged(src.err)
	}
	if err != nil {
		return err
	}
	defer sp.Remove()
	if sp.SHA256 != f.SHA256 || sp.Size != f.Size {
		return refused("file %s does not match its SHA-256 checksum: the archive is damaged or was altered.", f.SHA256)
	}
	existed, err := rs.blobs.Exists(ctx, f.SHA256)
	if err != nil {
		return err
	}
	if err := rs.blobs.Save(ctx, sp, func() error { return nil }); err != nil {
		return err
	}
	if !existed {
		rs.added = append(rs.added, f.SHA256)
	}
	return nil
}

// end checks that nothing follows the last file, and reads the stream to
// its end: only there does age verify that the archive was not cut short.
func (rs *restorer) end() error {
	hdr, err := rs.tr.Next()
	if err == nil {
		return refused("it holds %q, which its manifest does not list.", hdr.Name)
	}
	if err != io.EOF {
		return damaged(err)
	}
	if _, err := io.Copy(io.Discard, rs.src); err != nil {
		return damaged(err)
	}
	return nil
}

// undo removes the blobs this restore added, under a context a cancelled
// restore cannot cancel.
func (rs *restorer) undo(ctx context.Context) error {
	var errs []error
	for _, sha := range rs.added {
		if err := rs.blobs.Delete(context.WithoutCancel(ctx), sha); err != nil {
			errs = append(errs, fmt.Errorf("backup: removing file %s after the failed restore: %w", sha, err))
		}
	}
	rs.added = nil
	return errors.Join(errs...)
}

// errReader remembers the archive's own read error, which the file store's
// spooling would otherwise report as an upload cut short.
type errReader struct {
	r   io.Reader
	err error
}

func (e *errReader) Read(p []byte) (int, error) {
	n, err := e.r.Read(p)
	if err != nil && err != io.EOF {
		e.err = err
	}
	return n, err
}
