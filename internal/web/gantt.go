package web

import (
	"bytes"
	"fmt"
	"html/template"
	"math"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"atelier/internal/plan"
	"atelier/internal/studio"
)

// The plan page's Gantt chart: the planner's Result drawn as SVG on the
// server, one lane per person and one per oven, with a table of the
// pieces beside it for screen readers and phones. Like chart.go it needs
// no script and no inline style: colours come from classes in app.css.
//
// The SVG is rendered here, by html/template, rather than by a partial in
// templates/: a page is parsed with layout.html and _partials.html only,
// and html/template escapes every text and attribute (an href too) just
// as a partial would.

// ganttInput is what the plan page draws.
type ganttInput struct {
	Result plan.Result
	// Location is the studio's time zone: day lines and labels are in it.
	Location *time.Location
	// People has one lane per person, in order: ID is the user ID, Label
	// the name or e-mail.
	People []ganttLane
	// Ovens has one lane per oven: ID is the oven ID, Label its name.
	Ovens []ganttLane
	// Subjects maps a piece ID to its subject, for bar labels and titles.
	Subjects map[string]string
	// Links maps a piece ID to the URL of the piece's page.
	Links map[string]string
	// From and To bound the window drawn; a zero From is Result.Now, a
	// zero To is From + 14 days.
	From, To time.Time
	// Unit is the studio's oven scale; "" reads as Celsius.
	Unit studio.TemperatureUnit
}

type ganttLane struct{ ID, Label string }

// gantt is the chart's geometry, in the viewBox's units, and the list of
// pieces that says the same in words.
type gantt struct {
	// Label sums the chart up for screen readers.
	Label         string
	Width, Height float64
	// The timeline runs from Left to Right; lanes start at Top.
	Left, Right, Top float64
	Lanes            []ganttRow
	Days             []ganttDay
	Bars             []ganttBar
	// Now is the "now" line, nil when now is outside the window.
	Now *ganttDay
	// Empty says so when nothing in the window is planned.
	Empty        string
	EmptX, EmptY float64
	Pieces       []ganttPiece
}

type ganttRow struct {
	Y, H, TextX, TextY float64
	Class              string
	// Text is the label as drawn, shortened to fit; Title the full label.
	Text, Title string
}

// ganttDay is a vertical line at X with a label centred at LabelX;
// an empty Text draws the line alone.
type ganttDay struct {
	X, LabelX, LabelY float64
	Text              string
}

type ganttBar struct {
	X, Y, W, H   float64
	TextX, TextY float64
	Class, Href  string
	// Title is said on hover and read aloud; Text is drawn, in TextClass.
	Title, Text, TextClass string

	lane  int
	label string
	late  bool
}

// ganttPiece is one row of the list beside the chart.
type ganttPiece struct {
	Subject, Href            string
	Finish, Likely, Promised string
	Late                     bool
}

const (
	ganttWidth  = 960
	ganttLeft   = 150
	ganttRight  = 950
	ganttTop    = 28
	ganttLaneH  = 34
	ganttGap    = 8 // between the people and the ovens
	ganttMinW   = 2 // a bar is never thinner than this
	ganttCharW  = 6.4
	ganttDayMin = 56 // the width a day label of 10 px text needs, with a gap
)

// buildGantt lays the plan out. Pure: the window, the lanes and the
// studio's zone all come in with in.
func buildGantt(in ganttInput) gantt {
	loc := in.Location
	if loc == nil {
		loc = time.UTC
	}
	from, to := in.From, in.To
	if from.IsZero() {
		from = in.Result.Now
	}
	if !to.After(from) {
		to = from.Add(14 * 24 * time.Hour)
	}
	g := gantt{Width: ganttWidth, Left: ganttLeft, Right: ganttRight, Top: ganttTop}
	b := ganttBuilder{g: &g, in: in, loc: loc, from: from, to: to, lane: map[string]int{}}
	b.lanes()
	b.days()
	b.steps()
	b.bakes()
	b.labels()
	b.list()
	g.Label = b.summary()
	if !in.Result.Now.Before(from) && in.Result.Now.Before(to) {
		x := b.x(in.Result.Now)
		g.Now = &ganttDay{X: x, LabelX: x, LabelY: ganttTop - 4, Text: "now"}
	}
	if len(g.Bars) == 0 {
		g.Empty = fmt.Sprintf("Nothing is planned %s.", b.span())
		g.EmptX = round1((ganttLeft + ganttRight) / 2)
		g.EmptY = round1(ganttTop + ganttLaneH/2 + 4)
	}
	return g
}

