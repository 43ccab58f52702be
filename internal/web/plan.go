package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"atelier/internal/plan"
	"atelier/internal/studio"
)

// The plan page: the studio's open work on a timeline per person and per
// oven, the pieces that will miss their promise, and a what-if form that
// answers "if I accept this today, when can I ship?" without writing
// anything (it is a GET: a question, not a change).

// planWindows are the spans the page offers.
var planWindows = []planWindow{{7, "1 week"}, {14, "2 weeks"}, {28, "4 weeks"}, {56, "8 weeks"}}

type planWindow struct {
	Days  int
	Label string
}

type planData struct {
	Gantt gantt
	// Days is the window shown; Windows the choices.
	Days    int
	Windows []planWindow
	// Unit is the studio's length unit, for the what-if's height.
	Unit    string
	Open    int
	Late    []planLate
	Last    time.Time
	Notes   []string
	Problem string
	WhatIf  whatIfView
}

// planLate is a piece that will miss its promise, as the page lists it.
type planLate struct {
	ID, Subject string
	P90, Due    time.Time
}

// whatIfView is the what-if form and, once asked, its answer.
type whatIfView struct {
	Asked  bool
	Form   map[string]string
	Clays  []claysOption
	Errors map[string]string
	// Message says why there is no answer when the form is fine.
	Message          string
	ShipP50, ShipP90 time.Time
	Delays           []delayView
}

type claysOption struct {
	Key, Name string
	Checked   bool
}

type delayView struct {
	ID, Subject string
	Days        int
	Promised    string
	Late        bool
}

func (w *Web) planShow(rw http.ResponseWriter, r *http.Request, p studio.Principal) error {
	q := r.URL.Query()
	d := planData{Days: 14, Windows: planWindows, Unit: unitOf(p.Studio.Units)}
	if n, err := strconv.Atoi(q.Get("days")); err == nil && slices.ContainsFunc(planWindows, func(w planWindow) bool { return w.Days == n }) {
		d.Days = n
	}
	wi, err := w.whatIf(r, p, q)
	if err != nil {
		return err
	}
	d.WhatIf = wi
	prob, res, err := w.store.Plan(r.Context(), p.Studio.ID)
	switch {
	case plan.IsBeyondHorizon(err):
		d.Problem = "The open work would take more than 20 years at the studio's hours: add working hours or people in the settings."
	case studio.ErrorCode(err) == studio.Invalid:
		d.Problem = "The studio's working hours cannot be planned with: check them in the settings."
	case err != nil:
		return err
	default:
		in, err := w.planLanes(r, p, prob)
		if err != nil {
			return err
		}
		in.Result, in.From = res, res.Now
		in.To = res.Now.AddDate(0, 0, d.Days)
		d.Gantt = buildGantt(in)
		d.Open, d.Notes = len(res.Pieces), res.Notes
		for i, f := range res.Pieces {
			if f.Late {
				d.Late = append(d.Late, planLate{ID: f.PieceID, Subject: prob.Pieces[i].Subject, P90: f.P90, Due: f.Due})
			}
			if f.P90.After(d.Last) {
				d.Last = f.P90
			}
		}
	}
	status := http.StatusOK
	if len(wi.Errors) > 0 {
		status = http.StatusUnprocessableEntity
	}
	w.render(rw, r, status, "plan", pageData{Title: "Plan", Principal: &p, Nav: "plan", Errors: wi.Errors, Data: d})
	return nil
}

// planLanes names the chart's lanes, subjects and links.
func (w *Web) planLanes(r *http.Request, p studio.Principal, prob plan.Problem) (ganttInput, error) {
	users, err := w.store.Users(r.Context(), p.Studio.ID)
	if err != nil {
		return ganttInput{}, err
	}
	name := map[string]string{}
	for _, u := range users {
		name[u.ID] = u.Name
		if u.Name == "" {
			name[u.ID] = u.Email
		}
	}
	in := ganttInput{Location: p.Studio.Clock().Loc, Subjects: map[string]string{}, Links: map[string]string{}, Unit: p.Studio.TemperatureUnit}
	for _, wk := range prob.Capacity.Workers {
		in.People = append(in.People, ganttLane{ID: wk.UserID, Label: name[wk.UserID]})
	}
	for _, o := range prob.Ovens {
		in.Ovens = append(in.Ovens, ganttLane{ID: o.ID, Label: o.Name})
	}
	if len(prob.Ovens) == 0 {
		in.Ovens = []ganttLane{{ID: "", Label: "An oven"}}
	}
	for _, pc := range prob.Pieces {
		in.Subjects[pc.ID] = pc.Subject
		in.Links[pc.ID] = "/pieces/" + url.PathEscape(pc.ID)
	}
	return in, nil
}

// whatIf reads the what-if form from the query, when it was sent, and
// answers it.
func (w *Web) whatIf(r *http.Request, p studio.Principal, q url.Values) (whatIfView, error) {
	clays, err := w.store.Clays(r.Context(), p.Studio.ID)
	if err != nil {
		return whatIfView{}, err
	}
	v := whatIfView{Asked: q.Has("height"), Form: map[string]string{"height": q.Get("height"), "count": q.Get("count")}}
	if v.Form["count"] == "" {
		v.Form["count"] = "1"
	}
	chosen := q["clay"]
	for _, c := range clays {
		v.Clays = append(v.Clays, claysOption{Key: c.Key, Name: c.Name, Checked: slices.Contains(chosen, c.Key)})
	}
	if !v.Asked {
		return v, nil
	}
	f := studio.Fields{}
	pr := studio.Proposal{ClayBrands: chosen}
	height, ok := studio.ParseLength(q.Get("height"), p.Studio.Units)
	if !ok {
		f.Add("height", "must be a height such as 40 mm")
	}
	pr.TargetHeightMM = height
	count, err := strconv.Atoi(v.Form["count"])
	if err != nil || count < 1 {
		f.Add("count", "must be a whole number of pieces from 1 to 100")
	}
	pr.Count = count
	if err := f.Err(); err != nil {
		v.Errors = f
		return v, nil
	}
	prob, res, err := w.store.WhatIf(r.Context(), p.Studio.ID, pr)
	switch {
	case studio.ErrorCode(err) == studio.Invalid:
		e := err.(*studio.Error)
		v.Errors = map[string]string{}
		for k, why := range e.Fields {
			switch k {
			case "target_height_mm":
				k = "height"
			case "clay_brands":
				k = "clay"
			}
			v.Errors[k] = why
		}
		return v, nil
	case plan.IsBeyondHorizon(err):
		v.Message = "The open work would take more than 20 years at the studio's hours."
		return v, nil
	case err != nil:
		return v, err
	}
	v.ShipP50, v.ShipP90 = res.ShipP50, res.ShipP90
	subject := map[string]string{}
	for _, pc := range prob.Pieces {
		subject[pc.ID] = pc.Subject
	}
	for _, dl := range res.Delays {
		v.Delays = append(v.Delays, delayView{ID: dl.PieceID, Subject: subject[dl.PieceID], Days: dl.Days, Promised: dl.Promised, Late: dl.Late})
	}
	return v, nil
}
