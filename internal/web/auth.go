package web

import (
	"net/http"
	"strings"

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

type loginForm struct {
	Email string
	Next  string
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
	w.render(rw, r, http.StatusOK, "login", pageData{Title: "Sign in", Gallery: true, Form: loginForm{Next: r.URL.Query().Get("next")}})
	return nil
}

// loginSubmit checks the password, counting failures per account and per
// address in the database so that guessing is throttled on every instance.
func (w *Web) loginSubmit(rw http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return studio.Errorf(studio.Invalid, "The form could not be read.")
	}
	form := loginForm{Email: strings.TrimSpace(r.PostForm.Get("email")), Next: r.PostForm.Get("next")}
	again := func(status int, msg string, errs map[string]string) error {
		w.render(rw, r, status, "login", pageData{Title: "Sign in", Gallery: true, Form: form, Message: msg, Errors: errs})
		return nil
	}
	if form.Email == "" || r.PostForm.Get("password") == "" {
		errs := studio.Fields{}
		if form.Email == "" {
			errs.Add("email", "Enter your e-mail address.")
		}
		if r.PostForm.Get("password") == "" {
			errs.Add("password", "Enter your password.")
		}
		return again(http.StatusUnprocessableEntity, "", errs)
	}
	account := "login:account:" + studio.NormalizeEmail(form.Email)
	ip := "login:ip:" + httpx.ClientIP(r)
	wait, err := w.store.Throttled(r.Context(),
		store.Limit{Key: account, Max: w.cfg.AccountLimit.Max, Window: w.cfg.AccountLimit.Window},
		store.Limit{Key: ip, Max: w.cfg.IPLimit.Max, Window: w.cfg.IPLimit.Window})
	if err != nil {
		return err
	}
	if wait > 0 {
		retryAfter(rw, wait)
		return again(http.StatusTooManyRequests, store.TooMany("failed sign-ins", wait).Message, nil)
	}
	u, err := w.store.CheckLogin(r.Context(), form.Email, r.PostForm.Get("password"))
	if studio.ErrorCode(err) == studio.Unauthorized {
		if err := w.store.Record(r.Context(), account, ip); err != nil {
			return err
		}
		return again(http.StatusUnauthorized, err.(*studio.Error).Message, nil)
	}
	if err != nil {
		return err
	}
	if err := w.store.Forget(r.Context(), account); err != nil {
		return err
	}
	if err := w.signIn(r, u.ID); err != nil {
		return err
	}
	http.Redirect(rw, r, safeNext(form.Next), http.StatusSeeOther)
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
