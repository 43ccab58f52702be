package web

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"atelier/internal/store"
	"atelier/internal/studio"
)

// pieceData is the piece's page: where it is, the current stage's
// checklist and form, and what it has been through.
type pieceData struct {
	store.PieceDetail
	Unit string
	// Target, Thickness and Size are shown in the studio's units.
	Target, Thickness, Size string
	Steps                   []stageStep
	StageNo                 int
	StageCount              int
	Next                    studio.Stage
	Items                   []store.CheckState
	// Open lists what keeps the piece in its stage; Refused says an
	// advance was just refused for it.
	Open      []string
	OpenBoxes int
	Refused   bool
	Timers    []timerView
	// The stage's own forms.
	Grits    []gritStep
	DueGrit  int
	Coats    []coatView
	NextCoat int
	// CoatWet is the drying of the last coat, which holds the next one,
	// and CoatWetIn how long it has left in words ("in 12 min"); CoatDry
	// says the last coat is dry, so the next may go on.
	CoatWet     *timerView
	CoatWetIn   string
	CoatDry     bool
	CoatKinds   []choice
	Rows        []paletteRow
	MoreOpen    bool
	Roles       []string
	QCChecks    []studio.QCCheck
	QCRows      []qcRow
	Attempts    []qcView
	Earlier     []studio.Stage
	Clays       []clayChoice
	ClayNames   []string
	EditInStage bool
	// V holds the forms' values: the piece's, or those just sent.
	V map[string]string
	// Form names the form that was refused, to keep it open.
	Form       string
	Work       []workRow
	WorkTotal  int
	WorkSince  string
	WorkStages []studio.Stage
	History    []historyView
	// The bake: the cure of each clay, the ovens, the bake under way.
	Cures []cureView
	Ovens []ovenChoice
	Bake  *bakeView
	Baked bool
	// The certificate and the labels.
	Cert  certificateCard
	Label labelCard
	// Cost is the piece's cost so far; nil when it could not be worked out.
	Cost *costCard
	// Timelapse is the making-of time-lapse; nil when it could not be loaded.
	Timelapse *timelapseCard
	// Suggest is the palette suggested from the photos, at the colour plan.
	Suggest *paletteSuggestCard
	// MakingOf is the card of the piece's public making-of page.
	MakingOf makingOfCard
	// Photos are the references and the stage's process photos.
	Photos piecePhotos
}

// qcRow is one check of the QC form: Pass or Fail, as sent when the form
// was refused.
type qcRow struct {
	Key, Label, Value, Err string
}

type stageStep struct {
	Stage         studio.Stage
	Done, Current bool
}

// timerView is a countdown: Due for the script, Left as first shown, At
// as a clock time for people.
type timerView struct{ Label, Due, Left, At string }

type gritStep struct {
	Grit      int
	Done, Due bool
}

type coatView struct {
	N                int
	Kind             string
	Sanded           bool
	Applied, DryTime string
	Dry              *timerView
}

type choice struct{ Value, Label string }

type paletteRow struct {
	I, N                     int
	Name, Hex, Role          string
	NameErr, HexErr, RoleErr string
}

type qcView struct {
	At       string
	Passed   bool
	ReturnTo studio.Stage
	Notes    string
	Failed   []string
}

type clayChoice struct {
	Key, Name string
	Checked   bool
}

type workRow struct {
	Stage   studio.Stage
	Minutes int
}

type historyView struct{ ISO, At, Text string }

// paletteRows is how many colours the palette form offers: the guide's
// four, and two more behind a reason.
const paletteRows = 6

var coatLabels = map[studio.CoatKind]string{studio.MattePolyurethane: "Matte polyurethane", studio.GlossPolyurethane: "Gloss polyurethane", studio.Epoxy: "Epoxy resin"}

