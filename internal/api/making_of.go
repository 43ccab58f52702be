package api

import (
	"net/http"
	"time"

	"atelier/internal/intake"
	"atelier/internal/store"
	"atelier/internal/studio"
)

// makingOfJSON is a piece's making-of page as the API tells it. Published
// is whether the page shows now: published by the artist, and the
// client's consent still holding; Consent whether it may be published.
type makingOfJSON struct {
	Published   bool       `json:"published"`
	PublishedAt *time.Time `json:"published_at"`
	PublicURL   *string    `json:"public_url"`
	Consent     bool       `json:"consent"`
}

func (a *API) makingOfView(slug string, m store.MakingOf) makingOfJSON {
	v := makingOfJSON{Published: m.Public(), Consent: m.Consent.Given()}
	if v.Published {
		u := intake.MakingOfURL(a.BaseURL, slug, m.PieceID)
		v.PublishedAt, v.PublicURL = m.PublishedAt, &u
	}
	return v
}

func (a *API) piecesMakingOf(w http.ResponseWriter, r *http.Request, p studio.Principal) error {
	m, err := a.Store.MakingOf(r.Context(), p.Studio.ID, r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, a.makingOfView(p.Studio.Slug, m))
	return nil
}

type makingOfPut struct {
	Published *bool `json:"published"`
}

// piecesMakingOfPut publishes the making-of page or withdraws it; without
// the client's consent, publishing is a 409 saying so.
func (a *API) piecesMakingOfPut(w http.ResponseWriter, r *http.Request, p studio.Principal) error {
	var body makingOfPut
	if err := decode(r, &body); err != nil {
		return err
	}
	if body.Published == nil {
		return studio.FieldError("published", `is required: true to publish the making-of page, false to withdraw it`)
	}
	m, err := a.Store.PublishMakingOf(r.Context(), p.Studio.ID, r.PathValue("id"), *body.Published)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, a.makingOfView(p.Studio.Slug, m))
	return nil
}
