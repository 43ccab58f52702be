package web

import (
	"cmp"
	"net/http"
	"net/url"

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

// addUserForm adds a person to the team; the password is never shown again.
type addUserForm struct {
	Email, Name, Role string
	password          string
}

func parseAddUserForm(f url.Values) addUserForm {
	return addUserForm{Email: f.Get("email"), Name: f.Get("name"), Role: f.Get("role"), password: f.Get("password")}
}

func (f addUserForm) toNewUser(studioSlug string) studio.NewUser {
	return studio.NewUser{StudioSlug: studioSlug, Email: f.Email, Name: f.Name, Role: studio.Role(f.Role), Password: f.password}
}

// passwordForm sets a new password for one person; its field sits beside
// that person in the list, named after them.
type passwordForm struct{ userID, password string }

func (f passwordForm) formName(domain string) string { return domain + "-" + f.userID }

// tokenForm makes an API token; its fields are named apart from the
// add-user form's on the same page.
type tokenForm struct{ Email, Name string }

func (tokenForm) formName(domain string) string { return "token_" + domain }

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
	f, err := postForm(r)
	if err != nil {
		return err
	}
	form := parseAddUserForm(f)
	u, err := w.store.CreateUser(r.Context(), form.toNewUser(p.Studio.Slug))
	if e, status, ok := formError(rw, err); ok {
		return w.renderTeam(rw, r, p, status, form, e.Message, e.Fields, "")
	}
	if err != nil {
		return err
	}
	w.sessions.Put(r.Context(), "flash", u.Name+" can now sign in as "+u.Email+".")
	http.Redirect(rw, r, "/team", http.StatusSeeOther)
	return nil
}

func (w *Web) teamResetPassword(rw http.ResponseWriter, r *http.Request, p studio.Principal) error {
	f, err := postForm(r)
	if err != nil {
		return err
	}
	form := passwordForm{userID: r.PathValue("id"), password: f.Get("password")}
	u, err := w.store.SetPassword(r.Context(), p.Studio.ID, form.userID, form.password)
	if e, status, ok := formError(rw, err); ok {
		return w.renderTeam(rw, r, p, status, addUserForm{Role: "assistant"}, e.Message, errorsIn(form, e), form.userID)
	}
	if err != nil {
		return err
	}
	w.sessions.Put(r.Context(), "flash", "The password of "+u.Name+" is changed. Tell them the new one in person.")
	http.Redirect(rw, r, "/team", http.StatusSeeOther)
	return nil
}

func (w *Web) teamCreateToken(rw http.ResponseWriter, r *http.Request, p studio.Principal) error {
	f, err := postForm(r)
	if err != nil {
		return err
	}
	// No e-mail makes a token of one's own.
	form := tokenForm{Email: cmp.Or(f.Get("email"), p.User.Email), Name: f.Get("name")}
	secret, _, err := w.store.CreateToken(r.Context(), store.NewToken{StudioID: p.Studio.ID, Email: form.Email, Name: form.Name})
	if e, status, ok := formError(rw, err); ok {
		return w.renderTeam(rw, r, p, status, addUserForm{Role: "assistant"}, e.Message, errorsIn(form, e), "")
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

func (w *Web) teamChangeRole(rw http.ResponseWriter, r *http.Request, p studio.Principal) error {
	f, err := postForm(r)
	if err != nil {
		return err
	}
	u, err := w.store.ChangeRole(r.Context(), p.Studio.ID, r.PathValue("id"), studio.Role(f.Get("role")))
	if done, err := w.teamRefused(rw, r, p, err); done || err != nil {
		return err
	}
	w.sessions.Put(r.Context(), "flash", u.Name+" is now "+roleWords(u.Role)+".")
	http.Redirect(rw, r, "/team", http.StatusSeeOther)
	return nil
}

func (w *Web) teamRemoveUser(rw http.ResponseWriter, r *http.Request, p studio.Principal) error {
	u, err := w.store.RemoveUser(r.Context(), p.Studio.ID, r.PathValue("id"))
	if done, err := w.teamRefused(rw, r, p, err); done || err != nil {
		return err
	}
	if u.ID == p.User.ID {
		// Their own session has just ended with the rest of theirs.
		http.Redirect(rw, r, "/login", http.StatusSeeOther)
		return nil
	}
	w.sessions.Put(r.Context(), "flash", u.Name+" is no longer on the team: their sessions and API tokens have ended. What they did keeps their name.")
	http.Redirect(rw, r, "/team", http.StatusSeeOther)
	return nil
}

// teamRefused answers a change of the team the store refused (the last
// owner, a role that does not exist): back to the team page with the
// reason, or the page again with it and the refusal's status when a field
// is to correct. done says it answered.
func (w *Web) teamRefused(rw http.ResponseWriter, r *http.Request, p studio.Principal, err error) (done bool, _ error) {
	e, status, ok := formError(rw, err)
	if !ok {
		return false, err
	}
	if w.refused(rw, r, e, e.Fields, r.PostForm, "/team") {
		return true, nil
	}
	return true, w.renderTeam(rw, r, p, status, addUserForm{Role: "assistant"}, e.Message, nil, "")
}

func roleWords(r studio.Role) string {
	if r == studio.Owner {
		return "an owner"
	}
	return "an assistant"
}
