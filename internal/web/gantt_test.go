package web

import (
	"encoding/xml"
	"math"
	"strconv"
	"strings"
	"testing"
	"time"

	"atelier/internal/plan"
	"atelier/internal/studio"
)

// The studio is at UTC+13 (Auckland in summer), so that a day drawn in
// UTC would be visibly off.
var ganttZone = time.FixedZone("NZDT", 13*3600)

// ganttNow is Monday 7 Dec 2026, 10:00 in the studio.
var ganttNow = time.Date(2026, 12, 7, 10, 0, 0, 0, ganttZone)

// ganttX is where t falls on a 14-day window from ganttNow.
func ganttX(t time.Time) float64 {
	return ganttLeft + t.Sub(ganttNow).Hours()/(14*24)*(ganttRight-ganttLeft)
}

func ganttAt(h float64) time.Time { return ganttNow.Add(time.Duration(h * float64(time.Hour))) }

func ganttFixture() ganttInput {
	work := func(id, who string, stage studio.Stage, from, to float64) plan.Step {
		return plan.Step{PieceID: id, Stage: stage, Kind: plan.Work, Start: ganttAt(from), End: ganttAt(to), Who: who, Bake: -1}
	}
	return ganttInput{
		Result: plan.Result{
			Now: ganttNow,
			Pieces: []plan.Forecast{
				{PieceID: "fox", Finish: ganttAt(80), P90: ganttAt(90), Steps: []plan.Step{
					work("fox", "ann", studio.Sculpt, 0, 4),
					{PieceID: "fox", Stage: studio.FirstBake, Kind: plan.Baking, Start: ganttAt(5), End: ganttAt(7), OvenID: "o1", Bake: 0},
					work("fox", "bea", studio.Paint, 26, 30),
					{PieceID: "fox", Stage: studio.Finish, Kind: plan.Drying, Start: ganttAt(30), End: ganttAt(42), Bake: -1},
					work("fox", "ann", studio.Finish, 42, 44),
				}},
				{PieceID: "owl", Finish: ganttAt(60), P90: ganttAt(70), Due: ganttAt(50), Late: true, Steps: []plan.Step{
					work("owl", "ann", studio.Texture, 4, 5),
					{PieceID: "owl", Stage: studio.FirstBake, Kind: plan.Baking, Start: ganttAt(5), End: ganttAt(7), OvenID: "o1", Bake: 0},
					work("owl", "cy", studio.Mount, 50, 60),
				}},
			},
			Bakes: []plan.Bake{{OvenID: "o1", Start: ganttAt(5), End: ganttAt(7), TargetC: 110, PieceIDs: []string{"fox", "owl", "hare"}}},
		},
		Location: ganttZone,
		People:   []ganttLane{{"ann", "Ann"}, {"bea", "bea@example.com"}, {"cy", "Cy"}},
		Ovens:    []ganttLane{{"o1", "Big oven"}},
		Subjects: map[string]string{"fox": "Fox", "owl": "Owl", "hare": "Hare"},
		Links:    map[string]string{"fox": "/pieces/fox", "owl": "/pieces/owl"},
	}
}

// node is any element of the parsed SVG.
type node struct {
	XMLName xml.Name
	Attrs   []xml.Attr `xml:",any,attr"`
	Text    string     `xml:",chardata"`
	Nodes   []node     `xml:",any"`
}