func newPieceData(d store.PieceDetail, st studio.Studio, a pieceAnswer, now time.Time) pieceData {
	pd := pieceData{PieceDetail: d, Unit: unitOf(st.Units), Next: d.Stage.Next(), StageNo: d.Stage.Index() + 1, StageCount: len(studio.Stages) - 1,
		Roles: studio.PaletteRoles, QCChecks: studio.QCChecks, Form: a.form, Refused: a.refused,
		EditInStage: d.Stage == studio.Texture || d.Stage == studio.FirstBake || d.Stage == studio.Mount}
	pd.Target, pd.Thickness = studio.FormatLength(d.TargetHeightMM, st.Units), formatLength(d.MaxThicknessMM, st.Units)
	if d.HeightMM != nil && d.WidthMM != nil && d.DepthMM != nil {
		pd.Size = formatLength(d.HeightMM, st.Units) + " high, " + formatLength(d.WidthMM, st.Units) + " wide, " + formatLength(d.DepthMM, st.Units) + " deep"
	}
	for _, s := range studio.Stages[:len(studio.Stages)-1] {
		pd.Steps = append(pd.Steps, stageStep{Stage: s, Done: s.Index() < d.Stage.Index(), Current: s == d.Stage})
	}
	for _, c := range d.Checklist {
		if c.Stage == d.Stage {
			pd.Items = append(pd.Items, c)
		}
	}
	open := a.open
	if exit := d.Exit(); !a.refused && exit != studio.ExitQC && exit != studio.ExitNone {
		open = stillOpen(d, st, now)
	}
	// The boxes are right above: count them, list only the rest.
	for _, o := range open {
		if slices.ContainsFunc(pd.Items, func(c store.CheckState) bool { return c.Label == o }) {
			pd.OpenBoxes++
		} else {
			pd.Open = append(pd.Open, o)
		}
	}
	for _, t := range d.Timers {
		if t.DueAt.After(now) {
			pd.Timers = append(pd.Timers, *newTimerView(t, now, st))
		}
	}
	pd.V = pieceValues(d, st, a)
	pd.stageForms(d, st, a, now)
	pd.Earlier = d.ReturnStages()
	pd.work(d, st, now)
	pd.History = history(d, now, st)
	pd.baking(d, st, a.clays, a.ovens, now)
	pd.Photos = newPiecePhotos(d, a.commission)
	for _, c := range studio.QCChecks {
		pd.QCRows = append(pd.QCRows, qcRow{Key: c.Key, Label: c.Label, Value: a.values.Get("qc_" + c.Key), Err: a.errs["qc_"+c.Key]})
	}
	return pd
}

// stillOpen is what keeps the piece in its stage, by the domain's rules.
func stillOpen(d store.PieceDetail, st studio.Studio, now time.Time) []string {
	return studio.OpenToLeave(d.StageState(st, now))
}

// pieceValues fills the forms: the piece's own values, then what was sent.
func pieceValues(d store.PieceDetail, st studio.Studio, a pieceAnswer) map[string]string {
	v := map[string]string{"subject": d.Subject, "target_height": lengthValue(&d.TargetHeightMM, st.Units),
		"max_thickness": lengthValue(d.MaxThicknessMM, st.Units), "height": lengthValue(d.HeightMM, st.Units),
		"width": lengthValue(d.WidthMM, st.Units), "depth": lengthValue(d.DepthMM, st.Units),
		"kind": string(lastFinish(d, a.lastFinish)), "work_stage": string(d.Stage), "override_reason": d.PaletteReason}
	if i := d.Stage.Index(); i > 0 {
		v["to"] = string(studio.Stages[i-1])
	}
	for k, vs := range a.values {
		if len(vs) > 0 {
			v[k] = vs[0]
		}
	}
	return v
}

func (pd *pieceData) stageForms(d store.PieceDetail, st studio.Studio, a pieceAnswer, now time.Time) {
	logged := d.PassGrits()
	due, _ := studio.NextGrit(st.GritProgression, logged)
	pd.DueGrit = due
	for i, g := range st.GritProgression {
		pd.Grits = append(pd.Grits, gritStep{Grit: g, Done: i < len(logged), Due: g == due})
	}
	for _, k := range studio.CoatKinds {
		pd.CoatKinds = append(pd.CoatKinds, choice{Value: string(k), Label: coatLabels[k]})
	}
	for i, c := range d.PassCoats() {
		cv := coatView{N: i + 1, Kind: coatLabels[c.Kind], Sanded: c.Sanded2000Before, Applied: localTime(c.AppliedAt, now, st), DryTime: localTime(c.DryAt, now, st)}
		if c.DryAt.After(now) {
			cv.Dry = newTimerView(store.Timer{Label: fmt.Sprintf("Coat %d dry", i+1), DueAt: c.DryAt}, now, st)
		}
		pd.Coats = append(pd.Coats, cv)
	}
	pd.Rows = paletteForm(d, a)
	for _, row := range pd.Rows[4:] {
		pd.MoreOpen = pd.MoreOpen || row.Name != ""
	}
	pd.MoreOpen = pd.MoreOpen || strings.TrimSpace(pd.V["override_reason"]) != "" || a.errs["colors"] != "" || a.errs["override_reason"] != ""
	pd.NextCoat = len(pd.Coats) + 1
	if n := len(pd.Coats); n > 0 {
		last := pd.Coats[n-1]
		pd.CoatWet, pd.CoatDry = last.Dry, last.Dry == nil
		if last.Dry != nil {
			pd.CoatWetIn = inMinutes(d.PassCoats()[n-1].DryAt.Sub(now))
		}
	}
	pd.Clays = clayChoices(d, a)
	for _, b := range d.ClayBrands {
		name := b
		for _, c := range a.clays {
			if c.Key == b {
				name = c.Name
			}
		}
		pd.ClayNames = append(pd.ClayNames, name)
	}
	for _, q := range d.QC {
		pd.Attempts = append(pd.Attempts, qcView{At: localTime(q.At, now, st), Passed: q.Passed, ReturnTo: q.ReturnTo, Notes: q.Notes, Failed: studio.FailedChecks(q.Checks)})
	}
}

