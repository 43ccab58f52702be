package web

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"atelier/internal/httpx"
	"atelier/internal/requestid"
	"atelier/internal/store"
	"atelier/internal/studio"
)

// setupForm is the first-run form: the studio and its owner. The
// password is never shown again.
type setupForm struct {
	Code, Name, Slug, Artist, Currency, Timezone, Units, Temperature string
	OwnerName, Email                                                 string
	Timezones                                                        []string
	password                                                         string
}

func parseSetupForm(f url.Values) setupForm {
	return setupForm{Code: f.Get("code"), Name: f.Get("name"), Slug: strings.ToLower(strings.TrimSpace(f.Get("slug"))),
		Artist: f.Get("artist"), Currency: strings.ToUpper(strings.TrimSpace(f.Get("currency"))), Timezone: strings.TrimSpace(f.Get("timezone")),
		Units: f.Get("units"), Temperature: f.Get("temperature"), OwnerName: f.Get("owner_name"), Email: f.Get("email"),
		Timezones: commonTimezones, password: f.Get("password")}
}

// toStudio gives the domain's new studio and its owner; the store checks both.
func (f setupForm) toStudio() (studio.Studio, studio.NewUser) {
	st := studio.NewStudio(f.Slug, f.Name, f.Artist)
	st.Currency, st.Timezone, st.Units, st.TemperatureUnit = f.Currency, f.Timezone, studio.Units(f.Units), studio.TemperatureUnit(f.Temperature)
	return st, studio.NewUser{Email: f.Email, Name: f.OwnerName, Password: f.password}
}

// setupLimit bounds guesses at the set-up code from one address.
var setupLimit = Limit{Max: 10, Window: 15 * time.Minute}

func (w *Web) setupAvailable(r *http.Request) error {
	n, err := w.store.CountStudios(r.Context())
	if err != nil {
		return err
	}
	if n > 0 {
		return studio.Errorf(studio.NotFound, "This install is already set up. Sign in instead.")
	}
	return nil
}

func (w *Web) setupForm(rw http.ResponseWriter, r *http.Request) error {
	if err := w.setupAvailable(r); err != nil {
		return err
	}
	form := setupForm{Currency: "EUR", Timezone: "UTC", Units: "metric", Temperature: "C", Timezones: commonTimezones}
	w.render(rw, r, http.StatusOK, "setup", pageData{Title: "Set up your studio", Gallery: true, Form: form})
	return nil
}

func (w *Web) setupSubmit(rw http.ResponseWriter, r *http.Request) error {
	if err := w.setupAvailable(r); err != nil {
		return err
	}
	f, err := postForm(r)
	if err != nil {
		return err
	}
	form := parseSetupForm(f)
	requestid.Secret(r.Context(), form.Code)
	again := func(status int, e *studio.Error) error {
		form.Code = "" // never echo a secret back into the page
		w.render(rw, r, status, "setup", pageData{Title: "Set up your studio", Gallery: true, Form: form, Message: e.Message, Errors: e.Fields})
		return nil
	}
	// Every attempt is admitted and counted in one step; only a wrong code
	// stays counted.
	key := "setup:ip:" + httpx.ClientIP(r)
	adm, err := w.store.Admit(r.Context(), "wrong set-up codes", store.Limit{Key: key, Max: setupLimit.Max, Window: setupLimit.Window})
	if e, status, ok := formError(rw, err); ok {
		return again(status, e)
	}
	if err != nil {
		return err
	}
	st, owner := form.toStudio()
	_, u, err := w.store.SetUp(r.Context(), form.Code, st, owner)
	if e, status, ok := formError(rw, err); ok {
		if e.Fields["code"] == "" {
			if err := w.store.Release(r.Context(), adm, key); err != nil {
				return err
			}
		}
		return again(status, e)
	}
	if err != nil {
		return err
	}
	if err := w.signIn(r, u.ID); err != nil {
		return err
	}
	w.sessions.Put(r.Context(), "flash", "Your studio is ready. Welcome, "+u.Name+".")
	http.Redirect(rw, r, "/dashboard", http.StatusSeeOther)
	return nil
}

// commonTimezones fill the time-zone suggestions; any IANA name is accepted.
var commonTimezones = []string{
	"UTC", "Europe/London", "Europe/Dublin", "Europe/Lisbon", "Europe/Paris", "Europe/Berlin", "Europe/Vienna",
	"Europe/Zurich", "Europe/Rome", "Europe/Madrid", "Europe/Amsterdam", "Europe/Brussels", "Europe/Stockholm",
	"Europe/Oslo", "Europe/Copenhagen", "Europe/Helsinki", "Europe/Warsaw", "Europe/Prague", "Europe/Budapest",
	"Europe/Athens", "Europe/Istanbul", "Europe/Kyiv", "America/New_York", "America/Chicago", "America/Denver",
	"America/Los_Angeles", "America/Toronto", "America/Vancouver", "America/Mexico_City", "America/Sao_Paulo",
	"America/Buenos_Aires", "Asia/Tokyo", "Asia/Seoul", "Asia/Shanghai", "Asia/Hong_Kong", "Asia/Singapore",
	"Asia/Kolkata", "Asia/Dubai", "Australia/Sydney", "Australia/Melbourne", "Australia/Perth", "Pacific/Auckland",
	"Africa/Johannesburg", "Africa/Lagos", "Africa/Cairo",
}
