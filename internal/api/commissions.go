package api

import (
	"net/http"
	"time"

	"atelier/internal/store"
	"atelier/internal/studio"
)

type commissionJSON struct {
	ID                 string            `json:"id"`
	Status             string            `json:"status"`
	NextStatuses       []string          `json:"next_statuses"`
	SubjectName        string            `json:"subject_name"`
	Relationship       string            `json:"relationship"`
	Occasion           string            `json:"occasion"`
	Pose               string            `json:"pose"`
	Clothing           string            `json:"clothing"`
	Props              string            `json:"props"`
	Story              string            `json:"story"`
	TargetHeightMM     *float64          `json:"target_height_mm"`
	BaseWishes         string            `json:"base_wishes"`
	BoxWishes          string            `json:"box_wishes"`
	Deadline           *string           `json:"deadline"`
	BudgetCents        *int64            `json:"budget_cents"`
	ContactName        string            `json:"contact_name"`
	ContactEmail       string            `json:"contact_email"`
	ConsentShowProcess bool              `json:"consent_show_process"`
	PriceCents         *int64            `json:"price_cents"`
	DepositCents       *int64            `json:"deposit_cents"`
	Currency           string            `json:"currency"`
	PromisedDate       *string           `json:"promised_date"`
	Reason             string            `json:"reason,omitempty"`
	Tracking           string            `json:"tracking,omitempty"`
	MissingAngles      []string          `json:"missing_angles"`
	PieceID            *string           `json:"piece_id,omitempty"`
	PieceStage         *string           `json:"piece_stage,omitempty"`
	PortalURL          *string           `json:"portal_url,omitempty"`
	Overdue            *bool             `json:"overdue,omitempty"`
	Photos             []photoJSON       `json:"photos,omitempty"`
	History            []eventJSON       `json:"history,omitempty"`
	Messages           []messageJSON     `json:"messages,omitempty"`
	CreatedAt          time.Time         `json:"created_at"`
	UpdatedAt          time.Time         `json:"updated_at"`
	Links              map[string]string `json:"links,omitempty"`
}

type photoJSON struct {
	ID         string            `json:"id"`
	Kind       string            `json:"kind"`
	Angle      string            `json:"angle,omitempty"`
	Stage      string            `json:"stage,omitempty"`
	Width      int               `json:"width"`
	Height     int               `json:"height"`
	Shared     bool              `json:"shared"`
	UploadedBy string            `json:"uploaded_by"`
	CreatedAt  time.Time         `json:"created_at"`
	URLs       map[string]string `json:"urls"`
}

type eventJSON struct {
	Status string    `json:"status"`
	UserID string    `json:"user_id,omitempty"`
	Note   string    `json:"note,omitempty"`
	At     time.Time `json:"at"`
}

type messageJSON struct {
	ID        string    `json:"id"`
	Author    string    `json:"author"`
	Body      string    `json:"body"`
	CreatedAt time.Time `json:"created_at"`
}

