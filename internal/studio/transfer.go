package studio

import (
	"encoding/base32"
	"io"
	"strings"
)

// A transfer code lets a certificate's owner hand it on: whoever holds it
// may name the next owner. It is 80 random bits (TransferCodeBytes),
// written as 16 upper-case base32 digits in groups of four,
// "ABCD-EFGH-IJKL-MNOP", for a person to read off paper and type.
const (
	TransferCodeBytes = 10
	transferCodeLen   = TransferCodeBytes * 8 / 5
)

var transferEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

// NewTransferCode draws a fresh code from random, in its printed form.
func NewTransferCode(random io.Reader) (string, error) {
	b := make([]byte, TransferCodeBytes)
	if _, err := io.ReadFull(random, b); err != nil {
		return "", err
	}
	return FormatTransferCode(transferEncoding.EncodeToString(b)), nil
}

// FormatTransferCode writes a normalized code in groups of four joined by
// dashes.
func FormatTransferCode(code string) string {
	var b strings.Builder
	for i, c := range code {
		if i > 0 && i%4 == 0 {
			b.WriteByte('-')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// NormalizeTransferCode forgives how a code is typed: case, spaces and
// dashes, and the digits people type for the letters base32 has instead
// (0 for O, 1 for I, 8 for B). ok is false for anything that is not a
// code's 16 digits after that.
func NormalizeTransferCode(typed string) (code string, ok bool) {
	var b strings.Builder
	for _, c := range strings.ToUpper(typed) {
		switch c {
		case ' ', '-', '\t':
			continue
		case '0':
			c = 'O'
		case '1':
			c = 'I'
		case '8':
			c = 'B'
		}
		b.WriteRune(c)
	}
	code = b.String()
	if len(code) != transferCodeLen {
		return "", false
	}
	if _, err := transferEncoding.DecodeString(code); err != nil {
		return "", false
	}
	return code, true
}

// transferText bounds a serial or code as typed, spaces and all.
var transferText = TextRule{Max: 64, Required: true}

// Transfer is a request to hand a certificate on to a new owner, with the
// code its present owner holds.
type Transfer struct {
	Serial       string
	Code         string
	NewOwnerName string
	// ShowName says whether the verification page may show the new
	// owner's name; otherwise it shows "an owner".
	ShowName bool
}

// Validate checks what the request says before any code is compared. A
// code that cannot be one is no validation error: it is a wrong code, and
// counted as one.
func (t *Transfer) Validate() error {
	t.NewOwnerName = strings.TrimSpace(t.NewOwnerName)
	f := Fields{}
	f.Text("new_owner_name", t.NewOwnerName, NameText)
	f.Text("serial", t.Serial, transferText)
	f.Text("code", t.Code, transferText)
	return f.Err()
}
