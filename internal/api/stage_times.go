package api

import (
	"math"
	"net/http"

	"atelier/internal/plan"
	"atelier/internal/studio"
)

// stageTimeJSON is one stage's work as the planner sees it, in minutes for
// a 40 mm piece: learned from five finished pieces on, the default before.
type stageTimeJSON struct {
	Stage          string  `json:"stage"`
	DefaultMinutes int     `json:"default_minutes"`
	Median         float64 `json:"median_minutes_at_40mm"`
	P10            float64 `json:"p10"`
	P90            float64 `json:"p90"`
	Samples        int     `json:"samples"`
	Learned        bool    `json:"learned"`
}

type stageTimesJSON struct {
	Stages []stageTimeJSON `json:"stages"`
}

func stageTimesView(d plan.Durations) stageTimesJSON {
	out := stageTimesJSON{Stages: []stageTimeJSON{}}
	for _, e := range d.All() {
		out.Stages = append(out.Stages, stageTimeJSON{Stage: string(e.Stage), DefaultMinutes: e.DefaultMinutes,
			Median: tenth(e.Median), P10: tenth(e.P10), P90: tenth(e.P90), Samples: e.Samples, Learned: e.Learned})
	}
	return out
}

// tenth keeps a tenth of a minute: more is noise in a duration estimate.
func tenth(m float64) float64 { return math.Round(m*10) / 10 }

func (a *API) stageTimesShow(w http.ResponseWriter, r *http.Request, p studio.Principal) error {
	d, err := a.Store.StageDurations(r.Context(), p.Studio.ID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, stageTimesView(d))
	return nil
}

// stageTimesUpdate sets the studio's own defaults for the stages named;
// the others keep theirs. One bad stage or value refuses the whole change.
func (a *API) stageTimesUpdate(w http.ResponseWriter, r *http.Request, p studio.Principal) error {
	var body struct {
		Defaults map[string]int `json:"defaults"`
	}
	if err := decode(r, &body); err != nil {
		return err
	}
	if body.Defaults == nil {
		return studio.FieldError("defaults", "is required: an object of stage to minutes")
	}
	defaults, err := plan.ParseStageDefaults(body.Defaults)
	if err != nil {
		return err
	}
	if err := a.Store.SetStageDefaults(r.Context(), p.Studio.ID, defaults); err != nil {
		return err
	}
	return a.stageTimesShow(w, r, p)
}
