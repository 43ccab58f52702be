package web

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"atelier/internal/httpx"
	"atelier/internal/store"
	"atelier/internal/studio"
)

func (w *Web) home(rw http.ResponseWriter, r *http.Request) error {
	n, err := w.store.CountStudios(r.Context())
	if err != nil {
		return err
	}
	switch _, signedIn := w.principal(r); {
	case n == 0:
		http.Redirect(rw, r, "/setup", http.StatusSeeOther)
	case signedIn:
		http.Redirect(rw, r, "/dashboard", http.StatusSeeOther)
	default:
		http.Redirect(rw, r, "/login", http.StatusSeeOther)
	}
	return nil
}

// loginForm is the sign-in form; the password is never shown again.
type loginForm struct {
	Email    string
	Next     string
	password string
}

func parseLoginForm(f url.Values) loginForm {
	return loginForm{Email: strings.TrimSpace(f.Get("email")), Next: f.Get("next"), password: f.Get("password")}
}

// Validate says what is missing before anything is looked up.
func (f loginForm) Validate() error {
	errs := studio.Fields{}
	if f.Email == "" {
		errs.Add("email", "Enter your e-mail address.")
	}
	if f.password == "" {
		errs.Add("password", "Enter your password.")
	}
	return errs.Err()
}

func (w *Web) loginForm(rw http.ResponseWriter, r *http.Request) error {
	if _, ok := w.principal(r); ok {
		http.Redirect(rw, r, "/dashboard", http.StatusSeeOther)
		return nil
	}
	if n, err := w.store.CountStudios(r.Context()); err != nil || n == 0 {
		http.Redirect(rw, r, "/setup", http.StatusSeeOther)
		return err
	}
	w.render(rw, r, http.StatusOK, "login", pageData{Title: "Sign in", Gallery: true, Form: loginForm{Next: r.URL.Query().Get("next"), Email: r.URL.Query().Get("email")}})
	return nil
}

// loginSubmit checks the password. Every attempt is admitted and counted
// per account and per address in one step in the database, before the
// password is hashed, so that guessing is throttled on every instance
// however many attempts arrive at once; a success takes its count back.
func (w *Web) loginSubmit(rw http.ResponseWriter, r *http.Request) error {
	f, err := postForm(r)
	if err != nil {
		return err
	}
	form := parseLoginForm(f)
	if err := form.Validate(); err != nil {
		e, status, _ := formError(rw, err)
		w.renderLogin(rw, r, status, form, "", e.Fields)
		return nil
	}
	account := w.accountKey(r, form.Email)
	ip := "login:ip:" + httpx.ClientIP(r)
	adm, err := w.store.Admit(r.Context(), "failed sign-ins",
		store.Limit{Key: account, Max: w.cfg.AccountLimit.Max, Window: w.cfg.AccountLimit.Window},
		store.Limit{Key: ip, Max: w.cfg.IPLimit.Max, Window: w.cfg.IPLimit.Window})
	if e, status, ok := formError(rw, err); ok {
		w.renderLogin(rw, r, status, form, e.Message, nil)
		return nil
	}
	if err != nil {
		return err
	}
	u, err := w.store.CheckLogin(r.Context(), form.Email, form.password)
	if err != nil {
		return w.loginRefused(rw, r, form, err, adm, account, ip)
	}
	if err := w.store.Forget(r.Context(), account); err != nil {
		return err
	}
	if err := w.store.Release(r.Context(), adm, ip); err != nil {
		return err
	}
	if err := w.signIn(r, u.ID); err != nil {
		return err
	}
	w.rememberDevice(rw, r, u.Email)
	http.Redirect(rw, r, safeNext(form.Next), http.StatusSeeOther)
	return nil
}

func (w *Web) renderLogin(rw http.ResponseWriter, r *http.Request, status int, form loginForm, msg string, errs map[string]string) {
	w.render(rw, r, status, "login", pageData{Title: "Sign in", Gallery: true, Form: form, Message: msg, Errors: errs})
}

// loginRefused answers a sign-in the store refused: wrong credentials
// stay counted against the account and the address (keys), and the form
// comes back with the reason; anything else is no guess and is taken back.
func (w *Web) loginRefused(rw http.ResponseWriter, r *http.Request, form loginForm, err error, adm store.Admission, keys ...string) error {
	e, status, ok := formError(rw, err)
	// A wrong password stays counted, and so does a sign-in the server was
	// too busy to check (it was admitted, and attempts are what cost).
	if code := studio.ErrorCode(err); code != studio.Unauthorized && code != studio.Unavailable {
		if err := w.store.Release(r.Context(), adm, keys...); err != nil {
			return err
		}
	}
	if !ok {
		return err
	}
	w.renderLogin(rw, r, status, form, e.Message, e.Fields)
	return nil
}

// signIn binds the session to the user under a fresh token, so that a
// token planted before sign-in is worthless after it.
func (w *Web) signIn(r *http.Request, userID string) error {
	if err := w.sessions.RenewToken(r.Context()); err != nil {
		return err
	}
	w.sessions.Put(r.Context(), sessionUser, userID)
	w.sessions.Put(r.Context(), sessionSignedIn, w.cfg.Now().UnixNano())
	return nil
}

func (w *Web) logout(rw http.ResponseWriter, r *http.Request) error {
	if err := w.sessions.Destroy(r.Context()); err != nil {
		return err
	}
	http.Redirect(rw, r, "/login", http.StatusSeeOther)
	return nil
}

