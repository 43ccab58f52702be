package web

import (
	"net/http"
	"net/url"
	"slices"
	"strings"

	"atelier/internal/store"
	"atelier/internal/studio"
)

type commissionsData struct {
	List   []store.CommissionSummary
	Filter store.CommissionFilter
	// Statuses offers the filter's choices.
	Statuses []studio.CommissionStatus
	Link     string
	// Columns are the table's headings, each a link that sorts by it.
	Columns []sortColumn
}

// sortColumn is a heading of the list that sorts by its key: a link to
// the list as it is, sorted by the key, the other way round when it
// already is.
type sortColumn struct {
	Key, Label, URL string
	// Sorted is "ascending" or "descending" when the list is sorted by
	// this column (for aria-sort), else "".
	Sorted string
}

var sortLabels = map[string]string{"subject": "Subject", "client": "Client", "status": "Status", "promised": "Due", "price": "Price"}

func (w *Web) commissionsList(rw http.ResponseWriter, r *http.Request, p studio.Principal) error {
	q := r.URL.Query()
	f := store.CommissionFilter{Status: studio.CommissionStatus(q.Get("status")), Overdue: q.Get("overdue") != "", MissingReferences: q.Get("missing") != "",
		Q: strings.TrimSpace(q.Get("q")), Sort: q.Get("sort"), Desc: q.Get("order") == "desc"}
	list, err := w.store.Commissions(r.Context(), p.Studio.ID, f)
	if err != nil {
		return err
	}
	w.render(rw, r, http.StatusOK, "commissions", pageData{Title: "Commissions", Principal: &p, Nav: "commissions",
		Data: commissionsData{List: list, Filter: f, Statuses: studio.CommissionStatuses, Link: w.cfg.BaseURL + "/s/" + p.Studio.Slug + "/commission",
			Columns: sortColumns(q, f)}})
	return nil
}

// sortColumns makes the headings' links, keeping the filters and search.
func sortColumns(q url.Values, f store.CommissionFilter) []sortColumn {
	var out []sortColumn
	for _, key := range store.CommissionSorts {
		c := sortColumn{Key: key, Label: sortLabels[key]}
		v := url.Values{}
		for k, vs := range q {
			if k != "sort" && k != "order" && len(vs) > 0 && vs[0] != "" {
				v.Set(k, vs[0])
			}
		}
		v.Set("sort", key)
		if f.Sort == key {
			c.Sorted = "ascending"
			if f.Desc {
				c.Sorted = "descending"
			} else {
				v.Set("order", "desc")
			}
		}
		c.URL = "/commissions?" + v.Encode()
		out = append(out, c)
	}
	return out
}

// commissionData is the detail page: the commission, its references by
// angle, and the forms of the moves it allows.
type commissionData struct {
	store.CommissionDetail
	ByAngle []angleGroup
	Process []studio.Photo
	Next    []studio.CommissionStatus
	Form    map[string]string
	// Forecast is the quote form's suggestion; nil when no quote is due.
	Forecast *forecastCard
	// Ship is when the studio could ship if it accepted now; nil when no
	// quote is due.
	Ship *shipCard
	// PortalURL is the client's private link; "" when none is kept (see
	// store.PortalLink), and the page offers a new one.
	PortalURL string
	// MailEnabled offers to e-mail the link again.
	MailEnabled bool
	// PieceSteps is the piece's stage strip, when there is a piece.
	PieceSteps []stageStep
	// ReadyFollows says "Mark ready" is held back: the piece is not
	// collector-grade yet, and passing quality control makes the
	// commission ready by itself.
	ReadyFollows bool
}

type angleGroup struct {
	Angle  studio.Angle
	Label  string
	Photos []studio.Photo
}

var angleLabels = map[studio.Angle]string{studio.Front: "Front", studio.LeftProfile: "Left profile", studio.RightProfile: "Right profile",
	studio.ThreeQuarter: "Three-quarter", studio.Back: "Back", studio.OtherAngle: "Other"}

func groupByAngle(photos []studio.Photo) []angleGroup {
	var out []angleGroup
	for _, a := range studio.Angles {
		g := angleGroup{Angle: a, Label: angleLabels[a]}
		for _, p := range photos {
			if p.Kind == studio.ReferencePhoto && p.Angle == a {
				g.Photos = append(g.Photos, p)
			}
		}
		out = append(out, g)
	}
	return out
}

func (w *Web) commissionShow(rw http.ResponseWriter, r *http.Request, p studio.Principal) error {
	d, err := w.store.Commission(r.Context(), p.Studio.ID, r.PathValue("id"))
	if err != nil {
		return err
	}
	// The client's messages are read once the page shows them; before the
	// render, so that the navigation's unread count is already right.
	if err := w.store.MarkMessagesRead(r.Context(), p.Studio.ID, d.ID); err != nil {
		return err
	}
	w.renderCommission(rw, r, p, d, http.StatusOK, "", nil, nil)
	return nil
}