func optString(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func commissionView(c studio.Commission, currency string, missing []string) commissionJSON {
	in := c.Inquiry
	next := []string{}
	for _, s := range studio.NextStatuses(c.Status) {
		next = append(next, string(s))
	}
	if missing == nil {
		missing = []string{}
	}
	return commissionJSON{ID: c.ID, Status: string(c.Status), NextStatuses: next, SubjectName: in.SubjectName,
		Relationship: in.Relationship, Occasion: in.Occasion, Pose: in.Pose, Clothing: in.Clothing, Props: in.Props, Story: in.Story,
		TargetHeightMM: in.TargetHeightMM, BaseWishes: in.BaseWishes, BoxWishes: in.BoxWishes, Deadline: optString(in.Deadline),
		BudgetCents: in.BudgetCents, ContactName: in.ContactName, ContactEmail: in.ContactEmail, ConsentShowProcess: in.ConsentShowProcess,
		PriceCents: c.PriceCents, DepositCents: c.DepositCents, Currency: currency, PromisedDate: optString(c.PromisedDate),
		Reason: c.Reason, Tracking: c.Tracking, MissingAngles: missing, CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt}
}

// photoURLs lists where each size of a photo can be fetched under base.
func photoURLs(base string, p studio.Photo, original bool) map[string]string {
	urls := map[string]string{}
	for _, size := range studio.VariantSizes {
		if p.Variants[size] != "" {
			urls[itoa(size)] = base + "/photos/" + p.ID + "/" + itoa(size)
		}
	}
	if original {
		urls["original"] = base + "/photos/" + p.ID + "/original"
	}
	return urls
}

func detailView(d store.CommissionDetail, currency string) commissionJSON {
	out := commissionView(d.Commission, currency, d.MissingAngles)
	out.PieceID, out.PieceStage = optString(d.PieceID), optString(string(d.PieceStage))
	base := "/api/v1/commissions/" + d.ID
	for _, p := range d.Photos {
		out.Photos = append(out.Photos, photoView(p, photoURLs(base, p, true)))
	}
	for _, e := range d.Events {
		out.History = append(out.History, eventJSON{Status: string(e.Status), UserID: e.UserID, Note: e.Note, At: e.At})
	}
	for _, m := range d.Messages {
		out.Messages = append(out.Messages, messageJSON{ID: m.ID, Author: m.Author, Body: m.Body, CreatedAt: m.CreatedAt})
	}
	return out
}

func photoView(p studio.Photo, urls map[string]string) photoJSON {
	return photoJSON{ID: p.ID, Kind: p.Kind, Angle: string(p.Angle), Stage: p.Stage, Width: p.Width, Height: p.Height,
		Shared: p.Shared, UploadedBy: p.UploadedBy, CreatedAt: p.CreatedAt, URLs: urls}
}

func (a *API) commissionsList(w http.ResponseWriter, r *http.Request, p studio.Principal) error {
	q := r.URL.Query()
	f := store.CommissionFilter{Status: studio.CommissionStatus(q.Get("status")),
		Overdue: q.Get("overdue") == "true" || q.Get("overdue") == "1", MissingReferences: q.Get("missing_references") == "true" || q.Get("missing_references") == "1",
		Q: q.Get("q"), Sort: q.Get("sort"), Desc: q.Get("order") == "desc"}
	list, err := a.Store.Commissions(r.Context(), p.Studio.ID, f)
	if err != nil {
		return err
	}
	out := make([]commissionJSON, len(list))
	for i, c := range list {
		out[i] = commissionView(c.Commission, p.Studio.Currency, c.MissingAngles)
		out[i].Overdue = &c.Overdue
	}
	writeJSON(w, http.StatusOK, map[string]any{"commissions": out})
	return nil
}

func (a *API) commissionsShow(w http.ResponseWriter, r *http.Request, p studio.Principal) error {
	d, err := a.Store.Commission(r.Context(), p.Studio.ID, r.PathValue("id"))
	if err != nil {
		return err
	}
	return a.writeDetail(w, r, p, http.StatusOK, d)
}

// writeDetail answers with the commission's record, with the client's
// portal link when one is kept (see store.PortalLink).
func (a *API) writeDetail(w http.ResponseWriter, r *http.Request, p studio.Principal, status int, d store.CommissionDetail) error {
	out := detailView(d, p.Studio.Currency)
	secret, err := a.Store.PortalLink(r.Context(), p.Studio.ID, d.ID)
	if err != nil {
		return err
	}
	if secret != "" {
		out.PortalURL = optString(a.BaseURL + "/p/" + secret)
	}
	writeJSON(w, status, out)
	return nil
}

// statusBody is the body of POST /api/v1/commissions/{id}/status.
type statusBody struct {
	Status       string `json:"status"`
	PriceCents   *int64 `json:"price_cents"`
	DepositCents *int64 `json:"deposit_cents"`
	PromisedDate string `json:"promised_date"`
	Reason       string `json:"reason"`
	Tracking     string `json:"tracking"`
}

func (a *API) commissionsStatus(w http.ResponseWriter, r *http.Request, p studio.Principal) error {
	var body statusBody
	if err := decode(r, &body); err != nil {
		return err
	}
	if err := p.CanMove(studio.CommissionStatus(body.Status)); err != nil {
		return err
	}
	d, err := a.Store.MoveCommission(r.Context(), p.Studio.ID, r.PathValue("id"), p.User.ID, studio.Move{
		To: studio.CommissionStatus(body.Status), PriceCents: body.PriceCents, DepositCents: body.DepositCents,
		PromisedDate: body.PromisedDate, Reason: body.Reason, Tracking: body.Tracking})
	if err != nil {
		return err
	}
	return a.writeDetail(w, r, p, http.StatusOK, d)
}

func (a *API) commissionsMessage(w http.ResponseWriter, r *http.Request, p studio.Principal) error {
	var body messageBody
	if err := decode(r, &body); err != nil {
		return err
	}
	m, err := a.Store.PostMessage(r.Context(), store.NewMessage{StudioID: p.Studio.ID, CommissionID: r.PathValue("id"),
		Author: studio.ByStudio, UserID: p.User.ID, Body: body.Body, Email: a.MailEnabled})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, messageJSON{ID: m.ID, Author: m.Author, Body: m.Body, CreatedAt: m.CreatedAt})
	return nil
}

