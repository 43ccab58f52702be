package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"atelier/internal/studio"
)

// hoursForm is the studio's hours as the settings page types them: each
// day's spans as "09:00–12:30, 13:30–17:00", the days off one a line, and
// a box for each person who works on pieces.
type hoursForm struct {
	Days    []dayField
	DaysOff string
	People  []personBox
	Message string
}

type dayField struct{ Key, Label, Value string }

type personBox struct {
	ID, Name, Email string
	Works           bool
	// Own says the person keeps hours of their own (set through the API),
	// which the page keeps as they are.
	Own string
}

var dayLabels = [7]string{"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"}

// weekOrder lists the days from Monday, as a studio reads its week.
var weekOrder = [7]int{1, 2, 3, 4, 5, 6, 0}

func spansText(day []studio.Span) string {
	parts := make([]string, len(day))
	for i, s := range day {
		parts[i] = studio.FormatClock(s.Start) + "–" + studio.FormatClock(s.End)
	}
	return strings.Join(parts, ", ")
}

func newHoursForm(c studio.Capacity, users []studio.User) hoursForm {
	var f hoursForm
	for _, d := range weekOrder {
		f.Days = append(f.Days, dayField{Key: studio.WeekdayKeys[d], Label: dayLabels[d], Value: spansText(c.Week[d])})
	}
	f.DaysOff = strings.Join(c.DaysOff, "\n")
	for _, u := range users {
		box := personBox{ID: u.ID, Name: u.Name, Email: u.Email}
		for _, w := range c.Workers {
			if w.UserID == u.ID {
				box.Works = true
				if w.Week != nil {
					box.Own = ownHours(*w.Week)
				}
			}
		}
		f.People = append(f.People, box)
	}
	return f
}

// ownHours describes a person's own week: "Mon 08:00–12:00; Wed …".
func ownHours(w studio.Week) string {
	var parts []string
	for _, d := range weekOrder {
		if len(w[d]) > 0 {
			parts = append(parts, dayLabels[d][:3]+" "+spansText(w[d]))
		}
	}
	return strings.Join(parts, "; ")
}

// parseSpans reads "09:00–12:30, 13:30–17:00" (with -, – or "to").
func parseSpans(f studio.Fields, field, typed string) []studio.Span {
	var out []studio.Span
	for _, part := range strings.FieldsFunc(typed, func(r rune) bool { return r == ',' || r == ';' }) {
		part = strings.NewReplacer("–", "-", "—", "-", " to ", "-").Replace(strings.TrimSpace(part))
		a, b, ok := strings.Cut(part, "-")
		start, ok1 := studio.ParseClock(a)
		end, ok2 := studio.ParseClock(b)
		if !ok || !ok1 || !ok2 {
			f.Add(field, fmt.Sprintf("%s must be hours such as 09:00–17:00, several separated by commas", studio.Quote(part)))
			continue
		}
		out = append(out, studio.Span{Start: start, End: end})
	}
	return out
}

// toCapacity reads the form over the current capacity: a person's own
// hours stay as they are.
func (w *Web) toCapacity(form url.Values, current studio.Capacity) (studio.Capacity, hoursForm, error) {
	f := studio.Fields{}
	var c studio.Capacity
	typed := hoursForm{DaysOff: form.Get("days_off")}
	for _, d := range weekOrder {
		key := studio.WeekdayKeys[d]
		c.Week[d] = parseSpans(f, "weekdays."+key, form.Get(key))
		typed.Days = append(typed.Days, dayField{Key: key, Label: dayLabels[d], Value: form.Get(key)})
	}
	for _, line := range strings.Fields(strings.ReplaceAll(form.Get("days_off"), ",", " ")) {
		c.DaysOff = append(c.DaysOff, line)
	}
	own := map[string]*studio.Week{}
	for _, wk := range current.Workers {
		own[wk.UserID] = wk.Week
	}
	for _, id := range form["works"] {
		c.Workers = append(c.Workers, studio.Worker{UserID: id, Week: own[id]})
	}
	if err := f.Err(); err != nil {
		return c, typed, err
	}
	return c, typed, c.Normalised().Validate()
}

func (w *Web) hoursPage(rw http.ResponseWriter, r *http.Request, p studio.Principal, status int, form *hoursForm, errs map[string]string) error {
	users, err := w.store.Users(r.Context(), p.Studio.ID)
	if err != nil {
		return err
	}
	c, err := w.store.Capacity(r.Context(), p.Studio.ID)
	if err != nil {
		return err
	}
	shown := newHoursForm(c, users)
	if form != nil {
		works := map[string]bool{}
		for _, box := range form.People {
			works[box.ID] = box.Works
		}
		for i := range shown.People {
			shown.People[i].Works = works[shown.People[i].ID]
		}
		shown.Days, shown.DaysOff, shown.Message = form.Days, form.DaysOff, form.Message
	}
	w.render(rw, r, status, "hours", pageData{Title: "Working hours", Principal: &p, Nav: "settings", Errors: errs, Data: shown})
	return nil
}

func (w *Web) hoursShow(rw http.ResponseWriter, r *http.Request, p studio.Principal) error {
	return w.hoursPage(rw, r, p, http.StatusOK, nil, nil)
}

func (w *Web) hoursSubmit(rw http.ResponseWriter, r *http.Request, p studio.Principal) error {
	form, err := postForm(r)
	if err != nil {
		return err
	}
	current, err := w.store.Capacity(r.Context(), p.Studio.ID)
	if err != nil {
		return err
	}
	c, typed, err := w.toCapacity(form, current)
	if err == nil {
		_, err = w.store.SetCapacity(r.Context(), p.Studio.ID, c)
	}
	if e, status, ok := formError(rw, err); ok {
		typed.Message = friendly(e)
		for _, id := range form["works"] {
			typed.People = append(typed.People, personBox{ID: id, Works: true})
		}
		return w.hoursPage(rw, r, p, status, &typed, e.Fields)
	}
	if err != nil {
		return err
	}
	w.sessions.Put(r.Context(), "flash", fmt.Sprintf("Working hours saved: %s a week.", hoursText(c.Week.Minutes())))
	http.Redirect(rw, r, "/settings/hours", http.StatusSeeOther)
	return nil
}
