package web

import (
	"net/http"
	"strconv"
	"strings"

	"atelier/internal/store"
	"atelier/internal/studio"
)

type settingsForm struct {
	Name, Artist, Currency, Timezone, Units, Temperature string
	// Origins is one website origin per line; Megapixels the photo limit.
	Origins, Megapixels string
	Timezones           []string
}

func (w *Web) dashboard(rw http.ResponseWriter, r *http.Request, p studio.Principal) error {
	users, err := w.store.Users(r.Context(), p.Studio.ID)
	if err != nil {
		return err
	}
	list, err := w.store.Commissions(r.Context(), p.Studio.ID, store.CommissionFilter{})
	if err != nil {
		return err
	}
	inquiries := 0
	for _, c := range list {
		if c.Status == studio.Inquiry {
			inquiries++
		}
	}
	w.render(rw, r, http.StatusOK, "dashboard", pageData{Title: p.Studio.Name, Principal: &p, Nav: "dashboard",
		Data: map[string]any{"Users": len(users), "Commissions": len(list), "Inquiries": inquiries}})
	return nil
}

func (w *Web) settingsForm(rw http.ResponseWriter, r *http.Request, p studio.Principal) error {
	s := p.Studio
	form := settingsForm{Name: s.Name, Artist: s.Artist, Currency: s.Currency, Timezone: s.Timezone,
		Units: string(s.Units), Temperature: string(s.TemperatureUnit), Timezones: commonTimezones,
		Origins: strings.Join(s.WebsiteOrigins, "\n"), Megapixels: strconv.FormatInt(s.PixelLimit/1_000_000, 10)}
	w.render(rw, r, http.StatusOK, "settings", pageData{Title: "Studio settings", Principal: &p, Nav: "settings", Form: form})
	return nil
}

func (w *Web) settingsSubmit(rw http.ResponseWriter, r *http.Request, p studio.Principal) error {
	if err := r.ParseForm(); err != nil {
		return studio.Errorf(studio.Invalid, "The form could not be read.")
	}
	f := r.PostForm
	form := settingsForm{Name: f.Get("name"), Artist: f.Get("artist"), Currency: strings.ToUpper(strings.TrimSpace(f.Get("currency"))),
		Timezone: strings.TrimSpace(f.Get("timezone")), Units: f.Get("units"), Temperature: f.Get("temperature"), Timezones: commonTimezones,
		Origins: f.Get("website_origins"), Megapixels: strings.TrimSpace(f.Get("megapixels"))}
	units, temp := studio.Units(form.Units), studio.TemperatureUnit(form.Temperature)
	origins := strings.Fields(form.Origins)
	upd := studio.StudioUpdate{Name: &form.Name, Artist: &form.Artist, Currency: &form.Currency, Timezone: &form.Timezone,
		Units: &units, TemperatureUnit: &temp, WebsiteOrigins: &origins}
	var err error
	if mp, perr := strconv.ParseInt(form.Megapixels, 10, 64); perr == nil {
		limit := mp * 1_000_000
		upd.PixelLimit = &limit
		_, err = w.store.UpdateStudio(r.Context(), p.Studio.ID, upd)
	} else {
		err = studio.FieldError("pixel_limit", "must be a whole number of megapixels")
	}
	if e, status, ok := formError(err); ok {
		w.render(rw, r, status, "settings", pageData{Title: "Studio settings", Principal: &p, Nav: "settings",
			Form: form, Message: e.Message, Errors: e.Fields})
		return nil
	}
	if err != nil {
		return err
	}
	w.sessions.Put(r.Context(), "flash", "Settings saved.")
	http.Redirect(rw, r, "/settings", http.StatusSeeOther)
	return nil
}
