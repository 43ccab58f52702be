package api

import (
	"net/http"
	"slices"

	"atelier/internal/studio"
)

type inquiryCreated struct {
	ID        string `json:"id"`
	PortalURL string `json:"portal_url"`
}

// inquiriesCreate is the public questionnaire as an API for shops and the
// studio's own website. The studio is resolved before anything is read, so
// an unknown studio is 404 whatever the body holds.
func (a *API) inquiriesCreate(w http.ResponseWriter, r *http.Request) error {
	st, err := a.Store.StudioBySlug(r.Context(), r.PathValue("slug"))
	if err != nil {
		return err
	}
	allowCORS(w, r, st)
	taken, err := a.Intake.TakeInquiry(r, st, false)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, inquiryCreated{ID: taken.ID, PortalURL: a.BaseURL + "/p/" + taken.Portal})
	return nil
}

// inquiriesPreflight answers a browser's CORS preflight for the website
// origins the studio lists.
func (a *API) inquiriesPreflight(w http.ResponseWriter, r *http.Request) error {
	st, err := a.Store.StudioBySlug(r.Context(), r.PathValue("slug"))
	if err != nil {
		return err
	}
	if allowCORS(w, r, st) {
		w.Header().Set("Access-Control-Allow-Methods", "POST")
		w.Header().Set("Access-Control-Allow-Headers", "Content-Type")
		w.Header().Set("Access-Control-Max-Age", "3600")
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// allowCORS lets a listed website origin read the answer.
func allowCORS(w http.ResponseWriter, r *http.Request, st studio.Studio) bool {
	w.Header().Add("Vary", "Origin")
	origin := r.Header.Get("Origin")
	if origin == "" || !slices.Contains(st.WebsiteOrigins, origin) {
		return false
	}
	w.Header().Set("Access-Control-Allow-Origin", origin)
	return true
}
