package api

import (
	"net"
	"net/http"
	"slices"
	"time"

	"atelier/internal/store"
	"atelier/internal/studio"
)

// DefaultInquiriesPerHour bounds inquiries from one address.
const DefaultInquiriesPerHour = 10

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
	taken, err := a.TakeInquiry(r, st, false)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, inquiryCreated{ID: taken.ID, PortalURL: a.BaseURL + "/p/" + taken.Portal})
	return nil
}

// TakeInquiry reads, checks and stores an inquiry with its photos for the
// studio, counting it against the sender's hourly limit. The web
// questionnaire posts through it too (form: heights with a unit, budgets in
// major units). It returns the commission id and the portal secret.
func (a *API) TakeInquiry(r *http.Request, st studio.Studio, form bool) (taken Taken, err error) {
	limit := store.Limit{Key: "inquiry:ip:" + ClientIP(r), Max: a.inquiryLimit(), Window: time.Hour}
	wait, err := a.Store.Throttled(r.Context(), limit)
	if err != nil {
		return taken, err
	}
	if wait > 0 {
		return taken, store.TooMany("inquiries from this address", wait)
	}
	allowed := textFields
	if form {
		allowed = formFields
	}
	in, err := a.readIntake(r, allowed, photoFields, st.PixelLimit)
	taken.Values = in.fields
	if err != nil {
		return taken, err
	}
	defer in.remove()
	fields, err := inquiryFields(in.fields, st.Currency)
	if err == nil {
		// Checked here as well as in the store, so that a refused inquiry
		// never writes its photos.
		err = fields.Validate(st.Today(time.Now()))
	}
	if err != nil {
		return taken, err
	}
	err = a.Files.SaveAll(r.Context(), in.spools(), func() error {
		c, portal, err := a.Store.CreateInquiry(r.Context(), st.ID, fields, in.newPhotos())
		taken.ID, taken.Portal = c.ID, portal
		return err
	})
	if err != nil {
		return taken, err
	}
	return taken, a.Store.Record(r.Context(), limit.Key)
}

// Taken is an inquiry that arrived: its commission, the portal secret, and
// the fields as sent (to show them again when they were refused).
type Taken struct {
	ID, Portal string
	Values     map[string]string
}

func (a *API) inquiryLimit() int {
	if a.InquiriesPerHour > 0 {
		return a.InquiriesPerHour
	}
	return DefaultInquiriesPerHour
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

// ClientIP is the address a request came from (the proxy's, behind one).
func ClientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
