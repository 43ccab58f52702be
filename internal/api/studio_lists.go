package api

import (
	"net/http"

	"atelier/internal/store"
	"atelier/internal/studio"
)

type clayJSON struct {
	Key  string `json:"key"`
	Name string `json:"name"`
}

func (a *API) claysList(w http.ResponseWriter, r *http.Request, p studio.Principal) error {
	clays, err := a.Store.Clays(r.Context(), p.Studio.ID)
	if err != nil {
		return err
	}
	out := make([]clayJSON, len(clays))
	for i, c := range clays {
		out[i] = clayJSON(c)
	}
	writeJSON(w, http.StatusOK, map[string]any{"clays": out})
	return nil
}

func (a *API) claysSave(w http.ResponseWriter, r *http.Request, p studio.Principal) error {
	var body struct {
		Name string `json:"name"`
	}
	if err := decode(r, &body); err != nil {
		return err
	}
	c, err := a.Store.SaveClay(r.Context(), p.Studio.ID, store.Clay{Key: r.PathValue("key"), Name: body.Name})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, clayJSON(c))
	return nil
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
