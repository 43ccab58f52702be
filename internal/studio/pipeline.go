package studio

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
)

// ChecklistItem is one thing to do at a stage, from the guide. Studios
// edit their own list; these are the defaults every studio starts with.
type ChecklistItem struct {
	Stage    Stage
	Key      string
	Label    string
	Required bool
}

// DefaultChecklist is the guide's process, stage by stage.
var DefaultChecklist = []ChecklistItem{
	{Concept, "reference_set", "Reference set complete: front, a profile and a three-quarter view", true},
	{Concept, "silhouette", "Silhouette sketched at the intended scale", true},
	{Concept, "pose", "Pose decided", true},
	{Concept, "props", "Props decided", true},
	{Armature, "wire", "22-gauge copper wire bent for head and neck, slightly smaller than the final size", true},
	{Armature, "foil", "Foil bulk wrapped around the wire", true},
	{Armature, "pinned", "Armature pinned to the work surface", true},
	{Sculpt, "masses", "Major masses blocked out", true},
	{Sculpt, "smoothing", "Smoothing layers to an even ≈2 mm", true},
	{Sculpt, "features", "Features marked from the references", true},
	{Sculpt, "details", "Details added", true},
	{Texture, "skin", "Skin texture pressed with a fine mesh", false},
	{Texture, "hair_strands", "Hair strands drawn", false},
	{ColourPlan, "undertone", "Undertone wash applied", true},
	{ColourPlan, "layers", "Layer strategy noted", true},
	{Paint, "base_coat", "Base coat", true},
	{Paint, "shading", "Shading: eye sockets, under the chin, around the nose", true},
	{Paint, "highlights", "Highlights dry-brushed", true},
	{Paint, "eyes", "Eyes: pupil, sclera, iris", true},
	{Paint, "lips", "Lips", true},
	{Paint, "eye_gloss", "Gloss varnish on the eyes only", true},
	{Paint, "hair", "Hair in thin layered strokes", true},
	{Mount, "base_block", "Glued to a base block (≈½ in cube, wood or acrylic)", true},
	{Mount, "box", "Acid-free box with a foam insert", true},
	{Mount, "label", "Label: artist, subject, dimensions, short story", true},
}

// DefaultGrits is the guide's sanding progression.
var DefaultGrits = []int{400, 600, 800, 1000, 1200, 1500, 2000}

// GritsProblem says why a progression cannot be used, or "".
func GritsProblem(grits []int) string {
	if len(grits) == 0 || len(grits) > 20 {
		return "must list 1 to 20 grits"
	}
	for i, g := range grits {
		if g <= 0 || g > 20000 {
			return fmt.Sprintf("%d is not a sandpaper grit", g)
		}
		if i > 0 && g <= grits[i-1] {
			return fmt.Sprintf("must be strictly ascending: %d follows %d", g, grits[i-1])
		}
	}
	return ""
}

// NextGrit is the grit due after the logged ones of this pass; done when
// the progression is complete.
func NextGrit(progression, logged []int) (due int, done bool) {
	if len(logged) >= len(progression) {
		return 0, true
	}
	return progression[len(logged)], false
}

// CheckGrit refuses a grit that is not the one due: a skipped grit leaves
// scratches that show through the paint.
func CheckGrit(progression, logged []int, grit int) error {
	due, done := NextGrit(progression, logged)
	switch {
	case done:
		return Errorf(Conflict, "This sanding pass is complete (up to %d grit). Advance to the colour plan.", progression[len(progression)-1])
	case grit == due:
		return nil
	case len(logged) > 0 && grit <= logged[len(logged)-1]:
		return &Error{Code: Conflict, Message: fmt.Sprintf("%d grit is a step back; %d grit is due next.", grit, due), Fields: map[string]string{"grit": fmt.Sprintf("%d is due", due)}}
	}
	return &Error{Code: Conflict, Message: fmt.Sprintf("%d grit skips a step; %d grit is due next.", grit, due), Fields: map[string]string{"grit": fmt.Sprintf("%d is due", due)}}
}

// Colour is one colour of a figure's palette.
type Colour struct {
	Name string
	Hex  string
	Role string
}

var hexColour = regexp.MustCompile(`^#[0-9A-Fa-f]{6}$`)

// PaletteRoles are the jobs a colour does in the figure.
var PaletteRoles = []string{"base", "shadow", "highlight", "accent"}

