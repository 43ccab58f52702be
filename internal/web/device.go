package web

import (
	"net/http"
	"strings"
	"time"

	"atelier/internal/auth"
	"atelier/internal/studio"
)

// A device cookie marks a browser that has signed in to an account before
// (OWASP's device-cookie defence against lock-out): its sign-ins count
// against an allowance of its own, so that guesses from elsewhere cannot
// lock the owner out. It holds a random device id and a signature of the
// id and the account's address under the install secret.
const (
	deviceCookie  = "atelier_device"
	devicePurpose = "atelier device cookie v1"
	deviceMaxAge  = 365 * 24 * time.Hour
)

// accountKey is the throttle key that a sign-in to email counts against:
// the browser's own when it carries a device cookie for that account, the
// account's shared one otherwise.
func (w *Web) accountKey(r *http.Request, email string) string {
	email = studio.NormalizeEmail(email)
	if id, ok := w.device(r, email); ok {
		return "login:device:" + id
	}
	return "login:account:" + email
}

// device is the id of the request's device cookie when it is genuine and
// was given for email.
func (w *Web) device(r *http.Request, email string) (string, bool) {
	c, err := r.Cookie(deviceCookie)
	if err != nil {
		return "", false
	}
	id, sig, ok := strings.Cut(c.Value, ".")
	if !ok || id == "" || !auth.Verify(w.cfg.SecretKey, sig, devicePurpose, email, id) {
		return "", false
	}
	return id, true
}

// rememberDevice gives the browser that just signed in to email a device
// cookie for it, keeping the one it has.
func (w *Web) rememberDevice(rw http.ResponseWriter, r *http.Request, email string) {
	email = studio.NormalizeEmail(email)
	id, ok := w.device(r, email)
	if !ok {
		id = auth.NewID()
	}
	http.SetCookie(rw, &http.Cookie{Name: deviceCookie, Value: id + "." + auth.Sign(w.cfg.SecretKey, devicePurpose, email, id),
		Path: "/login", MaxAge: int(deviceMaxAge / time.Second), HttpOnly: true, SameSite: http.SameSiteLaxMode,
		Secure: strings.HasPrefix(w.cfg.BaseURL, "https://")})
}
