package api

import (
	"net/http"

	"atelier/internal/store"
	"atelier/internal/studio"
)

type clayJSON struct {
	Key            string `json:"key"`
	Name           string `json:"name"`
	TemperatureC   *int   `json:"temperature_c"`
	TemperatureF   *int   `json:"temperature_f"`
	MinC           *int   `json:"min_c"`
	MaxC           *int   `json:"max_c"`
	MinutesPer6mm  *int   `json:"minutes_per_6mm"`
	MinimumMinutes *int   `json:"minimum_minutes"`
}

func clayView(c store.Clay) clayJSON {
	out := clayJSON{Key: c.Key, Name: c.Name}
	if c.Known() {
		b := c.Baking
		out.TemperatureC, out.TemperatureF, out.MinC, out.MaxC = &b.TemperatureC, &b.TemperatureF, &b.MinC, &b.MaxC
		out.MinutesPer6mm, out.MinimumMinutes = &b.MinutesPer6mm, &b.MinimumMinutes
	}
	return out
}

func (a *API) claysList(w http.ResponseWriter, r *http.Request, p studio.Principal) error {
	clays, err := a.Store.Clays(r.Context(), p.Studio.ID)
	if err != nil {
		return err
	}
	out := make([]clayJSON, len(clays))
	for i, c := range clays {
		out[i] = clayView(c)
	}
	writeJSON(w, http.StatusOK, map[string]any{"clays": out})
	return nil
}

// clayBody is a clay's fields as sent; the key comes from the path, or
// from the body when a clay is added.
type clayBody struct {
	Key            string  `json:"key"`
	Name           *string `json:"name"`
	TemperatureC   *int    `json:"temperature_c"`
	TemperatureF   *int    `json:"temperature_f"`
	MinC           *int    `json:"min_c"`
	MaxC           *int    `json:"max_c"`
	MinutesPer6mm  *int    `json:"minutes_per_6mm"`
	MinimumMinutes *int    `json:"minimum_minutes"`
}

func (b clayBody) update() studio.ClayUpdate {
	return studio.ClayUpdate{Name: b.Name, TemperatureC: b.TemperatureC, TemperatureF: b.TemperatureF, MinC: b.MinC, MaxC: b.MaxC,
		MinutesPer6mm: b.MinutesPer6mm, MinimumMinutes: b.MinimumMinutes}
}

// claySave answers the three ways of saving a clay: POST adds one (201),
// PATCH changes one, PUT does either.
func (a *API) claySave(mode store.ClayMode, status int) authedFunc {
	return func(w http.ResponseWriter, r *http.Request, p studio.Principal) error {
		var body clayBody
		if err := decode(r, &body); err != nil {
			return err
		}
		key := r.PathValue("key")
		if mode == store.ClayCreate {
			key = body.Key
		}
		if mode != store.ClayChange && body.Name == nil {
			return studio.FieldError("name", "is required")
		}
		c, err := a.Store.SaveClay(r.Context(), p.Studio.ID, key, body.update(), mode)
		if err != nil {
			return err
		}
		writeJSON(w, status, clayView(c))
		return nil
	}
}

type checklistItemJSON struct {
	Stage    string `json:"stage"`
	Key      string `json:"key"`
	Label    string `json:"label"`
	Required bool   `json:"required"`
}

func (a *API) checklistList(w http.ResponseWriter, r *http.Request, p studio.Principal) error {
	items, err := a.Store.ChecklistItems(r.Context(), p.Studio.ID)
	if err != nil {
		return err
	}
	out := make([]checklistItemJSON, len(items))
	for i, it := range items {
		out[i] = checklistItemJSON{Stage: string(it.Stage), Key: it.Key, Label: it.Label, Required: it.Required}
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": out})
	return nil
}

func (a *API) checklistSave(w http.ResponseWriter, r *http.Request, p studio.Principal) error {
	var body struct {
		Stage    string `json:"stage"`
		Label    string `json:"label"`
		Required *bool  `json:"required"`
	}
	if err := decode(r, &body); err != nil {
		return err
	}
	if body.Required == nil {
		return studio.FieldError("required", "is required: true or false")
	}
	it, err := a.Store.SaveChecklistItem(r.Context(), p.Studio.ID, studio.ChecklistItem{Stage: studio.Stage(body.Stage), Key: r.PathValue("key"), Label: body.Label, Required: *body.Required})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, checklistItemJSON{Stage: string(it.Stage), Key: it.Key, Label: it.Label, Required: it.Required})
	return nil
}

func (a *API) checklistDelete(w http.ResponseWriter, r *http.Request, p studio.Principal) error {
	if err := a.Store.DeleteChecklistItem(r.Context(), p.Studio.ID, r.PathValue("key")); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"key": r.PathValue("key"), "deleted": true})
	return nil
}