// CheckPalette enforces the guide's limited palette: 3–4 colours per
// figure; more (or fewer, to complete the stage) only with a reason.
func CheckPalette(colours []Colour, reason string) error {
	f := Fields{}
	hexes, names := map[string]bool{}, map[string]bool{}
	for i, c := range colours {
		at := fmt.Sprintf("colors[%d]", i)
		name := strings.ToLower(strings.TrimSpace(c.Name))
		f.Text(at+".name", c.Name, ColourName)
		if names[name] && name != "" {
			f.Add(at+".name", Quote(c.Name)+" is in the palette twice")
		}
		switch h := strings.ToLower(c.Hex); {
		case !hexColour.MatchString(c.Hex):
			f.Add(at+".hex", "must be a colour written #RRGGBB")
		case hexes[h]:
			f.Add(at+".hex", c.Hex+" is in the palette twice")
		}
		if !slices.Contains(PaletteRoles, c.Role) {
			f.Add(at+".role", "must be base, shadow, highlight or accent")
		}
		names[name], hexes[strings.ToLower(c.Hex)] = true, true
	}
	f.Text("override_reason", reason, NoteText)
	if len(colours) > 4 && strings.TrimSpace(reason) == "" {
		f.Add("colors", fmt.Sprintf("%d colours: a figure's palette has 3 or 4; give an override_reason for more", len(colours)))
	}
	return f.Err()
}

// PaletteComplete reports whether the palette lets the colour plan end.
func PaletteComplete(colours []Colour, reason string) bool {
	n := len(colours)
	return n > 0 && ((n >= 3 && n <= 4) || strings.TrimSpace(reason) != "")
}

// CoatKind is a protective finish.
type CoatKind string

const (
	MattePolyurethane CoatKind = "matte_polyurethane"
	GlossPolyurethane CoatKind = "gloss_polyurethane"
	Epoxy             CoatKind = "epoxy"
)

// CoatKinds lists the finishes.
var CoatKinds = []CoatKind{MattePolyurethane, GlossPolyurethane, Epoxy}

// DefaultDryMinutes are the guide's drying times.
var DefaultDryMinutes = map[CoatKind]int{MattePolyurethane: 30, GlossPolyurethane: 30, Epoxy: 24 * 60}

// MaxDryMinutes is a week: anything longer is a typo.
const MaxDryMinutes = 7 * 24 * 60

// Coat is one logged coat of finish.
type Coat struct {
	Kind             CoatKind
	Sanded2000Before bool
	AppliedAt        time.Time
	DryAt            time.Time
}

// NewCoat checks a coat against the ones of this pass and returns it with
// its dry time: not before the previous coat is dry, 2000-grit sanding
// between coats, at most three.
func NewCoat(prev []Coat, kind CoatKind, sanded bool, appliedAt, now time.Time, dryMinutes map[CoatKind]int) (Coat, error) {
	if !slices.Contains(CoatKinds, kind) {
		return Coat{}, FieldError("kind", "must be matte_polyurethane, gloss_polyurethane or epoxy")
	}
	if appliedAt.After(now) {
		return Coat{}, FieldError("applied_at", "cannot be in the future")
	}
	if len(prev) >= 3 {
		return Coat{}, Errorf(Conflict, "Three coats are on; a fourth is too many. Advance to mounting.")
	}
	if len(prev) > 0 {
		last := prev[len(prev)-1]
		if appliedAt.Before(last.DryAt) {
			return Coat{}, &Error{Code: Conflict, Message: wetCoat(last.DryAt, appliedAt, now),
				Data: map[string]any{"ready_at": last.DryAt.UTC()}}
		}
		if !sanded {
			return Coat{}, FieldError("sanded_2000_before", "sand lightly with 2000 grit between coats, then log the coat")
		}
	}
	return Coat{Kind: kind, Sanded2000Before: sanded, AppliedAt: appliedAt, DryAt: appliedAt.Add(time.Duration(dryMinutes[kind]) * time.Minute)}, nil
}

// FinishComplete reports whether the finish stage may end: 2 or 3 coats,
// the last one dry.
func FinishComplete(coats []Coat, now time.Time) bool {
	n := len(coats)
	return n >= 2 && n <= 3 && !coats[n-1].DryAt.After(now)
}

// QCCheck is one of the guide's quality checks, with the stage that fixes
// a failure.
type QCCheck struct {
	Key   string
	Label string
	Fix   Stage
}

// QCChecks are the guide's six quality checks.
var QCChecks = []QCCheck{
	{"proportions", "Proportions match the reference photos", Sculpt},
	{"no_seams", "No visible seams or fingerprints after sanding", Sanding},
	{"even_paint", "Paint layers are even, no brush marks", Paint},
	{"eyes", "Eyes are centred and clear", Paint},
	{"coating", "Protective coating is uniform, no drips", Finish},
	{"no_cracks", "Free of cracks or bubbles", Sculpt},
}

