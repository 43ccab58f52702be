package api

import (
	"fmt"
	"net/http"
	"strings"

	"atelier/internal/studio"
)

// hoursJSON is when the studio works, as GET and PUT /api/v1/studio/hours
// write it.
type hoursJSON struct {
	Weekdays studio.WeekJSON `json:"weekdays"`
	DaysOff  []string        `json:"days_off"`
	People   []hoursPerson   `json:"people"`
}

// hoursPerson is one person who works on pieces; without weekdays they
// work the studio's hours.
type hoursPerson struct {
	Email    string           `json:"email"`
	Weekdays *studio.WeekJSON `json:"weekdays,omitempty"`
}

func (a *API) hoursShow(w http.ResponseWriter, r *http.Request, p studio.Principal) error {
	c, err := a.Store.Capacity(r.Context(), p.Studio.ID)
	if err != nil {
		return err
	}
	users, err := a.Store.Users(r.Context(), p.Studio.ID)
	if err != nil {
		return err
	}
	email := map[string]string{}
	for _, u := range users {
		email[u.ID] = u.Email
	}
	out := hoursJSON{Weekdays: c.Week.JSON(), DaysOff: append([]string{}, c.DaysOff...), People: []hoursPerson{}}
	for _, wk := range c.Workers {
		hp := hoursPerson{Email: email[wk.UserID]}
		if wk.Week != nil {
			j := wk.Week.JSON()
			hp.Weekdays = &j
		}
		out.People = append(out.People, hp)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (a *API) hoursUpdate(w http.ResponseWriter, r *http.Request, p studio.Principal) error {
	var body hoursJSON
	if err := decode(r, &body); err != nil {
		return err
	}
	users, err := a.Store.Users(r.Context(), p.Studio.ID)
	if err != nil {
		return err
	}
	byEmail := map[string]string{}
	owner := ""
	for _, u := range users {
		byEmail[strings.ToLower(u.Email)] = u.ID
		if u.Role == studio.Owner && owner == "" {
			owner = u.ID
		}
	}
	f := studio.Fields{}
	c := studio.Capacity{Week: body.Weekdays.Week(f, "weekdays"), DaysOff: body.DaysOff}
	for i, hp := range body.People {
		id, ok := byEmail[strings.ToLower(strings.TrimSpace(hp.Email))]
		if !ok {
			f.Add(fmt.Sprintf("people[%d].email", i), studio.Quote(hp.Email)+" is not one of the studio's people")
			continue
		}
		wk := studio.Worker{UserID: id}
		if hp.Weekdays != nil {
			week := hp.Weekdays.Week(f, fmt.Sprintf("people[%d].weekdays", i))
			wk.Week = &week
		}
		c.Workers = append(c.Workers, wk)
	}
	if body.People == nil && owner != "" {
		c.Workers = []studio.Worker{{UserID: owner}}
	}
	if err := f.Err(); err != nil {
		return err
	}
	if _, err := a.Store.SetCapacity(r.Context(), p.Studio.ID, c); err != nil {
		return err
	}
	return a.hoursShow(w, r, p)
}