// inquiryBody is the request of a commission as the studio records or
// edits it: the questionnaire's fields in machine units. On PATCH a field
// left out keeps its value.
type inquiryBody struct {
	SubjectName        *string  `json:"subject_name"`
	Relationship       *string  `json:"relationship"`
	Occasion           *string  `json:"occasion"`
	Pose               *string  `json:"pose"`
	Clothing           *string  `json:"clothing"`
	Props              *string  `json:"props"`
	Story              *string  `json:"story"`
	TargetHeightMM     *float64 `json:"target_height_mm"`
	BaseWishes         *string  `json:"base_wishes"`
	BoxWishes          *string  `json:"box_wishes"`
	Deadline           *string  `json:"deadline"`
	BudgetCents        *int64   `json:"budget_cents"`
	ContactName        *string  `json:"contact_name"`
	ContactEmail       *string  `json:"contact_email"`
	ConsentShowProcess *bool    `json:"consent_show_process"`
}

// apply sets the fields the body carries.
func (b inquiryBody) apply(in *studio.InquiryFields) {
	texts := []struct {
		from *string
		to   *string
	}{{b.SubjectName, &in.SubjectName}, {b.Relationship, &in.Relationship}, {b.Occasion, &in.Occasion}, {b.Pose, &in.Pose},
		{b.Clothing, &in.Clothing}, {b.Props, &in.Props}, {b.Story, &in.Story}, {b.BaseWishes, &in.BaseWishes},
		{b.BoxWishes, &in.BoxWishes}, {b.Deadline, &in.Deadline}, {b.ContactName, &in.ContactName}, {b.ContactEmail, &in.ContactEmail}}
	for _, t := range texts {
		if t.from != nil {
			*t.to = *t.from
		}
	}
	if b.TargetHeightMM != nil {
		in.TargetHeightMM = b.TargetHeightMM
	}
	if b.BudgetCents != nil {
		in.BudgetCents = b.BudgetCents
	}
	if b.ConsentShowProcess != nil {
		in.ConsentShowProcess = *b.ConsentShowProcess
	}
}

// commissionsCreate records a request the studio took itself (by e-mail,
// at a fair): the questionnaire's checks without its public limits.
func (a *API) commissionsCreate(w http.ResponseWriter, r *http.Request, p studio.Principal) error {
	var body inquiryBody
	if err := decode(r, &body); err != nil {
		return err
	}
	var in studio.InquiryFields
	body.apply(&in)
	c, _, err := a.Store.CreateInquiry(r.Context(), p.Studio.ID, in, nil)
	if err != nil {
		return err
	}
	d, err := a.Store.Commission(r.Context(), p.Studio.ID, c.ID)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/commissions/"+d.ID)
	return a.writeDetail(w, r, p, http.StatusCreated, d)
}

// commissionsUpdate edits a commission's request details.
func (a *API) commissionsUpdate(w http.ResponseWriter, r *http.Request, p studio.Principal) error {
	var body inquiryBody
	if err := decode(r, &body); err != nil {
		return err
	}
	d, err := a.Store.Commission(r.Context(), p.Studio.ID, r.PathValue("id"))
	if err != nil {
		return err
	}
	in := d.Inquiry
	body.apply(&in)
	if d, err = a.Store.UpdateInquiry(r.Context(), p.Studio.ID, d.ID, p.User.ID, in); err != nil {
		return err
	}
	return a.writeDetail(w, r, p, http.StatusOK, d)
}

// commissionsPortalRenew gives the commission a new portal link; the old
// one stops working.
func (a *API) commissionsPortalRenew(w http.ResponseWriter, r *http.Request, p studio.Principal) error {
	if _, err := a.Store.RenewPortalLink(r.Context(), p.Studio.ID, r.PathValue("id"), p.User.ID); err != nil {
		return err
	}
	d, err := a.Store.Commission(r.Context(), p.Studio.ID, r.PathValue("id"))
	if err != nil {
		return err
	}
	return a.writeDetail(w, r, p, http.StatusOK, d)
}