type ganttBuilder struct {
	g        *gantt
	in       ganttInput
	loc      *time.Location
	from, to time.Time
	// lane maps "person:ID" and "oven:ID" to an index in g.Lanes.
	lane map[string]int
}

// lanes lays out the people, a lane for work nobody is named for when
// the plan has some, then the ovens.
func (b *ganttBuilder) lanes() {
	y := float64(ganttTop)
	add := func(key, class, kind string, l ganttLane) {
		b.lane[key] = len(b.g.Lanes)
		label := ganttClean(l.Label)
		b.g.Lanes = append(b.g.Lanes, ganttRow{Y: y, H: ganttLaneH, TextX: ganttLeft - 8, TextY: round1(y + ganttLaneH/2 + 4),
			Class: class, Text: ganttFit(label, ganttLeft-12), Title: kind + ": " + label})
		y += ganttLaneH
	}
	for _, p := range b.in.People {
		add("person:"+p.ID, "gantt-lane gantt-person", "Person", p)
	}
	if b.unassigned() {
		add("person:", "gantt-lane gantt-person", "Person", ganttLane{Label: "Not assigned"})
	}
	if len(b.in.People) > 0 && len(b.in.Ovens) > 0 {
		y += ganttGap
	}
	for _, o := range b.in.Ovens {
		add("oven:"+o.ID, "gantt-lane gantt-oven", "Oven", o)
	}
	if len(b.g.Lanes) == 0 {
		y += ganttLaneH // room for the empty-state message
	}
	b.g.Height = y + 8
}

// unassigned: some work step names nobody among People.
func (b *ganttBuilder) unassigned() bool {
	for _, f := range b.in.Result.Pieces {
		for _, s := range f.Steps {
			if s.Kind == plan.Work && !slices.ContainsFunc(b.in.People, func(l ganttLane) bool { return l.ID == s.Who }) {
				return true
			}
		}
	}
	return false
}

// days draws a line at each midnight in the studio's zone and labels the
// days, every one when they are wide enough, else every second or more.
func (b *ganttBuilder) days() {
	perDay := (ganttRight - ganttLeft) / (b.to.Sub(b.from).Hours() / 24)
	every := max(1, int(math.Ceil(ganttDayMin/perDay)))
	y, m, d := b.from.In(b.loc).Date()
	for i := 0; ; i++ {
		start := time.Date(y, m, d+i, 0, 0, 0, 0, b.loc)
		if !start.Before(b.to) {
			return
		}
		end := time.Date(y, m, d+i+1, 0, 0, 0, 0, b.loc)
		x0, x1 := b.x(ganttLater(start, b.from)), b.x(ganttEarlier(end, b.to))
		day := ganttDay{X: x0, LabelX: round1((x0 + x1) / 2), LabelY: ganttTop - 10}
		if i%every == 0 && x1-x0 >= math.Min(ganttDayMin, perDay)-1 {
			day.Text = start.Format("Mon 2 Jan")
		}
		if start.Before(b.from) && day.Text == "" {
			continue // no line at the window's edge, and no label
		}
		b.g.Days = append(b.g.Days, day)
	}
}

// steps draws each piece's work on its person's lane and its drying as a
// thin hatched bar under the lane of whoever worked on it last: the coat
// is theirs to come back to. Bakes are drawn from Result.Bakes, once per
// batch, so the pieces' baking steps are not drawn again.
func (b *ganttBuilder) steps() {
	for _, f := range b.in.Result.Pieces {
		late := b.lateNote(f)
		for i, s := range f.Steps {
			var who string
			switch s.Kind {
			case plan.Work:
				who = s.Who
			case plan.Drying:
				var ok bool
				if who, ok = ganttDryingLane(f.Steps, i); !ok {
					continue
				}
			default:
				continue
			}
			lane, ok := b.lane["person:"+who]
			if !ok {
				lane = b.lane["person:"]
			}
			subject := b.subject(f.PieceID)
			what := s.Stage.Label()
			class := "gantt-bar gantt-work"
			if s.Kind == plan.Drying {
				what += ", a coat drying"
				class = "gantt-bar gantt-dry"
			}
			title := subject + ": " + what + ", " + b.when(s.Start, s.End) + late
			b.bar(lane, s.Start, s.End, class, late != "", b.in.Links[f.PieceID], title, subject)
		}
	}
}

