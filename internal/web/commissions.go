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
}

func (w *Web) commissionsList(rw http.ResponseWriter, r *http.Request, p studio.Principal) error {
	q := r.URL.Query()
	f := store.CommissionFilter{Status: studio.CommissionStatus(q.Get("status")), Overdue: q.Get("overdue") != "", MissingReferences: q.Get("missing") != ""}
	list, err := w.store.Commissions(r.Context(), p.Studio.ID, f)
	if err != nil {
		return err
	}
	w.render(rw, r, http.StatusOK, "commissions", pageData{Title: "Commissions", Principal: &p, Nav: "commissions",
		Data: commissionsData{List: list, Filter: f, Statuses: studio.CommissionStatuses, Link: w.cfg.BaseURL + "/s/" + p.Studio.Slug + "/commission"}})
	return nil
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
	w.renderCommission(rw, r, p, d, http.StatusOK, "", nil, nil)
	return nil
}

func (w *Web) renderCommission(rw http.ResponseWriter, r *http.Request, p studio.Principal, d store.CommissionDetail, status int, msg string, errs, form map[string]string) {
	data := commissionData{CommissionDetail: d, ByAngle: groupByAngle(d.Photos), Next: studio.NextStatuses(d.Status), Form: form}
	if slices.Contains(data.Next, studio.Quoted) && p.User.Role == studio.Owner {
		data.Forecast = w.forecastOf(r, p, d.ID)
		if data.Form == nil {
			data.Form = quoteValues(d, data.Forecast, p.Studio.Currency)
		}
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
