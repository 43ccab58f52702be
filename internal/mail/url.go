// Package mail sends Atelier's e-mail to clients through an SMTP server
// named by one URL (ATELIER_SMTP_URL). It writes plain-text RFC 5322
// messages in UTF-8 and refuses anything that could smuggle in a header.
package mail

import (
	"errors"
	"fmt"
	netmail "net/mail"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// Config is a parsed ATELIER_SMTP_URL.
type Config struct {
	// Host is the server's name, also checked against its certificate.
	Host string
	Port string
	// Username and Password authenticate with AUTH PLAIN; empty means no
	// authentication (a relay that trusts the network).
	Username string
	Password string
	// From is the sender of every message.
	From netmail.Address
	// ImplicitTLS (smtps://) speaks TLS from the first byte; otherwise the
	// connection is upgraded with STARTTLS whenever the server offers it.
	ImplicitTLS bool
	// InsecureSkipVerify accepts any certificate. For tests only.
	InsecureSkipVerify bool
	// LocalName is the name given in EHLO; empty means "localhost".
	LocalName string
}

// Default ports: mail submission (RFC 6409) and submission over TLS
// (RFC 8314).
const (
	submissionPort    = "587"
	submissionTLSPort = "465"
)

var queryKeys = []string{"from", "insecure_skip_verify", "helo"}

// ParseURL reads smtp://user:pass@host:587?from=studio@example.com,
// smtps://user:pass@host:465?from=… or smtp://host:25?from=…; the port
// defaults to 587 for smtp:// and 465 for smtps://. Its errors are
// predicates to follow the variable's name ("ATELIER_SMTP_URL " + err) and
// never repeat the URL, which may hold a password.
func ParseURL(raw string) (Config, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return Config{}, errors.New("is not a URL such as smtp://user:password@mail.example.com:587?from=studio@example.com (are special characters in the password %-encoded?)")
	}
	var c Config
	if err := c.setServer(u); err != nil {
		return Config{}, err
	}
	c.setUser(u)
	if err := c.setQuery(u.RawQuery); err != nil {
		return Config{}, err
	}
	return c, nil
}

func (c *Config) setServer(u *url.URL) error {
	switch u.Scheme {
	case "smtp":
		c.Port = submissionPort
	case "smtps":
		c.Port, c.ImplicitTLS = submissionTLSPort, true
	default:
		return errors.New("must start with smtp:// or smtps://")
	}
	if u.Opaque != "" || u.Hostname() == "" {
		return errors.New("names no server: write smtp://mail.example.com:587?from=…")
	}
	if (u.Path != "" && u.Path != "/") || u.Fragment != "" {
		return errors.New("may have no path or fragment after the server")
	}
	c.Host = u.Hostname()
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return fmt.Errorf("has a bad port %q", p)
		}
		c.Port = p
	}
	return nil
}

func (c *Config) setUser(u *url.URL) {
	if u.User == nil {
		return
	}
	c.Username = u.User.Username()
	c.Password, _ = u.User.Password()
}

func (c *Config) setQuery(raw string) error {
	q, err := url.ParseQuery(raw)
	if err != nil {
		return errors.New("has a malformed query string")
	}
	for k, v := range q {
		if !slices.Contains(queryKeys, k) {
			return fmt.Errorf("has an unknown parameter %q (known: %s)", k, strings.Join(queryKeys, ", "))
		}
		if len(v) > 1 {
			return fmt.Errorf("repeats the parameter %q", k)
		}
	}
	if c.From, err = parseFrom(q.Get("from")); err != nil {
		return err
	}
	if c.InsecureSkipVerify, err = parseFlag(q, "insecure_skip_verify"); err != nil {
		return err
	}
	c.LocalName = q.Get("helo")
	if strings.ContainsFunc(c.LocalName, func(r rune) bool { return !isHostRune(r) }) {
		return errors.New("has a helo parameter that is not a host name")
	}
	return nil
}

func parseFrom(from string) (netmail.Address, error) {
	if from == "" {
		return netmail.Address{}, errors.New("needs the sender's address as a from parameter, such as ?from=studio@example.com")
	}
	a, why := parseAddress(from)
	if why != "" {
		return netmail.Address{}, errors.New("has a from parameter that " + why)
	}
	return a, nil
}

func parseFlag(q url.Values, key string) (bool, error) {
	switch q.Get(key) {
	case "", "0", "false":
		return false, nil
	case "1", "true":
		return true, nil
	}
	return false, fmt.Errorf("has %s=%q: use 1 or 0", key, q.Get(key))
}

func isHostRune(r rune) bool {
	return r == '.' || r == '-' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9'
}

// Addr is host:port.
func (c Config) Addr() string { return c.Host + ":" + c.Port }