func (w *Web) renderCommission(rw http.ResponseWriter, r *http.Request, p studio.Principal, d store.CommissionDetail, status int, msg string, errs, form map[string]string) {
	data := commissionData{CommissionDetail: d, ByAngle: groupByAngle(d.Photos), Next: studio.NextStatuses(d.Status), Form: form,
		MailEnabled: w.cfg.MailEnabled, PieceSteps: pieceSteps(d)}
	if d.PieceID != "" && d.PieceStage != studio.CollectorGrade && d.PieceStage != studio.Delivered {
		data.Next = slices.DeleteFunc(data.Next, func(s studio.CommissionStatus) bool { return s == studio.Ready })
		data.ReadyFollows = d.Status == studio.InProduction
	}
	if secret, err := w.store.PortalLink(r.Context(), p.Studio.ID, d.ID); err != nil {
		w.log.ErrorContext(r.Context(), "opening a portal link", "commission", d.ID, "err", err)
	} else if secret != "" {
		data.PortalURL = w.portalURL(secret)
	}
	if slices.Contains(data.Next, studio.Quoted) && p.User.Role == studio.Owner {
		data.Forecast = w.forecastOf(r, p, d.ID)
		if data.Form == nil {
			data.Form = quoteValues(d, data.Forecast, p.Studio.Currency)
		}
		data.Ship = w.shipOf(r, p, d, data.Form["promised_date"])
	}
	for _, ph := range d.Photos {
		if ph.Kind == studio.ProcessPhoto {
			data.Process = append(data.Process, ph)
		}
	}
	w.render(rw, r, status, "commission", pageData{Title: d.Inquiry.SubjectName, Principal: &p, Nav: "commissions", Message: msg, Errors: errs, Data: data})
}

// quoteValues fill the quote form: a revision starts from the quote as it
// stands, a first quote from the suggested price.
func quoteValues(d store.CommissionDetail, fc *forecastCard, currency string) map[string]string {
	typed := func(cents *int64) string {
		if cents == nil {
			return ""
		}
		return strings.TrimSuffix(studio.FormatMoney(*cents, currency), " "+currency)
	}
	v := map[string]string{"price": typed(d.PriceCents), "deposit": typed(d.DepositCents), "promised_date": d.PromisedDate}
	if d.PriceCents == nil && fc != nil {
		v["price"] = fc.Price
	}
	return v
}

// commissionMove is the lifecycle's form: one button per allowed move, and
// the fields a quote or a cancellation needs.
func (w *Web) commissionMove(rw http.ResponseWriter, r *http.Request, p studio.Principal) error {
	f, err := postForm(r)
	if err != nil {
		return err
	}
	form := parseMoveForm(f)
	if err := p.CanMove(form.To); err != nil {
		return err
	}
	d, err := w.store.Commission(r.Context(), p.Studio.ID, r.PathValue("id"))
	if err != nil {
		return err
	}
	m, err := form.toMove(p.Studio.Currency)
	if err == nil {
		d, err = w.store.MoveCommission(r.Context(), p.Studio.ID, d.ID, p.User.ID, m)
	}
	if e, status, ok := formError(rw, err); ok {
		if w.refused(rw, r, e, e.Fields, f, "/commissions/"+d.ID) {
			return nil
		}
		w.renderCommission(rw, r, p, d, status, e.Message, e.Fields, formValues(f))
		return nil
	}
	if err != nil {
		return err
	}
	w.sessions.Put(r.Context(), "flash", "The commission is now "+strings.ReplaceAll(string(d.Status), "_", " ")+".")
	http.Redirect(rw, r, "/commissions/"+d.ID, http.StatusSeeOther)
	return nil
}

// moveForm is the lifecycle's form: the status to move to, and what a
// quote, a cancellation or a shipment needs. Amounts are typed in major
// units; their errors carry the domain's names (price_cents), as the page
// shows them.
type moveForm struct {
	To                                             studio.CommissionStatus
	Price, Deposit, PromisedDate, Reason, Tracking string
}

func parseMoveForm(f url.Values) moveForm {
	return moveForm{To: studio.CommissionStatus(f.Get("status")), Price: f.Get("price"), Deposit: f.Get("deposit"),
		PromisedDate: strings.TrimSpace(f.Get("promised_date")), Reason: f.Get("reason"), Tracking: f.Get("tracking")}
}

// toMove checks the amounts typed and gives the domain's move.
func (f moveForm) toMove(currency string) (studio.Move, error) {
	m := studio.Move{To: f.To, PromisedDate: f.PromisedDate, Reason: f.Reason, Tracking: f.Tracking}
	errs := studio.Fields{}
	if m.To == studio.Quoted {
		m.PriceCents = money(errs, "price_cents", f.Price, currency)
		m.DepositCents = money(errs, "deposit_cents", f.Deposit, currency)
	}
	return m, errs.Err()
}

// money parses an amount typed in major units, noting a bad one under field.
func money(errs studio.Fields, field, typed, currency string) *int64 {
	if strings.TrimSpace(typed) == "" {
		return nil
	}
	v, ok := studio.ParseMoney(typed, currency)
	if !ok {
		errs.Add(field, "must be an amount in "+currency+" such as 450 or 450.00")
		return nil
	}
	return &v
}