func (n node) attr(name string) string {
	for _, a := range n.Attrs {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

func (n node) num(t *testing.T, name string) float64 {
	t.Helper()
	v, err := strconv.ParseFloat(n.attr(name), 64)
	if err != nil {
		t.Fatalf("<%s %s=%q>: %v", n.XMLName.Local, name, n.attr(name), err)
	}
	return v
}

func (n node) hasClass(c string) bool { return strings.Contains(" "+n.attr("class")+" ", " "+c+" ") }

// all is every element under n (n too) for which keep says so.
func (n node) all(keep func(node) bool) []node {
	var out []node
	if keep(n) {
		out = append(out, n)
	}
	for _, c := range n.Nodes {
		out = append(out, c.all(keep)...)
	}
	return out
}

func (n node) child(name string) node {
	for _, c := range n.Nodes {
		if c.XMLName.Local == name {
			return c
		}
	}
	return node{}
}

// ganttBar is a drawn bar: its link or group, with its title and rect.
type drawnBar struct {
	Href, Title, Class, Text string
	X, Y, W                  float64
}

// parseGantt renders the chart and fails unless it is well-formed XML.
func parseGantt(t *testing.T, in ganttInput) (node, []drawnBar) {
	t.Helper()
	out, err := buildGantt(in).SVG()
	if err != nil {
		t.Fatal(err)
	}
	var svg node
	if err := xml.Unmarshal([]byte(out), &svg); err != nil {
		t.Fatalf("the chart is not well-formed: %v\n%s", err, out)
	}
	var bars []drawnBar
	for _, g := range svg.Nodes {
		r := g.child("rect")
		if (g.XMLName.Local != "a" && g.XMLName.Local != "g") || !r.hasClass("gantt-bar") {
			continue
		}
		bars = append(bars, drawnBar{Href: g.attr("href"), Title: g.child("title").Text, Class: r.attr("class"),
			Text: g.child("text").Text, X: r.num(t, "x"), Y: r.num(t, "y"), W: r.num(t, "width")})
	}
	return svg, bars
}

// lane is the vertical extent of the lane whose label's title is title.
func lane(t *testing.T, svg node, title string) (top, bottom float64) {
	t.Helper()
	for _, g := range svg.all(func(n node) bool { return n.hasClass("gantt-lane") }) {
		if g.child("text").child("title").Text == title {
			r := g.child("rect")
			return r.num(t, "y"), r.num(t, "y") + r.num(t, "height")
		}
	}
	t.Fatalf("no lane %q", title)
	return 0, 0
}

func barTitled(t *testing.T, bars []drawnBar, prefix string) drawnBar {
	t.Helper()
	for _, b := range bars {
		if strings.HasPrefix(b.Title, prefix) {
			return b
		}
	}
	t.Fatalf("no bar titled %q… among %+v", prefix, bars)
	return drawnBar{}
}

func TestGanttWorkStepLandsInItsPersonsLaneAtItsStart(t *testing.T) {
	svg, bars := parseGantt(t, ganttFixture())
	paint := barTitled(t, bars, "Fox: Paint")
	top, bottom := lane(t, svg, "Person: bea@example.com")
	if paint.Y < top || paint.Y >= bottom {
		t.Errorf("the paint step is at y %g, not in bea's lane %g–%g", paint.Y, top, bottom)
	}
	if want := ganttX(ganttAt(26)); math.Abs(paint.X-want) > 1 {
		t.Errorf("the paint step starts at x %g, want %g", paint.X, want)
	}
	if want := ganttX(ganttAt(30)) - ganttX(ganttAt(26)); math.Abs(paint.W-want) > 1 {
		t.Errorf("the paint step is %g wide, want %g", paint.W, want)
	}
	if paint.Href != "/pieces/fox" || !strings.Contains(paint.Title, "Tue 8 Dec 12:00–16:00") {
		t.Errorf("the paint step links to %q with title %q", paint.Href, paint.Title)
	}
	if !strings.Contains(paint.Class, "gantt-work") {
		t.Errorf("the paint step's class is %q", paint.Class)
	}
}

func TestGanttBakeSitsInItsOvensLaneWithCountAndTemperature(t *testing.T) {
	svg, bars := parseGantt(t, ganttFixture())
	bake := barTitled(t, bars, "3 pieces · 110 °C")
	top, bottom := lane(t, svg, "Oven: Big oven")
	if bake.Y < top || bake.Y >= bottom {
		t.Errorf("the bake is at y %g, not in the oven's lane %g–%g", bake.Y, top, bottom)
	}
	if !strings.Contains(bake.Text, "3 pieces · 110 °C") {
		t.Errorf("the bake's label is %q", bake.Text)
	}
	for _, want := range []string{"First bake", "Fox, Owl, Hare", "Mon 7 Dec 15:00–17:00"} {
		if !strings.Contains(bake.Title, want) {
			t.Errorf("the bake's title %q lacks %q", bake.Title, want)
		}
	}
	if bake.Href != "" {
		t.Errorf("a bake of three pieces links to %q, not to one of them", bake.Href)
	}
	for _, b := range bars {
		if strings.Contains(b.Title, ": First bake") {
			t.Errorf("a piece's baking step is drawn again on its own: %q", b.Title)
		}
	}
}

func TestGanttFahrenheitStudioReadsItsBakesInFahrenheit(t *testing.T) {
	in := ganttFixture()
	in.Unit = studio.Fahrenheit
	_, bars := parseGantt(t, in)
	barTitled(t, bars, "3 pieces · 230 °F")
}

func TestGanttLatePieceBarsCarryTheLateClassAndSayLate(t *testing.T) {
	_, bars := parseGantt(t, ganttFixture())
	for _, b := range bars {
		owl := strings.Contains(b.Title, "Owl")
		late := strings.Contains(b.Class, "gantt-late")
		if owl != late {
			t.Errorf("bar %q has class %q", b.Title, b.Class)
		}
		if owl && !strings.Contains(strings.ToLower(b.Title), "late") {
			t.Errorf("late bar's title %q does not say so", b.Title)
		}
	}
	mount := barTitled(t, bars, "Owl: Mount")
	if !strings.HasPrefix(mount.Text, "!") || !strings.Contains(mount.Title, "Late: promised by Wed 9 Dec") {
		t.Errorf("the late mount step reads %q, titled %q", mount.Text, mount.Title)
	}
}

func TestGanttStepsOutsideTheWindowAreLeftOutOrClipped(t *testing.T) {
	in := ganttFixture()
	in.From, in.To = ganttAt(28), ganttAt(43)
	_, bars := parseGantt(t, in)
	for _, b := range bars {
		if strings.HasPrefix(b.Title, "Fox: Sculpt") || strings.HasPrefix(b.Title, "Owl: Mount") {
			t.Errorf("a step outside the window is drawn: %+v", b)
		}
		if b.X < ganttLeft || b.X+b.W > ganttRight+0.1 {
			t.Errorf("bar %q runs outside the timeline: x %g, width %g", b.Title, b.X, b.W)
		}
	}
	if paint := barTitled(t, bars, "Fox: Paint"); math.Abs(paint.X-ganttLeft) > 0.1 {
		t.Errorf("the paint step begun before the window starts at x %g, not at its left edge", paint.X)
	}
	if finish := barTitled(t, bars, "Fox: Finish, Wed 9 Dec 04:00"); math.Abs(finish.X+finish.W-ganttRight) > 0.1 {
		t.Errorf("the finish step running past the window ends at x %g, not at its right edge", finish.X+finish.W)
	}
}

func TestGanttShortStepIsWidenedToBeSeen(t *testing.T) {
	in := ganttFixture()
	in.Result.Pieces[0].Steps[0].End = ganttAt(1.0 / 60) // one minute
	_, bars := parseGantt(t, in)
	if sculpt := barTitled(t, bars, "Fox: Sculpt"); sculpt.W < 2 {
		t.Errorf("a one-minute step is %g wide", sculpt.W)
	}
}

func TestGanttDryingIsAThinBarOnTheLaneOfWhoeverWorkedBefore(t *testing.T) {
	svg, bars := parseGantt(t, ganttFixture())
	dry := barTitled(t, bars, "Fox: Finish, a coat drying")
	top, bottom := lane(t, svg, "Person: bea@example.com")
	if dry.Y < top || dry.Y >= bottom || !strings.Contains(dry.Class, "gantt-dry") {
		t.Errorf("the drying is at y %g with class %q, want bea's lane %g–%g (she painted)", dry.Y, dry.Class, top, bottom)
	}
}

func TestGanttEscapesSubjectsWithMarkupAndQuotes(t *testing.T) {
	in := ganttFixture()
	in.Subjects["fox"] = `Fox <b>& "Hare's"</b>` + "\x01"
	in.Links["fox"] = `javascript:alert("x")`
	out, err := buildGantt(in).HTML()
	if err != nil {
		t.Fatal(err)
	}
	var page node
	if err := xml.Unmarshal([]byte(out), &page); err != nil {
		t.Fatalf("the chart and list are not well-formed: %v\n%s", err, out)
	}
	if strings.Contains(string(out), "<b>") || strings.Contains(string(out), "javascript:") {
		t.Errorf("markup or a script link came through:\n%s", out)
	}
	_, bars := parseGantt(t, in)
	if paint := barTitled(t, bars, `Fox <b>& "Hare's"</b>: Paint`); paint.Href == `javascript:alert("x")` {
		t.Errorf("the bar links to %q", paint.Href)
	}
}

func TestGanttEmptyPlanDrawsTheLanesAndSaysNothingIsPlanned(t *testing.T) {
	in := ganttFixture()
	in.Result = plan.Result{Now: ganttNow}
	svg, bars := parseGantt(t, in)
	if len(bars) != 0 {
		t.Errorf("an empty plan draws bars: %+v", bars)
	}
	lane(t, svg, "Person: Ann")
	lane(t, svg, "Oven: Big oven")
	empty := svg.all(func(n node) bool { return n.hasClass("gantt-empty") })
	if len(empty) != 1 || !strings.Contains(empty[0].Text, "Nothing is planned for the next 14 days") {
		t.Errorf("the empty state reads %+v", empty)
	}
	list, err := buildGantt(in).List()
	if err != nil || !strings.Contains(string(list), "No open pieces") {
		t.Errorf("the list of an empty plan is %q (%v)", list, err)
	}
	if _, err := buildGantt(ganttInput{}).HTML(); err != nil {
		t.Errorf("a plan with no lanes at all fails: %v", err)
	}
}

func TestGanttSummarisesThePlanForScreenReaders(t *testing.T) {
	svg, _ := parseGantt(t, ganttFixture())
	// A group, not an image: its bars are links to the pieces, and an
	// image may not hold anything to click.
	if svg.attr("role") != "group" {
		t.Errorf("role is %q", svg.attr("role"))
	}
	if got, want := svg.attr("aria-label"), "Plan for the next 14 days: 3 people, 1 oven, 2 pieces, 1 late"; got != want {
		t.Errorf("aria-label is %q, want %q", got, want)
	}
	if !strings.HasPrefix(svg.attr("viewBox"), "0 0 960 ") {
		t.Errorf("viewBox is %q", svg.attr("viewBox"))
	}
}

func TestGanttDayLinesAndLabelsFollowTheStudiosZone(t *testing.T) {
	svg, _ := parseGantt(t, ganttFixture())
	midnight := time.Date(2026, 12, 8, 0, 0, 0, 0, ganttZone)
	var found bool
	for _, l := range svg.all(func(n node) bool { return n.hasClass("gantt-day") }) {
		if math.Abs(l.num(t, "x1")-ganttX(midnight)) <= 1 {
			found = true
		}
	}
	if !found {
		t.Errorf("no day line at the studio's midnight, x %g", ganttX(midnight))
	}
	var labels []string
	for _, l := range svg.all(func(n node) bool { return n.hasClass("gantt-day-label") }) {
		labels = append(labels, l.Text)
	}
	// The window's partial first and last days are too narrow for a label.
	if len(labels) != 13 || labels[0] != "Tue 8 Dec" || labels[12] != "Sun 20 Dec" {
		t.Errorf("day labels are %q", labels)
	}
	now := svg.all(func(n node) bool { return n.hasClass("gantt-now") })
	if len(now) != 1 || math.Abs(now[0].num(t, "x1")-ganttLeft) > 0.1 {
		t.Errorf("the now line is %+v", now)
	}
}

func TestGanttListNamesEachPieceByFinishWithItsLateness(t *testing.T) {
	g := buildGantt(ganttFixture())
	if len(g.Pieces) != 2 || g.Pieces[0].Subject != "Owl" || g.Pieces[1].Subject != "Fox" {
		t.Fatalf("the list is %+v, want Owl (done first) then Fox", g.Pieces)
	}
	owl := g.Pieces[0]
	if !owl.Late || owl.Finish != "Wed 9 Dec 22:00" || owl.Promised != "Wed 9 Dec" || owl.Href != "/pieces/owl" {
		t.Errorf("Owl's row is %+v", owl)
	}
	out, err := g.List()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(out), "! Late") || strings.Count(string(out), `class="gantt-late"`) != 1 {
		t.Errorf("the list does not flag the one late piece in words:\n%s", out)
	}
}

func TestGanttLongWindowLabelsEveryFewDaysWithoutOverlap(t *testing.T) {
	in := ganttFixture()
	in.To = ganttNow.AddDate(0, 0, 60)
	svg, _ := parseGantt(t, in)
	labels := svg.all(func(n node) bool { return n.hasClass("gantt-day-label") })
	if len(labels) < 10 || len(labels) > 20 {
		t.Fatalf("a 60-day window has %d day labels", len(labels))
	}
	for i := 1; i < len(labels); i++ {
		if gap := labels[i].num(t, "x") - labels[i-1].num(t, "x"); gap < ganttDayMin {
			t.Errorf("%q and %q are %g apart", labels[i-1].Text, labels[i].Text, gap)
		}
	}
}