// ganttDryingLane is the person who did the work before the drying step at i,
// else the one who does the work after it (a coat already drying when the
// plan starts); false when the piece has no work left either side.
func ganttDryingLane(steps []plan.Step, i int) (string, bool) {
	for j := i - 1; j >= 0; j-- {
		if steps[j].Kind == plan.Work {
			return steps[j].Who, true
		}
	}
	for _, s := range steps[i+1:] {
		if s.Kind == plan.Work {
			return s.Who, true
		}
	}
	return "", false
}

// bakes draws one bar per batch on its oven's lane.
func (b *ganttBuilder) bakes() {
	for i, bk := range b.in.Result.Bakes {
		lane, ok := b.lane["oven:"+bk.OvenID]
		if !ok {
			continue
		}
		text := fmt.Sprintf("%s · %s", ganttCount(len(bk.PieceIDs), "piece", "pieces"), b.temperature(bk.TargetC))
		var subjects, late []string
		for _, id := range bk.PieceIDs {
			subjects = append(subjects, b.subject(id))
			if f, ok := b.forecast(id); ok && f.Late {
				late = append(late, b.subject(id))
			}
		}
		title := text + ", " + b.bakeStage(i) + b.when(bk.Start, bk.End) + ": " + strings.Join(subjects, ", ")
		if len(late) > 0 {
			title += ". Late: " + strings.Join(late, ", ")
		}
		var href string
		if len(bk.PieceIDs) == 1 {
			href = b.in.Links[bk.PieceIDs[0]]
		}
		b.bar(lane, bk.Start, bk.End, "gantt-bar gantt-bake", len(late) > 0, href, title, text)
	}
}

// bakeStage names the stage a bake serves, from its pieces' steps.
func (b *ganttBuilder) bakeStage(bake int) string {
	for _, f := range b.in.Result.Pieces {
		for _, s := range f.Steps {
			if s.Kind == plan.Baking && s.Bake == bake {
				return s.Stage.Label() + ", "
			}
		}
	}
	return ""
}

// bar adds a bar clipped to the window, at least ganttMinW wide, or
// nothing when it lies wholly outside.
func (b *ganttBuilder) bar(lane int, start, end time.Time, class string, late bool, href, title, text string) {
	if !start.Before(b.to) || end.Before(b.from) || end.Equal(b.from) && start.Before(end) {
		return
	}
	x0, x1 := b.x(ganttLater(start, b.from)), b.x(ganttEarlier(end, b.to))
	if x1-x0 < ganttMinW {
		x1 = x0 + ganttMinW
		if x1 > ganttRight {
			x0, x1 = ganttRight-ganttMinW, ganttRight
		}
	}
	row := b.g.Lanes[lane]
	y, h := row.Y+4, float64(18)
	if strings.Contains(class, "gantt-dry") {
		y, h = row.Y+25, 6
	}
	if late {
		class += " gantt-late"
		text = "! " + text
	}
	bar := ganttBar{X: x0, Y: y, W: round1(x1 - x0), H: h, Class: class, Href: href, Title: title, lane: lane}
	if h > 10 {
		bar.label, bar.late = text, late
	}
	b.g.Bars = append(b.g.Bars, bar)
}

// labels writes each bar's label inside it when it fits, else after it
// when the lane is free that far, else a late bar's "!" alone: at two
// weeks to the chart a bake of two hours is 5 units wide.
func (b *ganttBuilder) labels() {
	for i := range b.g.Bars {
		bar := &b.g.Bars[i]
		if bar.label == "" {
			continue
		}
		bar.TextY = round1(bar.Y + bar.H/2 + 4)
		if bar.Text = ganttFit(bar.label, bar.W-6); bar.Text != "" {
			bar.TextX, bar.TextClass = round1(bar.X+3), "gantt-bar-label"
			continue
		}
		end := round1(bar.X + bar.W)
		next := float64(ganttRight)
		for _, o := range b.g.Bars {
			if o.lane == bar.lane && o.H == bar.H && o.X >= end && o.X < next {
				next = o.X
			}
		}
		if bar.Text = ganttFit(bar.label, next-end-6); bar.Text != "" {
			bar.TextX, bar.TextClass = round1(end+3), "gantt-bar-label gantt-outside"
		} else if bar.late && bar.W >= 8 {
			bar.Text, bar.TextX, bar.TextClass = "!", round1(bar.X+bar.W/2-2), "gantt-bar-label gantt-mark"
		}
	}
}

