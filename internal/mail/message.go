package mail

import (
	"bytes"
	"crypto/rand"
	"mime"
	"mime/quotedprintable"
	netmail "net/mail"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"atelier/internal/studio"
)

// Message is one plain-text e-mail to one recipient.
type Message struct {
	// To is an address, optionally with a name: "Oma Rosé <rose@example.com>".
	To      string
	Subject string
	Body    string
	// ReplyTo, when set, is where the recipient's answer goes.
	ReplyTo string
	// ID, when set, is the left part of the Message-ID. Giving the same ID
	// to every attempt at one message lets mail clients recognise a copy
	// sent twice because the server's acknowledgement was lost.
	ID string
}

// maxSubjectRunes keeps the Subject line under the 998-byte limit of RFC
// 5322 even when it is ASCII without a space to fold at; encoded subjects
// fold between their encoded words.
const maxSubjectRunes = 500

// envelope is a composed message with its SMTP recipient.
type envelope struct {
	rcpt string
	data []byte
}

// headers are the checked values of a message's header fields.
type headers struct {
	to, replyTo *netmail.Address
	subject, id string
}

// compose checks m and writes it as an RFC 5322 message with CRLF line
// endings.
func (s *Sender) compose(m Message) (envelope, error) {
	h, err := s.check(m)
	if err != nil {
		return envelope{}, err
	}
	var b bytes.Buffer
	header(&b, "Date", s.now().Format(time.RFC1123Z))
	header(&b, "Message-ID", h.id)
	header(&b, "From", s.cfg.From.String())
	header(&b, "To", h.to.String())
	if h.replyTo != nil {
		header(&b, "Reply-To", h.replyTo.String())
	}
	header(&b, "Subject", h.subject)
	header(&b, "MIME-Version", "1.0")
	header(&b, "Content-Type", "text/plain; charset=utf-8")
	header(&b, "Content-Transfer-Encoding", "quoted-printable")
	b.WriteString("\r\n")
	writeBody(&b, m.Body)
	return envelope{rcpt: h.to.Address, data: b.Bytes()}, nil
}

// check refuses control characters in every header value before anything
// is written, so that nothing a caller passes can start a header of its
// own; the body cannot, being quoted-printable.
func (s *Sender) check(m Message) (h headers, err error) {
	// ParseURL checked From; a Config built by hand is checked here.
	if hasControl(s.cfg.From.Name) || hasControl(s.cfg.From.Address) {
		return h, invalid("from", "contains a line break or another control character")
	}
	if h.to, err = headerAddress("to", m.To); err != nil {
		return h, err
	}
	if m.ReplyTo != "" {
		if h.replyTo, err = headerAddress("reply_to", m.ReplyTo); err != nil {
			return h, err
		}
	}
	if h.subject, err = headerSubject(m.Subject); err != nil {
		return h, err
	}
	h.id, err = s.messageID(m.ID)
	return h, err
}

// header writes one header field, folded at spaces to keep lines short.
func header(b *bytes.Buffer, name, value string) {
	b.WriteString(fold(name+": "+value, len(name)+2))
	b.WriteString("\r\n")
}

// fold breaks line before spaces so that each piece stays within 78
// characters where a space allows it (RFC 5322 §2.2.3). The first break
// comes after from (the field name) unless the first word is too long to
// stay beside it. Encoded words are at most 75 characters and separated by
// spaces, so an encoded subject always folds.
func fold(line string, from int) string {
	const limit = 78
	var b strings.Builder
	for len(line) > limit {
		i := lastSpace(line, from, limit)
		if i < 0 {
			i = lastSpace(line, 1, limit)
		}
		if i < 0 {
			j := strings.IndexByte(line[limit:], ' ')
			if j < 0 {
				break
			}
			i = limit + j
		}
		b.WriteString(line[:i])
		b.WriteString("\r\n")
		line, from = line[i:], 1
	}
	b.WriteString(line)
	return b.String()
}

// lastSpace is the index of the last space in line[from:to], or -1.
func lastSpace(line string, from, to int) int {
	if i := strings.LastIndexByte(line[from:to], ' '); i >= 0 {
		return from + i
	}
	return -1
}

// writeBody encodes body as quoted-printable text: any UTF-8 survives
// 7-bit relays, lines stay short, and every line ends in CRLF.
func writeBody(b *bytes.Buffer, body string) {
	body = strings.ToValidUTF8(body, "\uFFFD")
	body = strings.ReplaceAll(body, "\r\n", "\n")
	body = strings.ReplaceAll(body, "\r", "\n")
	if !strings.HasSuffix(body, "\n") {
		body += "\n"
	}
	qp := quotedprintable.NewWriter(b)
	qp.Write([]byte(body)) // writes to a bytes.Buffer cannot fail
	qp.Close()
}

// headerSubject checks that the subject is one line and encodes it when
// it is not plain ASCII. Runs of spaces collapse, so that folding never
// leaves a line of nothing but white space.
func headerSubject(subject string) (string, error) {
	if hasControl(subject) {
		return "", invalid("subject", "must be a single line of text")
	}
	subject = strings.Join(strings.Fields(subject), " ")
	if subject == "" {
		return "", invalid("subject", "is required")
	}
	if utf8.RuneCountInString(subject) > maxSubjectRunes {
		return "", invalid("subject", "is too long")
	}
	return mime.QEncoding.Encode("utf-8", subject), nil
}

// headerAddress parses one address for the header named field.
func headerAddress(field, s string) (*netmail.Address, error) {
	a, why := parseAddress(s)
	if why != "" {
		return nil, invalid(field, why)
	}
	return &a, nil
}

// parseAddress parses one address, optionally with a name, and says why it
// cannot be used in a header or an SMTP command, or "".
func parseAddress(s string) (netmail.Address, string) {
	if hasControl(s) {
		return netmail.Address{}, "contains a line break or another control character"
	}
	a, err := netmail.ParseAddress(s)
	switch {
	case err != nil:
		return netmail.Address{}, "is not one e-mail address such as ana@example.com"
	case !isASCII(a.Address):
		// Non-ASCII addresses need SMTPUTF8, which few servers offer.
		return netmail.Address{}, "must be an address in ASCII letters"
	case len(a.Address) > 254:
		return netmail.Address{}, "is too long"
	}
	return *a, ""
}

// messageID is "<id@domain of From>", with a random id unless one is given.
func (s *Sender) messageID(id string) (string, error) {
	if id == "" {
		id = rand.Text()
	}
	if strings.ContainsFunc(id, func(r rune) bool { return !isHostRune(r) && r != '_' }) {
		return "", invalid("id", "may contain only letters, digits, '.', '-' and '_'")
	}
	from := s.cfg.From.Address
	return "<" + id + "@" + from[strings.LastIndexByte(from, '@')+1:] + ">", nil
}

// hasControl reports control characters (CR and LF among them) or invalid
// UTF-8, none of which belongs in a header.
func hasControl(s string) bool {
	return !utf8.ValidString(s) || strings.ContainsFunc(s, unicode.IsControl)
}

func isASCII(s string) bool {
	return !strings.ContainsFunc(s, func(r rune) bool { return r > unicode.MaxASCII })
}

// invalid is a studio.Error about one field of a message, safe to show.
func invalid(field, why string) error {
	return studio.FieldError(field, why)
}
