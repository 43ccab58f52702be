package api

import (
	"net/http"

	"atelier/internal/intake"
	"atelier/internal/store"
	"atelier/internal/studio"
)

type checklistItem struct {
	Angle string `json:"angle"`
	Label string `json:"label"`
	Done  bool   `json:"done"`
}

type portalJSON struct {
	Studio             map[string]string `json:"studio"`
	SubjectName        string            `json:"subject_name"`
	Status             string            `json:"status"`
	PromisedDate       *string           `json:"promised_date"`
	PriceCents         *int64            `json:"price_cents"`
	DepositCents       *int64            `json:"deposit_cents"`
	Currency           string            `json:"currency"`
	ReferenceChecklist []checklistItem   `json:"reference_checklist"`
	MissingAngles      []string          `json:"missing_angles"`
	Photos             []photoJSON       `json:"photos"`
	Messages           []messageJSON     `json:"messages"`
}

func (a *API) portalShow(w http.ResponseWriter, r *http.Request) error {
	st, d, err := a.Intake.Portal(r)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, portalView(st, d, "/api/v1/portal/"+r.PathValue("token")))
	return nil
}

func portalView(st studio.Studio, d store.CommissionDetail, base string) portalJSON {
	out := portalJSON{Studio: map[string]string{"name": st.Name, "slug": st.Slug, "artist": st.Artist},
		SubjectName: d.Inquiry.SubjectName, Status: string(d.Status), PromisedDate: optString(d.PromisedDate),
		PriceCents: d.PriceCents, DepositCents: d.DepositCents, Currency: st.Currency,
		ReferenceChecklist: checklistView(d.MissingAngles), MissingAngles: d.MissingAngles, Photos: []photoJSON{}, Messages: []messageJSON{}}
	if out.MissingAngles == nil {
		out.MissingAngles = []string{}
	}
	for _, p := range intake.PortalPhotos(d) {
		out.Photos = append(out.Photos, photoView(p, photoURLs(base, p, false)))
	}
	for _, m := range d.Messages {
		out.Messages = append(out.Messages, messageJSON{ID: m.ID, Author: m.Author, Body: m.Body, CreatedAt: m.CreatedAt})
	}
	return out
}

// portalPhotosAdd takes more reference photos from the client.
func (a *API) portalPhotosAdd(w http.ResponseWriter, r *http.Request) error {
	st, d, err := a.Intake.Portal(r)
	if err != nil {
		return err
	}
	d, err = a.Intake.AddClientPhotos(r, st, d)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, portalView(st, d, "/api/v1/portal/"+r.PathValue("token")))
	return nil
}

type messageBody struct {
	Body string `json:"body"`
}

func (a *API) portalMessagesAdd(w http.ResponseWriter, r *http.Request) error {
	st, d, err := a.Intake.Portal(r)
	if err != nil {
		return err
	}
	var body messageBody
	if err := decode(r, &body); err != nil {
		return err
	}
	m, err := a.Store.PostMessage(r.Context(), store.NewMessage{StudioID: st.ID, CommissionID: d.ID, Author: studio.ByClient, Body: body.Body})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, messageJSON{ID: m.ID, Author: m.Author, Body: m.Body, CreatedAt: m.CreatedAt})
	return nil
}

func (a *API) portalPhotoShow(w http.ResponseWriter, r *http.Request) error {
	return a.Intake.PortalPhoto(w, r)
}

func (a *API) commissionPhotoShow(w http.ResponseWriter, r *http.Request, p studio.Principal) error {
	d, err := a.Store.Commission(r.Context(), p.Studio.ID, r.PathValue("id"))
	if err != nil {
		return err
	}
	return a.Intake.ServePhoto(w, r, d.StudioID, d.Photos, true)
}

func checklistView(missing []string) []checklistItem {
	var out []checklistItem
	for _, c := range intake.Checklist(missing) {
		out = append(out, checklistItem(c))
	}
	return out
}
