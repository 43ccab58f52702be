// Package backup writes one studio, its records and its files, into a
// single archive, and restores such an archive into an empty install. The
// archive does not depend on the database it came from, so backup and
// restore are also how an install moves between SQLite and PostgreSQL.
//
// The format is described in docs/backup-format.md: a tar stream, inside
// age encryption when a passphrase is given, holding manifest.json first,
// then one JSON-lines file per table, then the file blobs named by SHA-256.
package backup

import (
	"time"

	"atelier/internal/studio"
)

const (
	// FormatName marks an Atelier backup in its manifest.
	FormatName = "atelier-backup"
	// Version is the format version this code writes and reads. A change a
	// version-1 reader would misread gets a new number.
	Version = 1

	manifestName = "manifest.json"
	tablesDir    = "tables/"
	filesDir     = "files/"
	// ageMagic starts every age-encrypted file.
	ageMagic = "age-encryption.org/"
)

// Manifest is the first entry of an archive: what the archive holds.
type Manifest struct {
	Format    string    `json:"format"`
	Version   int       `json:"version"`
	CreatedAt time.Time `json:"created_at"`
	// Studio is the slug of the studio the archive holds.
	Studio string  `json:"studio"`
	Tables []Table `json:"tables"`
	Files  []File  `json:"files"`
}

// Table describes the JSON-lines entry of one table.
type Table struct {
	Name string `json:"name"`
	Rows int    `json:"rows"`
	// SHA256 is the hash of the entry, so that a damaged unencrypted archive
	// is refused rather than restored with a changed record.
	SHA256 string `json:"sha256"`
}

// File describes one blob of the file store.
type File struct {
	SHA256 string `json:"sha256"`
	Size   int64  `json:"size"`
}

func tableEntry(name string) string { return tablesDir + name + ".jsonl" }
func fileEntry(sha string) string   { return filesDir + sha }

// validSHA256 accepts the lowercase hex form the file store names blobs by;
// anything else could name a path outside it.
func validSHA256(s string) bool {
	if len(s) != 64 {
		return false
	}
	for _, c := range s {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// refused is the error for an archive that cannot be restored.
func refused(format string, args ...any) error {
	return studio.Errorf(studio.Invalid, "The archive cannot be restored: "+format, args...)
}

// damaged is the error for an archive that ends early or does not decode:
// a cut-off copy, a wrong file, or encrypted data that fails to verify.
func damaged(err error) error {
	return refused("it is incomplete or damaged (%v).", err)
}