// lastFinish is the finish to offer: the piece's last coat's, else the
// studio's last, else matte polyurethane, the guide's default.
func lastFinish(d store.PieceDetail, studioLast studio.CoatKind) studio.CoatKind {
	if n := len(d.Coats); n > 0 {
		return d.Coats[n-1].Kind
	}
	if studioLast != "" {
		return studioLast
	}
	return studio.MattePolyurethane
}

// inMinutes says how long is left in words: "in 12 min", "in 1 h 5 min".
func inMinutes(left time.Duration) string {
	m := max(1, int((left+time.Minute-1)/time.Minute))
	if m < 60 {
		return fmt.Sprintf("in %d min", m)
	}
	return fmt.Sprintf("in %d h %d min", m/60, m%60)
}

// paletteForm gives the palette form its rows: the colours sent, or the
// piece's, then empty rows.
func paletteForm(d store.PieceDetail, a pieceAnswer) []paletteRow {
	var rows []paletteRow
	if a.form == "palette" {
		for i := 0; a.values.Has(fmt.Sprintf("name_%d", i)); i++ {
			rows = append(rows, paletteRow{Name: a.values.Get(fmt.Sprintf("name_%d", i)), Hex: a.values.Get(fmt.Sprintf("hex_%d", i)), Role: a.values.Get(fmt.Sprintf("role_%d", i))})
		}
	} else {
		for _, c := range d.Palette {
			rows = append(rows, paletteRow{Name: c.Name, Hex: c.Hex, Role: c.Role})
		}
	}
	for len(rows) < paletteRows {
		rows = append(rows, paletteRow{Hex: "#808080", Role: studio.PaletteRoles[min(len(rows), len(studio.PaletteRoles)-1)]})
	}
	for i := range rows {
		rows[i].I = i
		if !strings.HasPrefix(rows[i].Hex, "#") || len(rows[i].Hex) != 7 {
			rows[i].Hex = "#808080" // a colour input shows nothing else
		}
		rows[i].Hex = strings.ToLower(rows[i].Hex)
		rows[i].N = i + 1
		rows[i].NameErr, rows[i].HexErr, rows[i].RoleErr = a.errs[fmt.Sprintf("name_%d", i)], a.errs[fmt.Sprintf("hex_%d", i)], a.errs[fmt.Sprintf("role_%d", i)]
	}
	return rows
}

// clayChoices are the studio's clays as tick boxes, ticked as the piece
// has them, or as the form was sent.
func clayChoices(d store.PieceDetail, a pieceAnswer) []clayChoice {
	have := d.ClayBrands
	if a.form == "edit" && a.values.Has("clay_brands_shown") {
		have = a.values["clay_brands"]
	}
	var out []clayChoice
	for _, c := range a.clays {
		out = append(out, clayChoice{Key: c.Key, Name: c.Name, Checked: slices.Contains(have, c.Key)})
	}
	for _, b := range d.ClayBrands {
		if !slices.ContainsFunc(out, func(c clayChoice) bool { return c.Key == b }) {
			out = append(out, clayChoice{Key: b, Name: b, Checked: slices.Contains(have, b)})
		}
	}
	return out
}

func (pd *pieceData) work(d store.PieceDetail, st studio.Studio, now time.Time) {
	for _, s := range studio.Stages {
		if m := d.WorkMinutes[s]; m > 0 {
			pd.Work = append(pd.Work, workRow{Stage: s, Minutes: m})
			pd.WorkTotal += m
		}
		if s.Index() <= d.Stage.Index() && s != studio.Delivered {
			pd.WorkStages = append(pd.WorkStages, s)
		}
	}
	if d.Running != nil {
		pd.WorkSince = localTime(*d.Running, now, st)
	}
}

// history tells the piece's stage changes in words.
func history(d store.PieceDetail, now time.Time, st studio.Studio) []historyView {
	var out []historyView
	for _, e := range d.History {
		out = append(out, historyView{ISO: e.At.Format(time.RFC3339), At: localTime(e.At, now, st), Text: e.Summary()})
	}
	return out
}

func newTimerView(t store.Timer, now time.Time, st studio.Studio) *timerView {
	return &timerView{Label: t.Label, Due: t.DueAt.UTC().Format(time.RFC3339), Left: countdown(t.DueAt.Sub(now)), At: localTime(t.DueAt, now, st)}
}

// countdown shows time left as app.js does, so that the first paint and
// the script's ticks look alike.
func countdown(left time.Duration) string {
	s := max(0, int(left.Round(time.Second).Seconds()))
	h, m := s/3600, s%3600/60
	if h > 0 {
		return fmt.Sprintf("%d:%02d:%02d", h, m, s%60)
	}
	return fmt.Sprintf("%d:%02d", m, s%60)
}

func isChecked(v string) bool { return v == "true" || v == "on" }
