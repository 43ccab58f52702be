package web

import (
	"fmt"
	"math"
)

// chart is a small line chart drawn on the server as SVG: the page needs
// no script to show it, and the CSP no inline style (colours come from
// classes in app.css). Coordinates are in the viewBox's units.
type chart struct {
	// ID names the chart's element; Label says in words what the chart
	// shows, for screen readers.
	ID, Label     string
	Width, Height float64
	// The plotting area inside the margins.
	Left, Top, Right, Bottom float64
	XLabel, YLabel           string
	Band                     *chartBand
	Lines                    []chartLine
	Points                   []chartPoint
	// Trace joins the points, in order ("x,y x,y …"); empty draws none.
	Trace      string
	XTicks     []chartTick
	YTicks     []chartTick
	xMin, xMax float64
	yMin, yMax float64
}

func (c *chart) PlotWidth() float64  { return c.Right - c.Left }
func (c *chart) PlotHeight() float64 { return c.Bottom - c.Top }
func (c *chart) TickX() float64      { return c.Left - 6 }
func (c *chart) TickY() float64      { return c.Bottom + 16 }
func (c *chart) AxisY() float64      { return c.Height - 4 }
func (c *chart) MidX() float64       { return round1((c.Left + c.Right) / 2) }
func (c *chart) MidY() float64       { return round1((c.Top + c.Bottom) / 2) }

type chartBand struct {
	Y, H  float64
	Label string
}

type chartLine struct {
	X1, Y1, X2, Y2 float64
	Class, Label   string
}

type chartPoint struct {
	X, Y  float64
	Class string
	// Title is the point's value in words, shown on hover and read aloud.
	Title string
}

type chartTick struct {
	At   float64
	Text string
}

// newChart lays out a chart of the given data range, widened to round
// numbers so that the ticks read well.
func newChart(label, xLabel, yLabel string, xMin, xMax, yMin, yMax float64) *chart {
	c := &chart{ID: "chart", Label: label, XLabel: xLabel, YLabel: yLabel, Width: 360, Height: 220, Left: 44, Top: 12, Right: 348, Bottom: 184}
	c.xMin, c.xMax = niceRange(xMin, xMax)
	c.yMin, c.yMax = niceRange(yMin, yMax)
	for _, v := range ticks(c.xMin, c.xMax) {
		c.XTicks = append(c.XTicks, chartTick{At: c.x(v), Text: fmt.Sprintf("%g", v)})
	}
	for _, v := range ticks(c.yMin, c.yMax) {
		c.YTicks = append(c.YTicks, chartTick{At: c.y(v), Text: fmt.Sprintf("%g", v)})
	}
	return c
}

func (c *chart) x(v float64) float64 {
	return round1(c.Left + (v-c.xMin)/(c.xMax-c.xMin)*(c.Right-c.Left))
}

func (c *chart) y(v float64) float64 {
	return round1(c.Bottom - (v-c.yMin)/(c.yMax-c.yMin)*(c.Bottom-c.Top))
}

// clampY keeps a value inside the plotted range.
func (c *chart) clampY(v float64) float64 { return math.Max(c.yMin, math.Min(c.yMax, v)) }

func (c *chart) band(lo, hi float64, label string) {
	top, bottom := c.y(c.clampY(hi)), c.y(c.clampY(lo))
	c.Band = &chartBand{Y: top, H: round1(bottom - top), Label: label}
}

// line draws from (x1, y1) to (x2, y2) in data units.
func (c *chart) line(x1, y1, x2, y2 float64, class, label string) {
	c.Lines = append(c.Lines, chartLine{X1: c.x(x1), Y1: c.y(y1), X2: c.x(x2), Y2: c.y(y2), Class: class, Label: label})
}

func (c *chart) point(x, y float64, class, title string) {
	p := chartPoint{X: c.x(x), Y: c.y(y), Class: class, Title: title}
	c.Points = append(c.Points, p)
	if c.Trace != "" {
		c.Trace += " "
	}
	c.Trace += fmt.Sprintf("%g,%g", p.X, p.Y)
}

func round1(v float64) float64 { return math.Round(v*10) / 10 }

// niceRange widens lo..hi to multiples of a round step, never empty.
func niceRange(lo, hi float64) (float64, float64) {
	if hi-lo < 1 {
		lo, hi = lo-5, hi+5
	}
	step := tickStep(lo, hi)
	return math.Floor(lo/step) * step, math.Ceil(hi/step) * step
}

// tickStep is 1, 2 or 5 times a power of ten, giving about five ticks.
func tickStep(lo, hi float64) float64 {
	raw := (hi - lo) / 5
	p := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 5, 10} {
		if m*p >= raw {
			return m * p
		}
	}
	return 10 * p
}

func ticks(lo, hi float64) []float64 {
	step := tickStep(lo, hi)
	var out []float64
	for v := lo; v <= hi+step/1000; v += step {
		out = append(out, math.Round(v/step)*step)
	}
	return out
}
