package provenance

import (
	"bytes"
	"encoding/base32"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"golang.org/x/mod/sumdb/note"

	"atelier/internal/studio"
)

// CertificateHeader is the first line of every certificate's encoding: its
// type and version. A change to the encoding gets a new version.
const CertificateHeader = "atelier-certificate/v1"

// SerialBytes is the randomness in a serial: 80 bits, 16 base32 digits.
const SerialBytes = 10

var serialEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

// NewSerial draws a certificate serial: upper-case base32, no separators.
func NewSerial(random io.Reader) (string, error) {
	b := make([]byte, SerialBytes)
	if _, err := io.ReadFull(random, b); err != nil {
		return "", err
	}
	return serialEncoding.EncodeToString(b), nil
}

// SerialLen is a serial's length in base32 digits.
const SerialLen = SerialBytes * 8 / 5

// ValidSerial reports whether s is written as serials are: SerialLen
// upper-case base32 digits, nothing else.
func ValidSerial(s string) bool {
	if len(s) != SerialLen {
		return false
	}
	_, err := serialEncoding.DecodeString(s)
	return err == nil
}

// field is one line of the encoding: its key and how it is read and written.
type field struct {
	key string
	get func(*studio.Certificate) string
	set func(*studio.Certificate, string) error
}

// fields lists the lines after the header, in their one order. Text is
// written as a JSON string, so a value is always one line whatever it
// holds; numbers and dates are written plainly.
var fields = []field{
	{"serial", func(c *studio.Certificate) string { return c.Serial }, func(c *studio.Certificate, v string) error {
		if !ValidSerial(v) {
			return errors.New("the serial is malformed")
		}
		c.Serial = v
		return nil
	}},
	textField("studio", func(c *studio.Certificate) *string { return &c.StudioSlug }),
	textField("studio-name", func(c *studio.Certificate) *string { return &c.StudioName }),
	textField("artist", func(c *studio.Certificate) *string { return &c.Artist }),
	textField("subject", func(c *studio.Certificate) *string { return &c.Subject }),
	textField("edition-id", func(c *studio.Certificate) *string { return &c.EditionID }),
	textField("edition-title", func(c *studio.Certificate) *string { return &c.EditionTitle }),
	{"edition", func(c *studio.Certificate) string { return c.EditionLabel() }, setEdition},
	numberField("height-mm", func(c *studio.Certificate) *float64 { return &c.HeightMM }),
	numberField("width-mm", func(c *studio.Certificate) *float64 { return &c.WidthMM }),
	numberField("depth-mm", func(c *studio.Certificate) *float64 { return &c.DepthMM }),
	textField("clay", func(c *studio.Certificate) *string { return &c.Clay }),
	textField("finish", func(c *studio.Certificate) *string { return &c.Finish }),
	{"completed", func(c *studio.Certificate) string { return c.Completed }, func(c *studio.Certificate, v string) error {
		if v != "" {
			if _, err := time.Parse(time.DateOnly, v); err != nil {
				return errors.New("the completion date is malformed")
			}
		}
		c.Completed = v
		return nil
	}},
	textField("story", func(c *studio.Certificate) *string { return &c.Story }),
	{"issued", func(c *studio.Certificate) string { return c.IssuedAt.UTC().Format(time.RFC3339) }, func(c *studio.Certificate, v string) error {
		t, err := time.Parse(time.RFC3339, v)
		c.IssuedAt = t.UTC()
		return err
	}},
}

func textField(key string, at func(*studio.Certificate) *string) field {
	return field{key, func(c *studio.Certificate) string { return quote(*at(c)) }, func(c *studio.Certificate, v string) error {
		return json.Unmarshal([]byte(v), at(c))
	}}
}

func numberField(key string, at func(*studio.Certificate) *float64) field {
	return field{key, func(c *studio.Certificate) string { return strconv.FormatFloat(*at(c), 'f', -1, 64) }, func(c *studio.Certificate, v string) error {
		n, err := strconv.ParseFloat(v, 64)
		*at(c) = n
		return err
	}}
}

