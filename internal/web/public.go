package web

import (
	"net/http"
	"strings"

	"atelier/internal/intake"
	"atelier/internal/store"
	"atelier/internal/studio"
)

// questionnaireData is the public commission form.
type questionnaireData struct {
	Studio studio.Studio
	Values map[string]string
	Angles []angleGroup
	// Chosen names the photos a refused form had, by angle, to choose again.
	Chosen map[studio.Angle][]string
	// Held are the photos a refused form kept, by angle, each with its
	// place in HeldNote, the sealed note sent back with the form.
	Held     map[studio.Angle][]heldView
	HeldNote string
}

// heldView is a kept photo as the form lists it: its "keep" box sends
// Index back.
type heldView struct {
	Index int
	Name  string
}

func heldByAngle(held []intake.HeldPhoto) map[studio.Angle][]heldView {
	out := map[studio.Angle][]heldView{}
	for i, p := range held {
		out[p.Angle] = append(out[p.Angle], heldView{Index: i, Name: p.Name})
	}
	return out
}

func (w *Web) questionnaire(rw http.ResponseWriter, r *http.Request) error {
	st, err := w.store.StudioBySlug(r.Context(), r.PathValue("slug"))
	if err != nil {
		return err
	}
	values := map[string]string{"height_unit": "mm", "target_height": "38"}
	if st.Units == studio.Imperial {
		values["height_unit"], values["target_height"] = "in", "1.5"
	}
	w.renderQuestionnaire(rw, r, st, http.StatusOK, questionnaireData{Values: values}, "", nil)
	return nil
}

func (w *Web) renderQuestionnaire(rw http.ResponseWriter, r *http.Request, st studio.Studio, status int, d questionnaireData, msg string, errs map[string]string) {
	d.Studio, d.Angles = st, groupByAngle(nil)
	w.render(rw, r, status, "questionnaire", pageData{Title: "Commission a portrait miniature · " + st.Name, Gallery: true,
		Message: msg, Errors: errs, Data: d})
}

// questionnaireSubmit takes the form through the same path as the public
// API, then sends the client to their portal.
func (w *Web) questionnaireSubmit(rw http.ResponseWriter, r *http.Request) error {
	st, err := w.store.StudioBySlug(r.Context(), r.PathValue("slug"))
	if err != nil {
		return err
	}
	taken, err := w.intake.TakeInquiry(r, st, true)
	if e, status, ok := formError(rw, err); ok {
		if e.Code == studio.RateLimited {
			rw.Header().Set("Retry-After", "3600")
		}
		d := questionnaireData{Values: taken.Values, Chosen: taken.Chosen, Held: heldByAngle(taken.Held), HeldNote: taken.HeldNote}
		w.renderQuestionnaire(rw, r, st, status, d, refusedInquiry(e, taken.Chosen, taken.Held), e.Fields)
		return nil
	}
	if err != nil {
		return err
	}
	http.Redirect(rw, r, "/p/"+taken.Portal+"?new=1", http.StatusSeeOther)
	return nil
}

// refusedInquiry says why the questionnaire came back, which photos were
// kept for the next try and which, not kept (a browser never fills a file
// input back in), must be chosen again.
func refusedInquiry(e *studio.Error, chosen map[studio.Angle][]string, held []intake.HeldPhoto) string {
	var names []string
	for _, a := range studio.Angles {
		for _, name := range chosen[a] {
			names = append(names, angleLabels[a]+" ("+name+")")
		}
	}
	again := "Your photos were not kept, so they must be chosen again: " + strings.Join(names, ", ") + "."
	if len(held) > 0 {
		kept := make([]string, len(held))
		for i, p := range held {
			kept[i] = angleLabels[p.Angle] + " (" + p.Name + ")"
		}
		again = "Your photos are kept for the next try: " + strings.Join(kept, ", ") + "."
		if len(names) > 0 {
			again += " These must be chosen again: " + strings.Join(names, ", ") + "."
		}
		if len(e.Fields) == 0 {
			return friendly(e) + " " + again
		}
		return again
	}
	switch {
	case len(names) > 0 && len(e.Fields) > 0:
		// The summary below this lists what else to correct.
		return again
	case len(names) > 0:
		return e.Message + " " + again
	case hasPhotoField(e.Fields) || e.Code == studio.TooLarge:
		return friendly(e) + " Photos you chose must be chosen again."
	}
	return friendly(e)
}

