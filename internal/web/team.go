package web

import (
	"net/http"

	"atelier/internal/store"
	"atelier/internal/studio"
)

// teamData is the owner's page of people and API tokens.
type teamData struct {
	Users  []studio.User
	Tokens []studio.Token
	// NewToken is a token just created, shown this once.
	NewToken string
	// ResetFor is the user whose password form failed, kept open.
	ResetFor string
}

type addUserForm struct{ Email, Name, Role string }

func (w *Web) teamData(r *http.Request, p studio.Principal) (teamData, error) {
	var d teamData
	var err error
	if d.Users, err = w.store.Users(r.Context(), p.Studio.ID); err != nil {
		return d, err
	}
	d.Tokens, err = w.store.Tokens(r.Context(), p.Studio.ID)
	return d, err
}

func (w *Web) teamShow(rw http.ResponseWriter, r *http.Request, p studio.Principal) error {
	return w.renderTeam(rw, r, p, http.StatusOK, addUserForm{Role: "assistant"}, "", nil, "")
}

func (w *Web) renderTeam(rw http.ResponseWriter, r *http.Request, p studio.Principal, status int, form addUserForm, msg string, errs map[string]string, resetFor string) error {
	d, err := w.teamData(r, p)
	if err != nil {
		return err
	}
	d.NewToken, d.ResetFor = w.sessions.PopString(r.Context(), "new_token"), resetFor
	w.render(rw, r, status, "team", pageData{Title: "Team and API tokens", Principal: &p, Nav: "team", Form: form, Message: msg, Errors: errs, Data: d})
	return nil
}

func (w *Web) teamAddUser(rw http.ResponseWriter, r *http.Request, p studio.Principal) error {
	if err := r.ParseForm(); err != nil {
		return studio.Errorf(studio.Invalid, "The form could not be read.")
	}
	form := addUserForm{Email: r.PostForm.Get("email"), Name: r.PostForm.Get("name"), Role: r.PostForm.Get("role")}
	u, err := w.store.CreateUser(r.Context(), studio.NewUser{StudioSlug: p.Studio.Slug, Email: form.Email, Name: form.Name,
		Role: studio.Role(form.Role), Password: r.PostForm.Get("password")})
	if e, ok := err.(*studio.Error); ok && (e.Code == studio.Invalid || e.Code == studio.Conflict) {
		return w.renderTeam(rw, r, p, http.StatusUnprocessableEntity, form, e.Message, e.Fields, "")
	}
	if err != nil {
		return err
	}
	w.sessions.Put(r.Context(), "flash", u.Name+" can now sign in as "+u.Email+".")
	http.Redirect(rw, r, "/team", http.StatusSeeOther)
	return nil
}

func (w *Web) teamResetPassword(rw http.ResponseWriter, r *http.Request, p studio.Principal) error {
	if err := r.ParseForm(); err != nil {
		return studio.Errorf(studio.Invalid, "The form could not be read.")
	}
	id := r.PathValue("id")
	u, err := w.store.SetPassword(r.Context(), p.Studio.ID, id, r.PostForm.Get("password"))
	if e, ok := err.(*studio.Error); ok && e.Code == studio.Invalid {
		return w.renderTeam(rw, r, p, http.StatusUnprocessableEntity, addUserForm{Role: "assistant"}, e.Message,
			map[string]string{"password-" + id: e.Fields["password"]}, id)
	}
	if err != nil {
		return err
	}
	w.sessions.Put(r.Context(), "flash", "The password of "+u.Name+" is changed. Tell them the new one in person.")
	http.Redirect(rw, r, "/team", http.StatusSeeOther)
	return nil
}

func (w *Web) teamCreateToken(rw http.ResponseWriter, r *http.Request, p studio.Principal) error {
	if err := r.ParseForm(); err != nil {
		return studio.Errorf(studio.Invalid, "The form could not be read.")
	}
	email := r.PostForm.Get("email")
	if email == "" {
		email = p.User.Email
	}
	secret, _, err := w.store.CreateToken(r.Context(), store.NewToken{StudioID: p.Studio.ID, Email: email, Name: r.PostForm.Get("name")})
	if e, ok := err.(*studio.Error); ok && e.Code == studio.Invalid {
		return w.renderTeam(rw, r, p, http.StatusUnprocessableEntity, addUserForm{Role: "assistant"}, e.Message,
			map[string]string{"token_" + firstKey(e.Fields): e.Fields[firstKey(e.Fields)]}, "")
	}
	if err != nil {
		return err
	}
	// The secret rides in the session to the next page, shown there once.
	w.sessions.Put(r.Context(), "new_token", secret)
	http.Redirect(rw, r, "/team#tokens", http.StatusSeeOther)
	return nil
}

func (w *Web) teamRevokeToken(rw http.ResponseWriter, r *http.Request, p studio.Principal) error {
	t, err := w.store.RevokeTokenByID(r.Context(), p.Studio.ID, r.PathValue("id"))
	if err != nil {
		return err
	}
	label := t.Name
	if label == "" {
		label = "of " + t.UserEmail
	}
	w.sessions.Put(r.Context(), "flash", "The token "+label+" is revoked; it no longer works.")
	http.Redirect(rw, r, "/team#tokens", http.StatusSeeOther)
	return nil
}

func firstKey(m map[string]string) string {
	for k := range m {
		return k
	}
	return ""
}
