package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"atelier/internal/studio"
)

type settingsForm struct {
	Name, Artist, Currency, Timezone, Units, Temperature string
	// Origins is one website origin per line; Megapixels the photo limit.
	Origins, Megapixels string
	Timezones           []string
}

func parseSettingsForm(f url.Values) settingsForm {
	return settingsForm{Name: f.Get("name"), Artist: f.Get("artist"), Currency: strings.ToUpper(strings.TrimSpace(f.Get("currency"))),
		Timezone: strings.TrimSpace(f.Get("timezone")), Units: f.Get("units"), Temperature: f.Get("temperature"), Timezones: commonTimezones,
		Origins: f.Get("website_origins"), Megapixels: strings.TrimSpace(f.Get("megapixels"))}
}

// toUpdate checks the photo limit typed in megapixels and gives the
// domain's update; its error carries the domain's name (pixel_limit), as
// the page shows it.
func (f settingsForm) toUpdate() (studio.StudioUpdate, error) {
	units, temp, origins := studio.Units(f.Units), studio.TemperatureUnit(f.Temperature), strings.Fields(f.Origins)
	upd := studio.StudioUpdate{Name: &f.Name, Artist: &f.Artist, Currency: &f.Currency, Timezone: &f.Timezone,
		Units: &units, TemperatureUnit: &temp, WebsiteOrigins: &origins}
	mp, err := strconv.ParseInt(f.Megapixels, 10, 64)
	if err != nil {
		return upd, studio.FieldError("pixel_limit", "must be a whole number of megapixels")
	}
	upd.PixelLimit = ptr(mp * 1_000_000)
	return upd, nil
}

// studioSettingsForm is the settings form filled with the studio's own.
func studioSettingsForm(s studio.Studio) settingsForm {
	return settingsForm{Name: s.Name, Artist: s.Artist, Currency: s.Currency, Timezone: s.Timezone,
		Units: string(s.Units), Temperature: string(s.TemperatureUnit), Timezones: commonTimezones,
		Origins: strings.Join(s.WebsiteOrigins, "\n"), Megapixels: strconv.FormatInt(s.PixelLimit/1_000_000, 10)}
}

func (w *Web) settingsForm(rw http.ResponseWriter, r *http.Request, p studio.Principal) error {
	return w.settingsPage(rw, r, p, http.StatusOK, pageData{}, nil, nil)
}

func (w *Web) settingsSubmit(rw http.ResponseWriter, r *http.Request, p studio.Principal) error {
	f, err := postForm(r)
	if err != nil {
		return err
	}
	form := parseSettingsForm(f)
	upd, err := form.toUpdate()
	if err == nil {
		_, err = w.store.UpdateStudio(r.Context(), p.Studio.ID, upd)
	}
	if e, status, ok := formError(rw, err); ok {
		return w.settingsPage(rw, r, p, status, pageData{Form: form, Message: e.Message, Errors: e.Fields}, nil, nil)
	}
	if err != nil {
		return err
	}
	w.sessions.Put(r.Context(), "flash", "Settings saved.")
	http.Redirect(rw, r, "/settings", http.StatusSeeOther)
	return nil
}
