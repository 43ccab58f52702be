package export

import (
	"fmt"
	"strings"
	"time"

	"atelier/internal/store"
	"atelier/internal/studio"
)

// readme is the README.txt at the top of an export: what each file holds,
// how to read it, and what is left out and why.
func readme(st studio.Studio, now time.Time) string {
	var b strings.Builder
	fmt.Fprintf(&b, `Everything studio %q (%s) holds in Atelier, exported on %s.

This is a copy for people and other software: open the CSV files in a
spreadsheet, read the JSON files with any program, look at the photos.
It is not a backup: Atelier cannot restore a studio from it (use
"atelier backup" for that).

FILES

  csv/KIND.csv     one file per kind of record, one line per record,
                   a header row naming the columns.
  json/KIND.json   the same records as a JSON array of objects, one
                   object per record, named as the CSV's columns.
  commissions/DATE-SUBJECT/ANGLE.jpg
                   the reference photos a client sent with an inquiry,
                   by the date the commission came in and its subject.
  pieces/SUBJECT/STAGE/DATE-KIND.jpg
                   the process photos of a piece, by stage.
  photos/          photos that belong to neither.

  csv/photos.csv (and json/photos.json) gives each photo's path in this
  zip in its last column, export_path. Photos are the originals as they
  were uploaded; the smaller copies Atelier makes of them are left out.

HOW VALUES ARE WRITTEN

  Text       UTF-8. The CSV files start with a byte-order mark so that
             spreadsheets read them as UTF-8. In the CSV files a text that
             starts with = + - or @ gets a leading apostrophe, so that no
             spreadsheet runs it as a formula; the JSON files have every
             text exactly as it was entered.
  Times      ISO 8601 in UTC, e.g. 2026-03-01T14:05:00Z.
  Dates      ISO 8601, e.g. 2026-03-01 (deadlines, promised dates).
  Money      in the currency's major unit with its decimals, e.g. 450.00,
             in a column named without the "_cents" of its stored name
             (price_cents becomes price), and the currency (ISO 4217, %s)
             in a "currency" column of the same row.
  Booleans   true or false.
  Bytes      base64 (the entries of the certificate log).
  Ids        each record's id, and the ids it refers to (commission_id,
             piece_id, user_id, ...), link the files together.

KINDS OF RECORDS

`, st.Name, st.Slug, now.Format(time.RFC3339), st.Currency)
	for _, k := range store.ExportKinds() {
		fmt.Fprintf(&b, "  %s\n", k.Name)
	}
	b.WriteString(`
WHAT IS LEFT OUT, AND WHY

An export never holds a secret: whoever gets this file cannot sign in,
open a client's portal, hand a certificate on or sign certificates in
the studio's name with it.

`)
	for _, k := range store.ExportKinds() {
		for _, col := range store.ExportOmittedColumns(k.Name) {
			fmt.Fprintf(&b, "  %s.%s: %s.\n", k.Name, col, store.ExportOmitted(k.Name, col))
		}
	}
	for _, t := range store.ExportLeftOutTables() {
		fmt.Fprintf(&b, "  %s (all of it): %s.\n", t, store.ExportLeftOut(t))
	}
	b.WriteString(`  Sessions, sign-in and password-reset links, calendar feed links,
  portal links and certificate transfer codes: passing secrets that are
  not kept with the studio's records at all.
`)
	return strings.ReplaceAll(b.String(), "\n", "\r\n")
}