// list is the plan in words: each piece, sorted by when it is done.
func (b *ganttBuilder) list() {
	pieces := slices.Clone(b.in.Result.Pieces)
	slices.SortStableFunc(pieces, func(p, q plan.Forecast) int {
		switch {
		case p.Finish.IsZero() != q.Finish.IsZero():
			return map[bool]int{true: 1, false: -1}[p.Finish.IsZero()]
		}
		return p.Finish.Compare(q.Finish)
	})
	for _, f := range pieces {
		row := ganttPiece{Subject: b.subject(f.PieceID), Href: b.in.Links[f.PieceID], Late: f.Late,
			Finish: "not planned", Likely: "—", Promised: "no promise"}
		if !f.Finish.IsZero() {
			row.Finish = b.moment(f.Finish)
		}
		if !f.P90.IsZero() {
			row.Likely = b.day(f.P90)
		}
		if !f.Due.IsZero() {
			row.Promised = b.day(f.Due.Add(-time.Second))
		}
		b.g.Pieces = append(b.g.Pieces, row)
	}
}

func (b *ganttBuilder) summary() string {
	late := 0
	for _, f := range b.in.Result.Pieces {
		if f.Late {
			late++
		}
	}
	return fmt.Sprintf("Plan %s: %s, %s, %s, %d late", b.span(),
		ganttCount(len(b.in.People), "person", "people"), ganttCount(len(b.in.Ovens), "oven", "ovens"),
		ganttCount(len(b.in.Result.Pieces), "piece", "pieces"), late)
}

// span names the window: "for the next 14 days" from now, else its dates.
func (b *ganttBuilder) span() string {
	days := int(math.Round(b.to.Sub(b.from).Hours() / 24))
	if b.from.Equal(b.in.Result.Now) && days >= 1 {
		if days == 1 {
			return "for the next day"
		}
		return fmt.Sprintf("for the next %d days", days)
	}
	return "from " + b.day(b.from) + " to " + b.day(b.to.Add(-time.Second))
}

// lateNote ends a late piece's bar titles.
func (b *ganttBuilder) lateNote(f plan.Forecast) string {
	if !f.Late {
		return ""
	}
	if f.Due.IsZero() {
		return ". Late"
	}
	return ". Late: promised by " + b.day(f.Due.Add(-time.Second))
}

func (b *ganttBuilder) x(t time.Time) float64 {
	frac := float64(t.Sub(b.from)) / float64(b.to.Sub(b.from))
	return round1(ganttLeft + frac*(ganttRight-ganttLeft))
}

func (b *ganttBuilder) subject(id string) string {
	if s := ganttClean(b.in.Subjects[id]); s != "" {
		return s
	}
	return "Piece " + ganttClean(id)
}

func (b *ganttBuilder) forecast(id string) (plan.Forecast, bool) {
	i := slices.IndexFunc(b.in.Result.Pieces, func(f plan.Forecast) bool { return f.PieceID == id })
	if i < 0 {
		return plan.Forecast{}, false
	}
	return b.in.Result.Pieces[i], true
}

func (b *ganttBuilder) temperature(c int) string {
	if c <= 0 {
		return "temperature unknown"
	}
	if b.in.Unit == studio.Fahrenheit {
		return fmt.Sprintf("%.0f °F", studio.CToF(float64(c)))
	}
	return fmt.Sprintf("%d °C", c)
}

// day is "Tue 8 Dec"; moment "Tue 8 Dec 13:00"; when a stretch, "Tue 8
// Dec 09:00–13:00", or "Tue 8 Dec 16:00 – Wed 9 Dec 11:00" across days.
func (b *ganttBuilder) day(t time.Time) string    { return t.In(b.loc).Format("Mon 2 Jan") }
func (b *ganttBuilder) moment(t time.Time) string { return t.In(b.loc).Format("Mon 2 Jan 15:04") }

func (b *ganttBuilder) when(start, end time.Time) string {
	if b.day(start) == b.day(end) {
		return b.moment(start) + "–" + end.In(b.loc).Format("15:04")
	}
	return b.moment(start) + " – " + b.moment(end)
}

func ganttCount(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// ganttClean drops control characters, which XML may not carry, and trims.
func ganttClean(s string) string {
	return strings.TrimSpace(strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == utf8.RuneError {
			return ' '
		}
		return r
	}, s))
}

