package api

import (
	"net/http"
	"time"

	"atelier/internal/store"
	"atelier/internal/studio"
)

type tokenJSON struct {
	ID         string     `json:"id"`
	Name       string     `json:"name"`
	UserEmail  string     `json:"user_email"`
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
	RevokedAt  *time.Time `json:"revoked_at"`
	// Token is the secret, present only in the answer that created it.
	Token string `json:"token,omitempty"`
}

func tokenView(t studio.Token) tokenJSON {
	return tokenJSON{ID: t.ID, Name: t.Name, UserEmail: t.UserEmail, CreatedAt: t.CreatedAt.UTC(), LastUsedAt: t.LastUsedAt, RevokedAt: t.RevokedAt}
}

func (a *API) tokensList(w http.ResponseWriter, r *http.Request, p studio.Principal) error {
	tokens, err := a.Store.Tokens(r.Context(), p.Studio.ID)
	if err != nil {
		return err
	}
	out := make([]tokenJSON, len(tokens))
	for i, t := range tokens {
		out[i] = tokenView(t)
	}
	writeJSON(w, http.StatusOK, map[string]any{"tokens": out})
	return nil
}

type tokenCreate struct {
	// Email of the user the token acts as; the caller when empty.
	Email string `json:"email"`
	Name  string `json:"name"`
}

func (a *API) tokensCreate(w http.ResponseWriter, r *http.Request, p studio.Principal) error {
	var body tokenCreate
	if err := decode(r, &body); err != nil {
		return err
	}
	if body.Email == "" {
		body.Email = p.User.Email
	}
	secret, t, err := a.Store.CreateToken(r.Context(), store.NewToken{StudioID: p.Studio.ID, Email: body.Email, Name: body.Name})
	if err != nil {
		return err
	}
	out := tokenView(t)
	out.Token = secret
	writeJSON(w, http.StatusCreated, out)
	return nil
}

func (a *API) tokensRevoke(w http.ResponseWriter, r *http.Request, p studio.Principal) error {
	t, err := a.Store.RevokeTokenByID(r.Context(), p.Studio.ID, r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, tokenView(t))
	return nil
}