// FailedChecks are the labels of the checks an attempt failed, in the
// guide's order.
func FailedChecks(checks map[string]bool) []string {
	var out []string
	for _, c := range QCChecks {
		if ok, seen := checks[c.Key]; seen && !ok {
			out = append(out, c.Label)
		}
	}
	return out
}

// JudgeQC decides a QC attempt: all six pass → collector-grade; otherwise
// the piece goes back to the earliest stage that fixes a failure.
func JudgeQC(checks map[string]*bool) (next Stage, failed []string, err error) {
	f := Fields{}
	next = CollectorGrade
	for _, c := range QCChecks {
		v, ok := checks[c.Key]
		if !ok || v == nil {
			f.Add("checks."+c.Key, "is required: true or false")
			continue
		}
		if !*v {
			failed = append(failed, c.Key)
			if next == CollectorGrade || c.Fix.Index() < next.Index() {
				next = c.Fix
			}
		}
	}
	for k := range checks {
		if !slices.ContainsFunc(QCChecks, func(c QCCheck) bool { return c.Key == k }) {
			f.Add("checks."+k, "is not one of the six checks")
		}
	}
	return next, failed, f.Err()
}

// StageState is what a piece's current stage has done, for deciding
// whether it may be left.
type StageState struct {
	Piece Piece
	// Open lists the required checklist items of the stage not yet done.
	Open           []ChecklistItem
	Grits          []int
	Progression    []int
	Palette        []Colour
	PaletteReason  string
	Coats          []Coat
	Now            time.Time
	ReferencesDone bool
	// Baked: a bake of the piece planned in this pass has finished and
	// cooled in the oven.
	Baked bool
}

// OpenToLeave lists what keeps a piece in its stage; empty when it may
// advance. Quality control is left only through a QC attempt, and a
// commissioned piece is delivered only with its commission.
func OpenToLeave(s StageState) []string {
	var open []string
	for _, it := range s.Open {
		open = append(open, it.Label)
	}
	p := s.Piece
	switch p.Stage {
	case Texture:
		// The bake needs to know what is baked and how thick it is.
		if len(p.ClayBrands) == 0 {
			open = append(open, "Clay brands: record which clays the piece is made of")
		}
		if p.MaxThicknessMM == nil {
			open = append(open, "Maximum thickness: measure it, the bake time depends on it")
		}
	case FirstBake:
		if !s.Baked {
			open = append(open, "Bake: log a bake of this piece and let it cool at least 10 minutes in the oven")
		}
	case Sanding:
		if due, done := NextGrit(s.Progression, s.Grits); !done {
			open = append(open, fmt.Sprintf("Sanding: %d grit is due next", due))
		}
	case ColourPlan:
		if !PaletteComplete(s.Palette, s.PaletteReason) {
			open = append(open, "Palette: choose 3 or 4 colours (or give a reason for another number)")
		}
	case Finish:
		if !FinishComplete(s.Coats, s.Now) {
			open = append(open, finishOpen(s.Coats, s.Now))
		}
	case Mount:
		if p.HeightMM == nil || p.WidthMM == nil || p.DepthMM == nil {
			open = append(open, "Measured size: height, width and depth of the finished piece (the certificate prints them)")
		}
	case QC:
		open = append(open, "Quality control: record the six checks; passing them makes the piece collector-grade")
	case CollectorGrade:
		if p.CommissionID != "" {
			open = append(open, "Delivery: a commissioned piece is delivered when its commission is marked shipped")
		}
	case Delivered:
		open = append(open, "Delivered is the last stage")
	}
	return open
}

// wetCoat says why a coat cannot go on before the previous one is dry,
// without a time zone: how long until it is dry, or how long after the
// time given it was.
func wetCoat(dryAt, appliedAt, now time.Time) string {
	if dryAt.After(now) {
		return "The previous coat is not dry yet: it is dry " + Relative(dryAt.Sub(now)) + "."
	}
	return "The previous coat was still wet at the time given: it was dry " + strings.TrimPrefix(Relative(dryAt.Sub(appliedAt)), "in ") + " later."
}

func finishOpen(coats []Coat, now time.Time) string {
	switch n := len(coats); {
	case n < 2:
		return fmt.Sprintf("Finish: %d of at least 2 coats", n)
	default:
		return "Finish: the last coat is dry " + Relative(coats[n-1].DryAt.Sub(now))
	}
}