func formValues(f map[string][]string) map[string]string {
	out := map[string]string{}
	for k, v := range f {
		if len(v) > 0 {
			out[k] = v[0]
		}
	}
	return out
}

func (w *Web) commissionMessage(rw http.ResponseWriter, r *http.Request, p studio.Principal) error {
	f, err := postForm(r)
	if err != nil {
		return err
	}
	_, err = w.store.PostMessage(r.Context(), store.NewMessage{StudioID: p.Studio.ID, CommissionID: r.PathValue("id"),
		Author: studio.ByStudio, UserID: p.User.ID, Body: f.Get("body"), Email: w.cfg.MailEnabled})
	if e, status, ok := formError(rw, err); ok {
		d, derr := w.store.Commission(r.Context(), p.Studio.ID, r.PathValue("id"))
		if derr != nil {
			return derr
		}
		w.renderCommission(rw, r, p, d, status, e.Message, e.Fields, nil)
		return nil
	}
	if err != nil {
		return err
	}
	w.sessions.Put(r.Context(), "flash", "Message sent.")
	http.Redirect(rw, r, "/commissions/"+r.PathValue("id")+"#messages", http.StatusSeeOther)
	return nil
}

func (w *Web) commissionPhoto(rw http.ResponseWriter, r *http.Request, p studio.Principal) error {
	d, err := w.store.Commission(r.Context(), p.Studio.ID, r.PathValue("id"))
	if err != nil {
		return err
	}
	return w.intake.ServePhoto(rw, r, p.Studio.ID, d.Photos, true)
}

// pieceSteps is the strip of the commission's piece's stages, as the
// piece's page shows it; nil without a piece.
func pieceSteps(d store.CommissionDetail) []stageStep {
	if d.PieceID == "" {
		return nil
	}
	var out []stageStep
	for _, s := range studio.Stages[:len(studio.Stages)-1] {
		out = append(out, stageStep{Stage: s, Done: s.Index() < d.PieceStage.Index(), Current: s == d.PieceStage})
	}
	return out
}

func (w *Web) portalURL(secret string) string { return w.cfg.BaseURL + "/p/" + secret }

// commissionPortalRenew gives the commission a new portal link, which
// ends the old one: for a commission from before links were kept, or a
// link that reached the wrong hands.
func (w *Web) commissionPortalRenew(rw http.ResponseWriter, r *http.Request, p studio.Principal) error {
	if _, err := postForm(r); err != nil {
		return err
	}
	if _, err := w.store.RenewPortalLink(r.Context(), p.Studio.ID, r.PathValue("id"), p.User.ID); err != nil {
		return err
	}
	w.sessions.Put(r.Context(), "flash", "The client has a new link; the old one no longer opens. Send them the new one.")
	http.Redirect(rw, r, "/commissions/"+r.PathValue("id")+"#portal", http.StatusSeeOther)
	return nil
}

// commissionPortalMail e-mails the client their link again, through the
// outbox. Without a mail server there is nothing to send it with.
func (w *Web) commissionPortalMail(rw http.ResponseWriter, r *http.Request, p studio.Principal) error {
	if _, err := postForm(r); err != nil {
		return err
	}
	// Refusals are the button's, not a form's: back to the link's card.
	back := "/commissions/" + r.PathValue("id") + "#portal"
	if !w.cfg.MailEnabled {
		w.backWith(rw, r, "This install sends no e-mail (no mail server is set up): copy the link and send it yourself.", back)
		return nil
	}
	d, err := w.store.Commission(r.Context(), p.Studio.ID, r.PathValue("id"))
	if err != nil {
		return err
	}
	secret, err := w.store.PortalLink(r.Context(), p.Studio.ID, d.ID)
	if err != nil {
		return err
	}
	if secret == "" {
		w.backWith(rw, r, "This commission has no link to send yet: make a new link first.", back)
		return nil
	}
	subject, body := portalMail(p.Studio, d, w.portalURL(secret))
	if _, err := w.store.QueueMail(r.Context(), p.Studio.ID, d.Inquiry.ContactEmail, subject, body); err != nil {
		return err
	}
	w.sessions.Put(r.Context(), "flash", "The link is on its way to "+d.Inquiry.ContactEmail+".")
	http.Redirect(rw, r, "/commissions/"+d.ID+"#portal", http.StatusSeeOther)
	return nil
}

// portalMail words the mail that carries a client's link.
func portalMail(st studio.Studio, d store.CommissionDetail, link string) (subject, body string) {
	subject = st.Name + ": your private link for the miniature of " + d.Inquiry.SubjectName
	body = "Hello " + d.Inquiry.ContactName + ",\n\n" +
		"this is your private link to follow the miniature of " + d.Inquiry.SubjectName + ", see the quote, send photos and write to " + st.Artist + ":\n\n" +
		link + "\n\n" +
		"Keep it to yourself: whoever has the link can see the commission.\n\n" + st.Artist + "\n" + st.Name + "\n"
	return subject, body
}
