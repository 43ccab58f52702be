package backup

import (
	"archive/tar"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash"
	"io"
	"os"
	"time"

	"filippo.io/age"

	"atelier/internal/files"
	"atelier/internal/store"
)

// Options says how to write an archive.
type Options struct {
	// Passphrase, when not empty, encrypts the archive with age's scrypt
	// recipient. Without one the archive is in the clear, password hashes
	// and token hashes included.
	Passphrase string
	// Now stamps the manifest.
	Now time.Time
	// TempDir holds the tables while they are dumped; "" is the system's.
	TempDir string
}

// Write writes the archive of the studio with the given slug to w. The
// records come from one consistent snapshot of the database.
func Write(ctx context.Context, w io.Writer, db *store.Store, blobs *files.Store, slug string, opts Options) (Manifest, error) {
	sp, err := dump(ctx, db, slug, opts.TempDir)
	if err != nil {
		return Manifest{}, err
	}
	defer sp.close()
	m := Manifest{Format: FormatName, Version: Version, CreatedAt: opts.Now.UTC(), Studio: slug,
		Tables: sp.manifestTables(), Files: sp.files}
	out, err := encrypt(w, opts.Passphrase)
	if err != nil {
		return m, err
	}
	tw := tar.NewWriter(out)
	if err := writeEntries(ctx, tw, m, sp, blobs); err != nil {
		return m, err
	}
	if err := tw.Close(); err != nil {
		return m, err
	}
	return m, out.Close()
}

func writeEntries(ctx context.Context, tw *tar.Writer, m Manifest, sp *spool, blobs *files.Store) error {
	manifest, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	if err := writeEntry(tw, manifestName, m.CreatedAt, int64(len(manifest)), bytes.NewReader(manifest)); err != nil {
		return err
	}
	for _, s := range sp.sections {
		if err := writeEntry(tw, tableEntry(s.name), m.CreatedAt, s.size, io.NewSectionReader(sp.f, s.off, s.size)); err != nil {
			return err
		}
	}
	for _, f := range m.Files {
		if err := writeBlob(ctx, tw, blobs, f, m.CreatedAt); err != nil {
			return err
		}
	}
	return nil
}

func writeEntry(tw *tar.Writer, name string, mod time.Time, size int64, r io.Reader) error {
	hdr := &tar.Header{Name: name, Mode: 0o600, Size: size, ModTime: mod.Truncate(time.Second), Typeflag: tar.TypeReg}
	if err := tw.WriteHeader(hdr); err != nil {
		return err
	}
	n, err := io.Copy(tw, r)
	if err == nil && n != size {
		err = fmt.Errorf("backup: %s: wrote %d of %d bytes", name, n, size)
	}
	return err
}

// writeBlob copies a blob into the archive, checking its size and hash on
// the way: a backup of a damaged file store fails instead of carrying the
// damage into the one copy that was meant to be safe.
func writeBlob(ctx context.Context, tw *tar.Writer, blobs *files.Store, f File, mod time.Time) error {
	r, err := blobs.Open(ctx, f.SHA256)
	if err != nil {
		return fmt.Errorf("backup: reading file %s from the file store: %w", f.SHA256, err)
	}
	defer r.Close()
	hdr := &tar.Header{Name: fileEntry(f.SHA256), Mode: 0o600, Size: f.Size, ModTime: mod.Truncate(time.Second), Typeflag: tar.TypeReg}
	if err := tw.WriteHeader(hdr); err != nil {
		return err
	}
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(tw, h), io.LimitReader(r, f.Size))
	if err != nil {
		return fmt.Errorf("backup: reading file %s from the file store: %w", f.SHA256, err)
	}
	extra, _ := r.Read(make([]byte, 1))
	if n != f.Size || extra > 0 || hex.EncodeToString(h.Sum(nil)) != f.SHA256 {
		return fmt.Errorf("backup: file %s in the file store does not match its recorded size and SHA-256: the file store is damaged", f.SHA256)
	}
	return nil
}

// encrypt wraps w in age encryption when there is a passphrase.
func encrypt(w io.Writer, passphrase string) (io.WriteCloser, error) {
	if passphrase == "" {
		return nopCloser{w}, nil
	}
	r, err := age.NewScryptRecipient(passphrase)
	if err != nil {
		return nil, err
	}
	return age.Encrypt(w, r)
}

type nopCloser struct{ io.Writer }

func (nopCloser) Close() error { return nil }

// spool keeps the dumped tables in a temporary file, because the manifest
// that comes first in the archive must already know their sizes, row
// counts and hashes.
type spool struct {
	f        *os.File
	pos      int64
	sections []*section
	files    []File
	sizes    map[string]int64
}

type section struct {
	name      string
	rows      int
	off, size int64
	hash      hash.Hash
}

func dump(ctx context.Context, db *store.Store, slug, tempDir string) (*spool, error) {
	f, err := os.CreateTemp(tempDir, "backup-*.jsonl")
	if err != nil {
		return nil, err
	}
	// files is [] rather than null in the manifest of a studio without any.
	sp := &spool{f: f, sizes: map[string]int64{}, files: []File{}}
	for _, t := range store.BackupTables() {
		sp.sections = append(sp.sections, &section{name: t.Name, hash: sha256.New()})
	}
	if err := db.DumpStudio(ctx, slug, sp.add); err != nil {
		sp.close()
		return nil, err
	}
	return sp, nil
}

func (sp *spool) add(t store.BackupTable, row store.Row) error {
	s, err := sp.section(t.Name)
	if err != nil {
		return err
	}
	if s.size == 0 {
		s.off = sp.pos
	}
	var line bytes.Buffer
	enc := json.NewEncoder(&line)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(row); err != nil {
		return err
	}
	if _, err := sp.f.Write(line.Bytes()); err != nil {
		return err
	}
	s.hash.Write(line.Bytes())
	s.rows++
	s.size += int64(line.Len())
	sp.pos += int64(line.Len())
	if t.Blob != "" {
		return sp.addFile(t, row)
	}
	return nil
}

// section finds the section of a table. DumpStudio hands the tables over
// one after another, so the rows of each lie together in the file.
func (sp *spool) section(name string) (*section, error) {
	for _, s := range sp.sections {
		if s.name == name {
			return s, nil
		}
	}
	return nil, fmt.Errorf("backup: the store dumped table %s, which BackupTables does not list", name)
}

// addFile notes the blob a row refers to, once however many rows do.
func (sp *spool) addFile(t store.BackupTable, row store.Row) error {
	sha, _ := row[t.Blob].(string)
	size, ok := row[t.BlobSize].(int64)
	if !validSHA256(sha) || !ok || size < 0 {
		return fmt.Errorf("backup: a row of %s refers to a file as %q of %v bytes", t.Name, sha, row[t.BlobSize])
	}
	if known, seen := sp.sizes[sha]; seen {
		if known != size {
			return fmt.Errorf("backup: file %s is recorded with two sizes, %d and %d", sha, known, size)
		}
		return nil
	}
	sp.sizes[sha] = size
	sp.files = append(sp.files, File{SHA256: sha, Size: size})
	return nil
}

func (sp *spool) manifestTables() []Table {
	tables := make([]Table, len(sp.sections))
	for i, s := range sp.sections {
		tables[i] = Table{Name: s.name, Rows: s.rows, SHA256: hex.EncodeToString(s.hash.Sum(nil))}
	}
	return tables
}

func (sp *spool) close() {
	sp.f.Close()
	os.Remove(sp.f.Name())
}
