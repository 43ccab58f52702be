package studio

import (
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"
)

// Role decides what a user may do in their studio.
type Role string

const (
	// Owner may do everything, including prices, keys, users and settings.
	Owner Role = "owner"
	// Assistant sees and moves work but manages nothing.
	Assistant Role = "assistant"
)

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return r == Owner || r == Assistant }

// MinPasswordLength keeps passwords long enough to resist guessing.
const MinPasswordLength = 10

// User is a person who signs in to one studio. An e-mail address identifies
// one user in the whole install.
type User struct {
	ID        string
	StudioID  string
	Email     string
	Name      string
	Role      Role
	CreatedAt time.Time
	UpdatedAt time.Time
	// PasswordChangedAt ends the sessions signed in before it.
	PasswordChangedAt *time.Time
}

// SessionValid reports whether a session signed in at signedIn still
// speaks for u: a changed password ends the sessions that came before.
func (u User) SessionValid(signedIn time.Time) bool {
	return u.PasswordChangedAt == nil || signedIn.After(*u.PasswordChangedAt)
}

// NewUser is what it takes to add a user.
type NewUser struct {
	StudioSlug string
	Email      string
	Name       string
	Role       Role
	Password   string
}

// Validate checks the new user and normalises the e-mail address.
func (n *NewUser) Validate() error {
	f := Fields{}
	n.Email = NormalizeEmail(n.Email)
	n.Name = strings.TrimSpace(n.Name)
	if why := EmailProblem(n.Email); why != "" {
		f.Add("email", why)
	}
	f.Text("name", n.Name, NameText)
	if !n.Role.Valid() {
		f.Add("role", `must be "owner" or "assistant"`)
	}
	if why := PasswordProblem(n.Password); why != "" {
		f.Add("password", why)
	}
	return f.Err()
}

// NormalizeEmail trims and lower-cases an address so that one person cannot
// hold two accounts by changing the case of their address.
func NormalizeEmail(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

// EmailProblem says why email is not a plain address, or "" when it is.
func EmailProblem(email string) string {
	if email == "" {
		return "is required"
	}
	a, err := mail.ParseAddress(email)
	if err != nil || a.Address != email || len(email) > 254 || !strings.Contains(email[strings.LastIndexByte(email, '@'):], ".") {
		return "must be an e-mail address such as ana@example.com"
	}
	return ""
}

// PasswordProblem says why a password is too weak to accept, or "".
func PasswordProblem(pw string) string {
	n := utf8.RuneCountInString(pw)
	switch {
	case n < MinPasswordLength:
		return "must be at least " + itoa(MinPasswordLength) + " characters"
	case len(pw) > 1024:
		return "must be at most 1024 bytes"
	}
	return ""
}
