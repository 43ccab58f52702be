package web

import (
	"net/http"

	"atelier/internal/calendar"
	"atelier/internal/studio"
)

// calendarShow shows the signed-in user's calendar feed address, issuing
// it on the first visit.
func (w *Web) calendarShow(rw http.ResponseWriter, r *http.Request, p studio.Principal) error {
	token, err := w.store.CalendarToken(r.Context(), p.User.ID, w.cfg.SecretKey)
	if err != nil {
		return err
	}
	w.render(rw, r, http.StatusOK, "calendar", pageData{Title: "Calendar feed", Principal: &p, Nav: "calendar",
		Data: map[string]any{"URL": calendar.URL(w.cfg.BaseURL, token)}})
	return nil
}

// calendarRotate replaces the address, for one that was shared or leaked.
func (w *Web) calendarRotate(rw http.ResponseWriter, r *http.Request, p studio.Principal) error {
	if _, err := w.store.RotateCalendarToken(r.Context(), p.User.ID, w.cfg.SecretKey); err != nil {
		return err
	}
	w.sessions.Put(r.Context(), "flash", "Your calendar has a new address; the old one no longer works. Subscribe to the new one.")
	http.Redirect(rw, r, "/calendar", http.StatusSeeOther)
	return nil
}