func setEdition(c *studio.Certificate, v string) error {
	if v == "unique" {
		c.EditionNumber, c.EditionSize = 0, 0
		return nil
	}
	n, size, ok := strings.Cut(v, "/")
	var err1, err2 error
	c.EditionNumber, err1 = strconv.Atoi(n)
	c.EditionSize, err2 = strconv.Atoi(size)
	if !ok || err1 != nil || err2 != nil || c.EditionNumber < 1 || c.EditionNumber > c.EditionSize {
		return errors.New("the edition number is malformed")
	}
	return nil
}

// quote writes text as a JSON string without HTML escapes: control
// characters, quotes and line breaks escaped, everything else as is.
func quote(s string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // a string always encodes
	return strings.TrimSuffix(b.String(), "\n")
}

// Encode is the canonical encoding of a certificate, the text that is
// signed: the header line, then one "key: value" line per field in a fixed
// order. Equal certificates encode to equal bytes.
func Encode(c studio.Certificate) []byte {
	var b strings.Builder
	b.WriteString(CertificateHeader + "\n")
	for _, f := range fields {
		b.WriteString(f.key + ": " + f.get(&c) + "\n")
	}
	return []byte(b.String())
}

// Decode reads a canonical encoding back. Anything that Encode would not
// have written exactly so is refused, so that one certificate has one
// encoding.
func Decode(text []byte) (studio.Certificate, error) {
	var c studio.Certificate
	lines := strings.Split(string(text), "\n")
	if len(lines) != len(fields)+2 || lines[0] != CertificateHeader || lines[len(lines)-1] != "" {
		return c, errors.New("provenance: not an " + CertificateHeader + " record")
	}
	for i, f := range fields {
		v, ok := strings.CutPrefix(lines[i+1], f.key+": ")
		if !ok {
			return c, fmt.Errorf("provenance: line %d should hold %q", i+2, f.key)
		}
		if err := f.set(&c, v); err != nil {
			return c, fmt.Errorf("provenance: %s: %w", f.key, err)
		}
	}
	if !bytes.Equal(Encode(c), text) {
		return c, errors.New("provenance: the record is not in its canonical form")
	}
	return c, nil
}

// Sign encodes the certificate and signs it with the studio key skey,
// giving a signed note: the encoding, a blank line, and the signature.
func Sign(c studio.Certificate, skey string) ([]byte, error) {
	signer, err := note.NewSigner(skey)
	if err != nil {
		return nil, fmt.Errorf("provenance: the signing key is unusable: %w", err)
	}
	return note.Sign(&note.Note{Text: string(Encode(c))}, signer)
}

// Why a certificate is not genuine, as Verify reports it.
var (
	ErrMalformed    = errors.New("the record is damaged or is not a certificate")
	ErrBadSignature = errors.New("the signature does not match the record: it was altered, or signed by another key")
	ErrUnsigned     = errors.New("the record carries no signature by the studio's key")
)

// Verify checks that signed is a certificate signed by the key vkey and
// returns it. Its errors are ErrMalformed, ErrBadSignature or ErrUnsigned.
func Verify(signed []byte, vkey string) (studio.Certificate, error) {
	v, err := note.NewVerifier(vkey)
	if err != nil {
		return studio.Certificate{}, fmt.Errorf("provenance: the verifier key is unusable: %w", err)
	}
	n, err := note.Open(signed, note.VerifierList(v))
	var invalid *note.InvalidSignatureError
	var unverified *note.UnverifiedNoteError
	switch {
	case errors.As(err, &invalid):
		return studio.Certificate{}, ErrBadSignature
	case errors.As(err, &unverified):
		return studio.Certificate{}, ErrUnsigned
	case err != nil:
		return studio.Certificate{}, ErrMalformed
	}
	c, err := Decode([]byte(n.Text))
	if err != nil {
		return studio.Certificate{}, ErrMalformed
	}
	return c, nil
}

func jsonUnmarshal(v string, dst *string) error { return json.Unmarshal([]byte(v), dst) }