// ganttFit shortens s with an ellipsis to about width units of 11 px text;
// "" when not even three letters fit.
func ganttFit(s string, width float64) string {
	n := int(width / ganttCharW)
	if n < 3 {
		return ""
	}
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:n-1])) + "…"
}

func ganttLater(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func ganttEarlier(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// SVG is the chart alone; List the table of pieces alone; HTML both, the
// chart in a box that scrolls sideways on a phone.
func (g gantt) SVG() (template.HTML, error)  { return g.render("gantt-svg") }
func (g gantt) List() (template.HTML, error) { return g.render("gantt-list") }
func (g gantt) HTML() (template.HTML, error) { return g.render("gantt") }

func (g gantt) render(name string) (template.HTML, error) {
	var buf bytes.Buffer
	if err := ganttTemplate.ExecuteTemplate(&buf, name, g); err != nil {
		return "", fmt.Errorf("web: gantt: %w", err)
	}
	return template.HTML(buf.String()), nil
}

var ganttTemplate = template.Must(template.New("gantt.go").Parse(`
{{- define "gantt" -}}
<div class="gantt"><div class="gantt-scroll">{{template "gantt-svg" .}}</div>{{template "gantt-list" .}}</div>
{{- end}}

{{- define "gantt-svg" -}}
<svg class="gantt-chart" viewBox="0 0 {{.Width}} {{.Height}}" role="group" aria-label="{{.Label}}" xmlns="http://www.w3.org/2000/svg">
<defs><pattern id="gantt-hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect class="gantt-hatch-bg" width="6" height="6"/><line class="gantt-hatch-line" x1="0" y1="0" x2="0" y2="6"/></pattern></defs>
{{range .Lanes}}<g class="{{.Class}}"><rect x="0" y="{{.Y}}" width="{{$.Width}}" height="{{.H}}"/><text class="gantt-lane-label" x="{{.TextX}}" y="{{.TextY}}" text-anchor="end"><title>{{.Title}}</title>{{.Text}}</text></g>
{{end -}}
{{range .Days}}<line class="gantt-day" x1="{{.X}}" x2="{{.X}}" y1="{{$.Top}}" y2="{{$.Height}}"/>
{{end -}}
{{range .Days}}{{if .Text}}<text class="gantt-day-label" x="{{.LabelX}}" y="{{.LabelY}}" text-anchor="middle">{{.Text}}</text>
{{end}}{{end -}}
{{range .Bars}}{{if .Href}}<a href="{{.Href}}">{{else}}<g>{{end}}<title>{{.Title}}</title><rect class="{{.Class}}" x="{{.X}}" y="{{.Y}}" width="{{.W}}" height="{{.H}}" rx="3"/>{{if .Text}}<text class="{{.TextClass}}" x="{{.TextX}}" y="{{.TextY}}">{{.Text}}</text>{{end}}{{if .Href}}</a>{{else}}</g>{{end}}
{{end -}}
{{with .Now}}<line class="gantt-now" x1="{{.X}}" x2="{{.X}}" y1="{{$.Top}}" y2="{{$.Height}}"/><text class="gantt-now-label" x="{{.LabelX}}" y="{{.LabelY}}" text-anchor="middle">{{.Text}}</text>
{{end -}}
{{with .Empty}}<text class="gantt-empty" x="{{$.EmptX}}" y="{{$.EmptY}}" text-anchor="middle">{{.}}</text>
{{end -}}
</svg>
{{- end}}

{{- define "gantt-list" -}}
{{if .Pieces}}<table class="list gantt-list">
<caption class="sr-only">The plan, piece by piece</caption>
<thead><tr><th scope="col">Piece</th><th scope="col">Planned to be done</th><th scope="col">Done by, 9 times in 10</th><th scope="col">Promised</th></tr></thead>
<tbody>
{{range .Pieces}}<tr{{if .Late}} class="gantt-late"{{end}}><th scope="row">{{if .Href}}<a href="{{.Href}}">{{.Subject}}</a>{{else}}{{.Subject}}{{end}}</th><td data-label="Planned to be done">{{.Finish}}</td><td data-label="Done by, 9 times in 10">{{.Likely}}</td><td data-label="Promised">{{.Promised}}{{if .Late}} <strong class="gantt-late-flag">! Late</strong>{{end}}</td></tr>
{{end}}</tbody>
</table>
{{- else}}<p class="empty">No open pieces to plan.</p>{{end}}
{{- end}}
`))
