// Package export writes everything a studio holds as a zip that people
// read: one CSV and one JSON file per kind of record, every original photo
// under a path that says what it shows, and a README.txt that explains
// the files. Unlike a backup (package backup) it is not for Atelier to
// restore, and it never holds a secret: store.ExportStudio leaves those
// out, column by column.
//
// The zip is streamed straight to its writer, from one read transaction:
// nothing is written to disk on the way, so an export that stops half-way
// (a client gone, a full disk) leaves nothing behind but what the writer
// already took.
package export

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math/big"
	"path"
	"strconv"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"atelier/internal/files"
	"atelier/internal/store"
	"atelier/internal/studio"
)

// Summary says what an export held.
type Summary struct {
	Studio  string
	Records int64
	Photos  int64
}

// FileName is the name an export of the studio is offered under.
func FileName(slug string, now time.Time) string {
	return "atelier-export-" + slug + "-" + now.UTC().Format("2006-01-02") + ".zip"
}

// Write streams the export of the studio with the given slug to w. now
// stamps the files; the zero time means the store's clock. On error w has
// a partial zip, which no unzip tool takes for whole: its directory comes
// last.
func Write(ctx context.Context, w io.Writer, db *store.Store, blobs *files.Store, slug string, now time.Time) (Summary, error) {
	return write(ctx, w, db, blobs, slug, now, nil)
}

// write is Write, telling begin the time of the export before the first
// byte is written.
func write(ctx context.Context, w io.Writer, db *store.Store, blobs *files.Store, slug string, now time.Time, begin func(time.Time)) (Summary, error) {
	sum := Summary{Studio: slug}
	err := db.ExportStudio(ctx, slug, func(e *store.Export) error {
		if now.IsZero() {
			now = e.Now
		}
		if begin != nil {
			begin(now)
		}
		zw := zip.NewWriter(w)
		x := &writer{ctx: ctx, zw: zw, e: e, blobs: blobs, now: now.UTC(), sum: &sum}
		if err := x.write(); err != nil {
			return err
		}
		return zw.Close()
	})
	return sum, err
}

type writer struct {
	ctx   context.Context
	zw    *zip.Writer
	e     *store.Export
	blobs *files.Store
	now   time.Time
	sum   *Summary
	// paths maps a photo's id to its path in the zip.
	paths  map[string]string
	photos []store.ExportPhoto
}

func (x *writer) write() error {
	if err := x.placePhotos(); err != nil {
		return err
	}
	if err := x.entry("README.txt", zip.Deflate, func(w io.Writer) error {
		_, err := io.WriteString(w, readme(x.e.Studio, x.now))
		return err
	}); err != nil {
		return err
	}
	for _, k := range store.ExportKinds() {
		cols, err := x.e.Columns(k)
		if err != nil {
			return err
		}
		t := newTable(k, cols, x.e.Studio.Currency, x.paths)
		if err := x.entry("csv/"+k.Name+".csv", zip.Deflate, func(w io.Writer) error { return x.csv(w, k, t) }); err != nil {
			return err
		}
		if err := x.entry("json/"+k.Name+".json", zip.Deflate, func(w io.Writer) error { return x.json(w, k, t) }); err != nil {
			return err
		}
	}
	for _, p := range x.photos {
		if err := x.photo(p); err != nil {
			return err
		}
	}
	return nil
}

// entry writes one file of the zip. Photos are stored as they are: JPEG
// and PNG do not shrink, and deflating them would only cost time.
func (x *writer) entry(name string, method uint16, fill func(io.Writer) error) error {
	if err := x.ctx.Err(); err != nil {
		return err
	}
	w, err := x.zw.CreateHeader(&zip.FileHeader{Name: name, Method: method, Modified: x.now})
	if err != nil {
		return err
	}
	return fill(w)
}

// table is how the columns of a kind are written: money in major units
// named without its suffix, with a currency column after them all.
type table struct {
	cols     []store.ExportColumn
	header   []string
	currency string
	digits   int
	money    bool
	// photoPaths adds, to photos, the path of each photo in the zip.
	photoPaths map[string]string
	idCol      int
}

func newTable(k store.ExportKind, cols []store.ExportColumn, currency string, paths map[string]string) *table {
	t := &table{cols: cols, currency: currency, digits: studio.MinorUnits(currency), idCol: -1}
	hasCurrency := false
	for i, c := range cols {
		name := c.Name
		switch {
		case c.Money >= 0:
			t.money = true
			name = strings.TrimSuffix(strings.TrimSuffix(name, "_milli_cents"), "_cents")
		case c.Name == "currency":
			hasCurrency = true
		case c.Name == "id":
			t.idCol = i
		}
		t.header = append(t.header, name)
	}
	if t.money && !hasCurrency {
		t.header = append(t.header, "currency")
	} else {
		t.money = false
	}
	if k.Name == "photos" && t.idCol >= 0 {
		t.photoPaths = paths
		t.header = append(t.header, "export_path")
	}
	return t
}

