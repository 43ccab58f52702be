package api

import (
	"net/http"
	"time"

	"atelier/internal/studio"
)

type studioJSON struct {
	ID       string       `json:"id"`
	Slug     string       `json:"slug"`
	Name     string       `json:"name"`
	Artist   string       `json:"artist"`
	Currency string       `json:"currency"`
	Timezone string       `json:"timezone"`
	Units    studio.Units `json:"units"`
	// TemperatureUnit is "C" or "F".
	TemperatureUnit studio.TemperatureUnit  `json:"temperature_unit"`
	PixelLimit      int64                   `json:"pixel_limit"`
	WebsiteOrigins  []string                `json:"website_origins"`
	GritProgression []int                   `json:"grit_progression"`
	CoatDryMinutes  map[studio.CoatKind]int `json:"coat_dry_minutes"`
	CreatedAt       time.Time               `json:"created_at"`
	UpdatedAt       time.Time               `json:"updated_at"`
}

func studioView(s studio.Studio) studioJSON {
	return studioJSON{ID: s.ID, Slug: s.Slug, Name: s.Name, Artist: s.Artist, Currency: s.Currency,
		Timezone: s.Timezone, Units: s.Units, TemperatureUnit: s.TemperatureUnit,
		PixelLimit: s.PixelLimit, WebsiteOrigins: orEmpty(s.WebsiteOrigins), GritProgression: s.GritProgression, CoatDryMinutes: s.CoatDryMinutes, CreatedAt: s.CreatedAt.UTC(), UpdatedAt: s.UpdatedAt.UTC()}
}

func (a *API) studioShow(w http.ResponseWriter, r *http.Request, p studio.Principal) error {
	writeJSON(w, http.StatusOK, studioView(p.Studio))
	return nil
}

// studioPatch is the body of PATCH /api/v1/studio; absent fields stay as they are.
type studioPatch struct {
	Name     *string       `json:"name"`
	Artist   *string       `json:"artist"`
	Currency *string       `json:"currency"`
	Timezone *string       `json:"timezone"`
	Units    *studio.Units `json:"units"`
	// TemperatureUnit is "C" or "F".
	TemperatureUnit *studio.TemperatureUnit `json:"temperature_unit"`
	PixelLimit      *int64                  `json:"pixel_limit"`
	WebsiteOrigins  *[]string               `json:"website_origins"`
	GritProgression *[]int                  `json:"grit_progression"`
	CoatDryMinutes  map[studio.CoatKind]int `json:"coat_dry_minutes"`
}

func (a *API) studioUpdate(w http.ResponseWriter, r *http.Request, p studio.Principal) error {
	var body studioPatch
	if err := decode(r, &body); err != nil {
		return err
	}
	st, err := a.Store.UpdateStudio(r.Context(), p.Studio.ID, studio.StudioUpdate{
		Name: body.Name, Artist: body.Artist, Currency: body.Currency, Timezone: body.Timezone, Units: body.Units,
		TemperatureUnit: body.TemperatureUnit, PixelLimit: body.PixelLimit, WebsiteOrigins: body.WebsiteOrigins,
		GritProgression: body.GritProgression, CoatDryMinutes: body.CoatDryMinutes,
	})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, studioView(st))
	return nil
}

func orEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