func hasPhotoField(fields map[string]string) bool {
	for k := range fields {
		if len(k) > 6 && k[:6] == "photo_" {
			return true
		}
	}
	return false
}

// portalData is the client's view of their commission.
type portalData struct {
	Studio    studio.Studio
	Detail    store.CommissionDetail
	Photos    []studio.Photo
	Checklist []intake.ChecklistItem
	Steps     []step
	Token     string
	New       bool
}

// step is one mark of the progress strip.
type step struct {
	Label   string
	Done    bool
	Current bool
}

var portalSteps = []studio.CommissionStatus{studio.Inquiry, studio.Quoted, studio.Accepted, studio.InProduction, studio.Ready, studio.Shipped}

func progress(s studio.CommissionStatus) []step {
	var out []step
	reached := true
	for _, p := range portalSteps {
		label := map[studio.CommissionStatus]string{studio.Inquiry: "Inquiry", studio.Quoted: "Quote", studio.Accepted: "Accepted",
			studio.InProduction: "In the making", studio.Ready: "Ready", studio.Shipped: "Shipped"}[p]
		out = append(out, step{Label: label, Done: reached, Current: p == s})
		if p == s {
			reached = false
		}
	}
	if s == studio.Closed {
		for i := range out {
			out[i].Done = true
		}
	}
	return out
}

func (w *Web) portal(rw http.ResponseWriter, r *http.Request) error {
	st, d, err := w.intake.Portal(r)
	if err != nil {
		return err
	}
	w.renderPortal(rw, r, st, d, http.StatusOK, "", nil)
	return nil
}

func (w *Web) renderPortal(rw http.ResponseWriter, r *http.Request, st studio.Studio, d store.CommissionDetail, status int, msg string, errs map[string]string) {
	data := portalData{Studio: st, Detail: d, Photos: intake.PortalPhotos(d), Checklist: intake.Checklist(d.MissingAngles), Steps: progress(d.Status),
		Token: r.PathValue("token"), New: r.URL.Query().Get("new") != ""}
	// The portal's address is its secret: keep it out of referrers and caches.
	rw.Header().Set("Cache-Control", "no-store")
	w.render(rw, r, status, "portal", pageData{Title: d.Inquiry.SubjectName + " · " + st.Name, Gallery: true, Message: msg, Errors: errs, Data: data,
		Clock: st.Clock()})
}

func (w *Web) portalPhotos(rw http.ResponseWriter, r *http.Request) error {
	st, d, err := w.intake.Portal(r)
	if err != nil {
		return err
	}
	_, err = w.intake.AddClientPhotos(r, st, d)
	if e, status, ok := formError(rw, err); ok {
		w.renderPortal(rw, r, st, d, status, e.Message, e.Fields)
		return nil
	}
	if err != nil {
		return err
	}
	w.sessions.Put(r.Context(), "flash", "Thank you: your photos arrived.")
	http.Redirect(rw, r, "/p/"+r.PathValue("token")+"#references", http.StatusSeeOther)
	return nil
}

func (w *Web) portalMessage(rw http.ResponseWriter, r *http.Request) error {
	st, d, err := w.intake.Portal(r)
	if err != nil {
		return err
	}
	f, err := postForm(r)
	if err != nil {
		return err
	}
	_, err = w.store.PostMessage(r.Context(), store.NewMessage{StudioID: st.ID, CommissionID: d.ID, Author: studio.ByClient, Body: f.Get("body")})
	if e, status, ok := formError(rw, err); ok {
		w.renderPortal(rw, r, st, d, status, e.Message, e.Fields)
		return nil
	}
	if err != nil {
		return err
	}
	w.sessions.Put(r.Context(), "flash", "Your message was sent to "+st.Artist+".")
	http.Redirect(rw, r, "/p/"+r.PathValue("token")+"#messages", http.StatusSeeOther)
	return nil
}

func (w *Web) portalPhoto(rw http.ResponseWriter, r *http.Request) error {
	return w.intake.PortalPhoto(rw, r)
}