// values turns one row into the table's values: strings, numbers and
// booleans as JSON has them; nil for nothing.
func (t *table) values(row []any) []any {
	out := make([]any, 0, len(t.header))
	for i, c := range t.cols {
		v := row[i]
		switch tv := v.(type) {
		case time.Time:
			v = tv.Format(time.RFC3339)
		case []byte:
			v = base64.StdEncoding.EncodeToString(tv)
		case int64:
			if c.Money >= 0 {
				v = json.Number(major(tv, t.digits+c.Money))
			}
		}
		out = append(out, v)
	}
	if t.money {
		out = append(out, t.currency)
	}
	if t.photoPaths != nil {
		id, _ := row[t.idCol].(string)
		out = append(out, t.photoPaths[id])
	}
	return out
}

// major writes an amount stored in units of 10^-digits of the currency as
// a decimal in the currency's major unit: 45000 cents is 450.00.
func major(n int64, digits int) string {
	if digits <= 0 {
		return strconv.FormatInt(n, 10)
	}
	return new(big.Rat).SetFrac(big.NewInt(n), new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(digits)), nil)).FloatString(digits)
}

// csv writes a kind as CSV: a byte-order mark, so that spreadsheets read
// the UTF-8 as UTF-8 and not as their local code page; a header row; one
// line per record.
func (x *writer) csv(w io.Writer, k store.ExportKind, t *table) error {
	if _, err := io.WriteString(w, "\uFEFF"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(t.header); err != nil {
		return err
	}
	line := make([]string, len(t.header))
	err := x.e.Rows(k, t.cols, func(row []any) error {
		for i, v := range t.values(row) {
			line[i] = cell(v)
		}
		x.sum.Records++
		return cw.Write(line)
	})
	if err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
}

// cell writes one value for a spreadsheet. Text that a spreadsheet would
// take for a formula (a client's inquiry could start with "=") is kept as
// text by a leading apostrophe, as OWASP advises; the JSON files carry the
// text untouched.
func cell(v any) string {
	switch tv := v.(type) {
	case nil:
		return ""
	case string:
		if tv != "" && strings.ContainsRune("=+-@\t\r", rune(tv[0])) {
			return "'" + tv
		}
		return tv
	case json.Number:
		return string(tv)
	case bool:
		return strconv.FormatBool(tv)
	case int64:
		return strconv.FormatInt(tv, 10)
	case float64:
		return strconv.FormatFloat(tv, 'f', -1, 64)
	}
	return fmt.Sprint(v)
}

// json writes a kind as a JSON array of objects, one line each, as it is
// read: a large kind is never held whole in memory.
func (x *writer) json(w io.Writer, k store.ExportKind, t *table) error {
	if _, err := io.WriteString(w, "["); err != nil {
		return err
	}
	first := true
	err := x.e.Rows(k, t.cols, func(row []any) error {
		var b strings.Builder
		if !first {
			b.WriteString(",")
		}
		first = false
		b.WriteString("\n  {")
		for i, v := range t.values(row) {
			if i > 0 {
				b.WriteString(", ")
			}
			if err := jsonValue(&b, t.header[i]); err != nil {
				return err
			}
			b.WriteString(": ")
			if err := jsonValue(&b, v); err != nil {
				return err
			}
		}
		b.WriteString("}")
		_, err := io.WriteString(w, b.String())
		return err
	})
	if err != nil {
		return err
	}
	_, err = io.WriteString(w, "\n]\n")
	return err
}

// jsonValue writes v as JSON, leaving <, > and & as they are: the file is
// read by people and programs, never put in a web page.
func jsonValue(b *strings.Builder, v any) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return err
	}
	// Encode ends the value with a newline; the object goes on after it.
	b.Write(bytes.TrimSuffix(buf.Bytes(), []byte("\n")))
	return nil
}

