package api

import (
	"net/http"
	"strconv"
	"time"

	"atelier/internal/store"
	"atelier/internal/studio"
)

// Portal requests per address, so that portal secrets cannot be guessed.
var portalLimit = struct {
	max    int
	window time.Duration
}{300, 10 * time.Minute}

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

// Checklist is the reference set a studio needs, ticked by what arrived.
func Checklist(missing []string) []checklistItem {
	items := []checklistItem{{"front", "Front view", true}, {"profile", "A profile (left or right)", true}, {"three_quarter", "Three-quarter view", true}}
	for i := range items {
		items[i].Done = !containsString(missing, items[i].Angle)
	}
	return items
}

// PortalPhotos is what a client may see: their references and the process
// photos the artist chose to share.
func PortalPhotos(d store.CommissionDetail) []studio.Photo {
	var out []studio.Photo
	for _, p := range d.Photos {
		if p.Kind == studio.ReferencePhoto || p.Shared {
			out = append(out, p)
		}
	}
	return out
}

// Portal opens a commission by its portal secret, counting the request
// against the sender's limit.
func (a *API) Portal(r *http.Request) (studio.Studio, store.CommissionDetail, error) {
	key := "portal:ip:" + ClientIP(r)
	wait, err := a.Store.Throttled(r.Context(), store.Limit{Key: key, Max: portalLimit.max, Window: portalLimit.window})
	if err != nil {
		return studio.Studio{}, store.CommissionDetail{}, err
	}
	if wait > 0 {
		return studio.Studio{}, store.CommissionDetail{}, store.TooMany("requests", wait)
	}
	if err := a.Store.Record(r.Context(), key); err != nil {
		return studio.Studio{}, store.CommissionDetail{}, err
	}
	return a.Store.CommissionByPortal(r.Context(), r.PathValue("token"))
}

func (a *API) portalShow(w http.ResponseWriter, r *http.Request) error {
	st, d, err := a.Portal(r)
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
		ReferenceChecklist: Checklist(d.MissingAngles), MissingAngles: d.MissingAngles, Photos: []photoJSON{}, Messages: []messageJSON{}}
	if out.MissingAngles == nil {
		out.MissingAngles = []string{}
	}
	for _, p := range PortalPhotos(d) {
		out.Photos = append(out.Photos, photoView(p, photoURLs(base, p, false)))
	}
	for _, m := range d.Messages {
		out.Messages = append(out.Messages, messageJSON{ID: m.ID, Author: m.Author, Body: m.Body, CreatedAt: m.CreatedAt})
	}
	return out
}

// portalPhotosAdd takes more reference photos from the client.
func (a *API) portalPhotosAdd(w http.ResponseWriter, r *http.Request) error {
	st, d, err := a.Portal(r)
	if err != nil {
		return err
	}
	d, err = a.AddClientPhotos(r, st, d)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, portalView(st, d, "/api/v1/portal/"+r.PathValue("token")))
	return nil
}

// AddClientPhotos reads photo fields from a multipart body and attaches
// them to the commission as references.
func (a *API) AddClientPhotos(r *http.Request, st studio.Studio, d store.CommissionDetail) (store.CommissionDetail, error) {
	in, err := a.readIntake(r, nil, photoFields, st.PixelLimit)
	if err != nil {
		return d, err
	}
	defer in.remove()
	if len(in.photos) == 0 {
		return d, studio.FieldError("photo_front", "send at least one photo, in a field named after its angle (photo_front, photo_left_profile, …)")
	}
	err = a.Files.SaveAll(r.Context(), in.spools(), func() error {
		var err error
		d, err = a.Store.AddReferencePhotos(r.Context(), st.ID, d.ID, in.newPhotos(), studio.ByClient)
		return err
	})
	return d, err
}

type messageBody struct {
	Body string `json:"body"`
}

func (a *API) portalMessagesAdd(w http.ResponseWriter, r *http.Request) error {
	st, d, err := a.Portal(r)
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
	_, d, err := a.Portal(r)
	if err != nil {
		return err
	}
	for _, p := range PortalPhotos(d) {
		if p.ID == r.PathValue("photo") {
			return a.ServePhoto(w, r, d.StudioID, p, r.PathValue("size"), false)
		}
	}
	return studio.Errorf(studio.NotFound, "No such photo.")
}

func (a *API) commissionPhotoShow(w http.ResponseWriter, r *http.Request, p studio.Principal) error {
	d, err := a.Store.Commission(r.Context(), p.Studio.ID, r.PathValue("id"))
	if err != nil {
		return err
	}
	for _, ph := range d.Photos {
		if ph.ID == r.PathValue("photo") {
			return a.ServePhoto(w, r, d.StudioID, ph, r.PathValue("size"), true)
		}
	}
	return studio.Errorf(studio.NotFound, "No such photo.")
}

// ServePhoto writes one size of a photo: a derived image without metadata,
// or, for the studio's own users only, the original stripped of location
// and camera data.
func (a *API) ServePhoto(w http.ResponseWriter, r *http.Request, studioID string, p studio.Photo, size string, original bool) error {
	if size == "original" {
		if !original {
			return studio.Errorf(studio.NotFound, "No such photo size.")
		}
		return a.serveOriginal(w, r, studioID, p)
	}
	n, err := strconv.Atoi(size)
	if err != nil || !containsInt(studio.VariantSizes, n) {
		return studio.Errorf(studio.NotFound, "No such photo size; use 1600, 400 or 160.")
	}
	id := p.Variants[n]
	if id == "" {
		w.Header().Set("Retry-After", "2")
		return studio.Errorf(studio.NotFound, "This size of the photo is still being made; try again in a moment.")
	}
	f, err := a.Store.File(r.Context(), studioID, id)
	if err != nil {
		return err
	}
	return a.serveBlob(w, r, f, "private, max-age=86400", "")
}

func containsInt(list []int, n int) bool {
	for _, x := range list {
		if x == n {
			return true
		}
	}
	return false
}