// Reset requests are limited per address, so that nobody fills a
// person's mailbox, and per client, so that nobody probes many addresses.
var (
	resetAccountLimit = Limit{Max: 3, Window: time.Hour}
	resetIPLimit      = Limit{Max: 10, Window: time.Hour}
)

// forgotData tells the forgot-password page whether mail can carry a link
// and whether one was just asked for.
type forgotData struct {
	MailEnabled bool
	Sent        bool
}

func (w *Web) forgotForm(rw http.ResponseWriter, r *http.Request) error {
	w.renderForgot(rw, r, http.StatusOK, loginForm{Email: r.URL.Query().Get("email")}, "", nil, false)
	return nil
}

func (w *Web) renderForgot(rw http.ResponseWriter, r *http.Request, status int, form loginForm, msg string, errs map[string]string, sent bool) {
	w.render(rw, r, status, "forgot", pageData{Title: "Forgot your password?", Gallery: true, Form: form, Message: msg, Errors: errs,
		Data: forgotData{MailEnabled: w.cfg.MailEnabled, Sent: sent}})
}

// forgotSubmit sends a reset link to the address if it is someone's. The
// answer is the same whether it is or not, so that the form tells nobody
// who has an account here.
func (w *Web) forgotSubmit(rw http.ResponseWriter, r *http.Request) error {
	f, err := postForm(r)
	if err != nil {
		return err
	}
	form := loginForm{Email: strings.TrimSpace(f.Get("email"))}
	if why := studio.EmailProblem(studio.NormalizeEmail(form.Email)); why != "" {
		w.renderForgot(rw, r, http.StatusUnprocessableEntity, form, "", map[string]string{"email": "Enter your e-mail address, such as ana@example.com."}, false)
		return nil
	}
	if !w.cfg.MailEnabled {
		w.renderForgot(rw, r, http.StatusOK, form, "", nil, false)
		return nil
	}
	_, err = w.store.Admit(r.Context(), "requests for a new password",
		store.Limit{Key: "reset:account:" + studio.NormalizeEmail(form.Email), Max: resetAccountLimit.Max, Window: resetAccountLimit.Window},
		store.Limit{Key: "reset:ip:" + httpx.ClientIP(r), Max: resetIPLimit.Max, Window: resetIPLimit.Window})
	if e, status, ok := formError(rw, err); ok {
		w.renderForgot(rw, r, status, form, e.Message, nil, false)
		return nil
	}
	if err != nil {
		return err
	}
	if err := w.store.RequestPasswordReset(r.Context(), form.Email, w.resetMail); err != nil {
		return err
	}
	w.renderForgot(rw, r, http.StatusOK, form, "", nil, true)
	return nil
}

// resetMail writes the e-mail that carries a reset link.
func (w *Web) resetMail(u studio.User, token string) (subject, body string) {
	return "Set a new password for Atelier", "Hello " + u.Name + ",\n\n" +
		"Someone, we hope you, asked to set a new password for " + u.Email + ". Follow this link to choose one. " +
		"It works once, within the hour:\n\n" + w.cfg.BaseURL + "/reset/" + token + "\n\n" +
		"If you did not ask, ignore this mail: your password stays as it is.\n"
}

// resetPage is the page a reset link opens: the new-password form, or why
// the link no longer works.
type resetPage struct {
	User studio.User
	// Expired says the link is unknown, used or past its hour.
	Expired bool
}

func (w *Web) resetForm(rw http.ResponseWriter, r *http.Request) error {
	u, err := w.store.PasswordResetUser(r.Context(), r.PathValue("token"))
	return w.renderReset(rw, r, http.StatusOK, u, err, nil)
}

// renderReset shows the reset page; err, when it says the link is
// unusable, becomes that page with its status.
func (w *Web) renderReset(rw http.ResponseWriter, r *http.Request, status int, u studio.User, err error, errs map[string]string) error {
	d := resetPage{User: u}
	msg := ""
	if e, ok := errors.AsType[*studio.Error](err); ok && e.Code == studio.NotFound {
		d.Expired, msg, status = true, e.Message, http.StatusNotFound
	} else if err != nil {
		return err
	}
	w.render(rw, r, status, "reset", pageData{Title: "Set a new password", Gallery: true, Message: msg, Errors: errs, Data: d})
	return nil
}

// resetSubmit sets the new password, which ends every session of the
// person (their other devices, and whoever may have had the old password),
// and sends them to sign in with it.
func (w *Web) resetSubmit(rw http.ResponseWriter, r *http.Request) error {
	f, err := postForm(r)
	if err != nil {
		return err
	}
	token := r.PathValue("token")
	u, err := w.store.ResetPassword(r.Context(), token, f.Get("password"))
	if e, status, ok := formError(rw, err); ok {
		u, _ = w.store.PasswordResetUser(r.Context(), token)
		return w.renderReset(rw, r, status, u, nil, e.Fields)
	}
	if err != nil {
		return w.renderReset(rw, r, http.StatusOK, u, err, nil)
	}
	w.sessions.Put(r.Context(), "flash", "Your new password is set, and your other sessions have ended. Sign in with it.")
	http.Redirect(rw, r, "/login?email="+url.QueryEscape(u.Email), http.StatusSeeOther)
	return nil
}