// placePhotos reads the photos and gives each its path in the zip.
func (x *writer) placePhotos() error {
	x.paths = map[string]string{}
	taken := map[string]bool{}
	// Two pieces (or commissions) with one subject get folders of their
	// own: "Rose" and "Rose-2".
	folders, folderTaken := map[string]string{}, map[string]bool{}
	folder := func(owner, dir string) string {
		if f, ok := folders[owner]; ok {
			return f
		}
		f := unique(folderTaken, path.Dir(dir), path.Base(dir), "")
		folders[owner] = f
		return f
	}
	loc := x.e.Studio.Clock().Loc
	return x.e.Photos(func(p store.ExportPhoto) error {
		base := p.Angle
		if base == "" {
			base = p.Kind
		}
		var dir string
		switch {
		case p.PieceID != "":
			stage := p.Stage
			if stage == "" {
				stage = "other"
			}
			// Many photos of one stage: the day they were taken orders them.
			dir = path.Join(folder(p.PieceID, path.Join("pieces", safeName(p.PieceSubject, "piece-"+short(p.PieceID)))), safeName(stage, "other"))
			base = p.CreatedAt.In(loc).Format("2006-01-02") + "-" + base
		case p.CommissionID != "":
			dir = folder(p.CommissionID, path.Join("commissions", p.CommissionCreated.In(loc).Format("2006-01-02")+"-"+safeName(p.CommissionSubject, "commission-"+short(p.CommissionID))))
		default:
			dir = "photos"
			base = p.CreatedAt.In(loc).Format("2006-01-02") + "-" + base
		}
		name := unique(taken, dir, safeName(base, "photo"), extension(p))
		x.paths[p.ID] = name
		x.photos = append(x.photos, p)
		return nil
	})
}

// photo copies one original into the zip, checking its size on the way:
// a damaged file store fails the export rather than hand over a photo cut
// short as if it were whole.
func (x *writer) photo(p store.ExportPhoto) error {
	return x.entry(x.paths[p.ID], zip.Store, func(w io.Writer) error {
		r, err := x.blobs.Open(x.ctx, p.SHA256)
		if err != nil {
			return fmt.Errorf("export: reading photo %s from the file store: %w", p.SHA256, err)
		}
		defer r.Close()
		n, err := io.Copy(w, r)
		if err != nil {
			return fmt.Errorf("export: copying photo %s: %w", p.SHA256, err)
		}
		// A size of 0 is a record made without one (tests' seeds); any other
		// must match.
		if p.Size > 0 && n != p.Size {
			return fmt.Errorf("export: photo %s has %d bytes in the file store, %d recorded: the file store is damaged", p.SHA256, n, p.Size)
		}
		x.sum.Photos++
		return nil
	})
}

func short(id string) string {
	if len(id) > 8 {
		return id[:8]
	}
	return id
}

// safeName makes a name fit for a path on every common file system: in
// Unicode's composed form (macOS would otherwise show two files named
// alike), without separators, the characters Windows refuses or control
// characters, without leading or trailing dots and spaces, and at most 80
// characters. An empty result gives fallback.
func safeName(s, fallback string) string {
	s = norm.NFC.String(s)
	var b strings.Builder
	dash := false
	for _, r := range s {
		bad := r < 0x20 || r == 0x7f || strings.ContainsRune(`/\:*?"<>|`, r) || unicode.IsControl(r)
		if bad || unicode.IsSpace(r) {
			// Runs of spaces and refused characters become one dash.
			if !dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = true
			continue
		}
		b.WriteRune(r)
		dash = false
	}
	out := strings.Trim(b.String(), ". -")
	if r := []rune(out); len(r) > 80 {
		out = strings.Trim(string(r[:80]), ". -")
	}
	if out == "" || reserved(out) {
		return fallback
	}
	return out
}

// reserved reports names Windows keeps for devices, whatever follows a dot.
func reserved(name string) bool {
	base, _, _ := strings.Cut(strings.ToUpper(name), ".")
	switch base {
	case "CON", "PRN", "AUX", "NUL":
		return true
	}
	return len(base) == 4 && (strings.HasPrefix(base, "COM") || strings.HasPrefix(base, "LPT")) && base[3] >= '1' && base[3] <= '9'
}

// unique picks dir/base.ext, or dir/base-2.ext and so on when that is
// taken, comparing without case: the zip unpacks onto file systems that
// do not tell "Rose" from "rose".
func unique(taken map[string]bool, dir, base, ext string) string {
	name := path.Join(dir, base+ext)
	for n := 2; taken[strings.ToLower(name)]; n++ {
		name = path.Join(dir, base+"-"+strconv.Itoa(n)+ext)
	}
	taken[strings.ToLower(name)] = true
	return name
}

// extension names a photo's type by its content type, then by the name
// it was uploaded under.
func extension(p store.ExportPhoto) string {
	switch p.ContentType {
	case "image/jpeg":
		return ".jpg"
	case "image/png":
		return ".png"
	case "image/webp":
		return ".webp"
	case "image/heic":
		return ".heic"
	case "image/gif":
		return ".gif"
	}
	if ext := strings.ToLower(path.Ext(p.FileName)); ext != "" && safeName(ext[1:], "") == ext[1:] && len(ext) <= 6 {
		return ext
	}
	return ".bin"
}
