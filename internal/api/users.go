package api

import (
	"net/http"
	"time"

	"atelier/internal/calendar"
	"atelier/internal/studio"
)

type userJSON struct {
	ID        string      `json:"id"`
	Email     string      `json:"email"`
	Name      string      `json:"name"`
	Role      studio.Role `json:"role"`
	CreatedAt time.Time   `json:"created_at"`
}

func userView(u studio.User) userJSON {
	return userJSON{ID: u.ID, Email: u.Email, Name: u.Name, Role: u.Role, CreatedAt: u.CreatedAt.UTC()}
}

type meJSON struct {
	Email  string      `json:"email"`
	Name   string      `json:"name"`
	Role   studio.Role `json:"role"`
	Studio studioJSON  `json:"studio"`
	// CalendarURL is the user's secret calendar feed, issued on first use.
	CalendarURL string `json:"calendar_url"`
}

func (a *API) meShow(w http.ResponseWriter, r *http.Request, p studio.Principal) error {
	token, err := a.Store.CalendarToken(r.Context(), p.User.ID, a.SecretKey)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, meJSON{Email: p.User.Email, Name: p.User.Name, Role: p.User.Role, Studio: studioView(p.Studio),
		CalendarURL: calendar.URL(a.BaseURL, token)})
	return nil
}

// meCalendarRotate gives the user a new calendar feed address; the old one
// answers 404 from then on.
func (a *API) meCalendarRotate(w http.ResponseWriter, r *http.Request, p studio.Principal) error {
	token, err := a.Store.RotateCalendarToken(r.Context(), p.User.ID, a.SecretKey)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]string{"calendar_url": calendar.URL(a.BaseURL, token)})
	return nil
}

func (a *API) usersList(w http.ResponseWriter, r *http.Request, p studio.Principal) error {
	users, err := a.Store.Users(r.Context(), p.Studio.ID)
	if err != nil {
		return err
	}
	out := make([]userJSON, len(users))
	for i, u := range users {
		out[i] = userView(u)
	}
	writeJSON(w, http.StatusOK, map[string]any{"users": out})
	return nil
}

type userCreate struct {
	Email    string      `json:"email"`
	Name     string      `json:"name"`
	Role     studio.Role `json:"role"`
	Password string      `json:"password"`
}

func (a *API) usersCreate(w http.ResponseWriter, r *http.Request, p studio.Principal) error {
	var body userCreate
	if err := decode(r, &body); err != nil {
		return err
	}
	u, err := a.Store.CreateUser(r.Context(), studio.NewUser{
		StudioSlug: p.Studio.Slug, Email: body.Email, Name: body.Name, Role: body.Role, Password: body.Password,
	})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, userView(u))
	return nil
}

// userUpdate changes a person's role; the role is all there is to change.
type userUpdate struct {
	Role studio.Role `json:"role"`
}

func (a *API) usersUpdate(w http.ResponseWriter, r *http.Request, p studio.Principal) error {
	var body userUpdate
	if err := decode(r, &body); err != nil {
		return err
	}
	u, err := a.Store.ChangeRole(r.Context(), p.Studio.ID, r.PathValue("id"), body.Role)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, userView(u))
	return nil
}

// usersRemove takes a person off the team: their sessions and tokens end,
// their history keeps their name. The answer is the person as they were.
func (a *API) usersRemove(w http.ResponseWriter, r *http.Request, p studio.Principal) error {
	u, err := a.Store.RemoveUser(r.Context(), p.Studio.ID, r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, userView(u))
	return nil
}
