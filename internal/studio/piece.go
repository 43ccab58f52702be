package studio

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// Stage is where a piece is in the production pipeline.
type Stage string

const (
	Concept        Stage = "concept"
	Armature       Stage = "armature"
	Sculpt         Stage = "sculpt"
	Texture        Stage = "texture"
	FirstBake      Stage = "first_bake"
	Sanding        Stage = "sanding"
	ColourPlan     Stage = "colour_plan"
	Paint          Stage = "paint"
	Finish         Stage = "finish"
	Mount          Stage = "mount"
	QC             Stage = "qc"
	CollectorGrade Stage = "collector_grade"
	Delivered      Stage = "delivered"
)

// Stages lists the pipeline in order.
var Stages = []Stage{Concept, Armature, Sculpt, Texture, FirstBake, Sanding, ColourPlan, Paint, Finish, Mount, QC, CollectorGrade, Delivered}

// Index is the stage's position in the pipeline, -1 when unknown.
func (s Stage) Index() int { return slices.Index(Stages, s) }

// Valid reports whether s is a stage of the pipeline.
func (s Stage) Valid() bool { return s.Index() >= 0 }

// Next is the stage after s, or "" at the end.
func (s Stage) Next() Stage {
	if i := s.Index(); i >= 0 && i+1 < len(Stages) {
		return Stages[i+1]
	}
	return ""
}

// Label is the stage's name for people.
func (s Stage) Label() string {
	switch s {
	case FirstBake:
		return "First bake"
	case ColourPlan:
		return "Colour plan"
	case QC:
		return "Quality control"
	case CollectorGrade:
		return "Collector-grade"
	}
	return strings.ToUpper(string(s[:1])) + string(s[1:])
}

// Piece is one miniature in the making.
type Piece struct {
	ID           string
	StudioID     string
	CommissionID string
	EditionID    string
	// EditionNumber is the piece's number n of its edition's N.
	EditionNumber  int
	Subject        string
	ClayBrands     []string
	TargetHeightMM float64
	MaxThicknessMM *float64
	HeightMM       *float64
	WidthMM        *float64
	DepthMM        *float64
	// FoilSharePct estimates how much of the volume the armature's foil
	// core fills, for the clay estimate.
	FoilSharePct *float64
	Stage        Stage
	// Pass counts the entries into the current stage: sanding and coats
	// start afresh with each.
	Pass      int
	CreatedAt time.Time
	UpdatedAt time.Time
}

// NewPieceFields is what it takes to start a piece.
type NewPieceFields struct {
	Subject      string
	CommissionID string
	EditionID    string
	// EditionNumber is given by the edition's numbering, never by a request.
	EditionNumber  int
	ClayBrands     []string
	TargetHeightMM float64
	MaxThicknessMM *float64
}

// Validate checks a new piece; knownBrands are the clay keys the studio has.
func (n *NewPieceFields) Validate(knownBrands []string) error {
	f := Fields{}
	n.Subject = strings.TrimSpace(n.Subject)
	f.Text("subject", n.Subject, TitleText)
	f.Text("commission_id", n.CommissionID, IDText)
	f.Text("edition_id", n.EditionID, IDText)
	checkBrands(f, n.ClayBrands, knownBrands)
	checkLength(f, "target_height_mm", &n.TargetHeightMM, true)
	checkThickness(f, n.MaxThicknessMM)
	return f.Err()
}

func checkBrands(f Fields, brands, known []string) {
	seen := map[string]bool{}
	for _, b := range brands {
		switch {
		case !slices.Contains(known, b):
			f.Add("clay_brands", fmt.Sprintf("%s is not one of the studio's clays (%s)", Quote(b), strings.Join(known, ", ")))
		case seen[b]:
			f.Add("clay_brands", Quote(b)+" is listed twice")
		}
		seen[b] = true
	}
}

// checkLength refuses negative, zero and absurd sizes: a 3-metre miniature
// is a typo.
func checkLength(f Fields, field string, mm *float64, required bool) {
	switch {
	case mm == nil && required:
		f.Add(field, "is required")
	case mm == nil:
	case *mm <= 0 || *mm != *mm:
		f.Add(field, "must be more than 0 mm")
	case *mm > MaxHeightMM:
		f.Add(field, fmt.Sprintf("must be at most %d mm: this is a miniature", MaxHeightMM))
	}
}

func checkThickness(f Fields, mm *float64) {
	if mm != nil && (*mm <= 0 || *mm > 100) {
		f.Add("max_thickness_mm", "must be between 0 and 100 mm")
	}
}

// PieceUpdate holds the editable fields; nil leaves a field as it is.
type PieceUpdate struct {
	Subject        *string
	ClayBrands     *[]string
	TargetHeightMM *float64
	MaxThicknessMM *float64
	HeightMM       *float64
	WidthMM        *float64
	DepthMM        *float64
	FoilSharePct   *float64
}

// Apply returns p with the update applied and checked.
func (u PieceUpdate) Apply(p Piece, knownBrands []string) (Piece, error) {
	f := Fields{}
	if u.Subject != nil {
		p.Subject = strings.TrimSpace(*u.Subject)
		f.Text("subject", p.Subject, TitleText)
	}
	if u.ClayBrands != nil {
		p.ClayBrands = *u.ClayBrands
		checkBrands(f, p.ClayBrands, knownBrands)
	}
	if u.TargetHeightMM != nil {
		p.TargetHeightMM = *u.TargetHeightMM
		checkLength(f, "target_height_mm", &p.TargetHeightMM, true)
	}
	if u.MaxThicknessMM != nil {
		p.MaxThicknessMM = u.MaxThicknessMM
		checkThickness(f, p.MaxThicknessMM)
	}
	if u.FoilSharePct != nil {
		p.FoilSharePct = u.FoilSharePct
		if v := *u.FoilSharePct; v < 0 || v > 90 || v != v {
			f.Add("foil_share_pct", "must be from 0 to 90 per cent: the clay needs room around the core")
		}
	}
	for _, d := range []struct {
		field string
		src   *float64
		dst   **float64
	}{{"height_mm", u.HeightMM, &p.HeightMM}, {"width_mm", u.WidthMM, &p.WidthMM}, {"depth_mm", u.DepthMM, &p.DepthMM}} {
		if d.src != nil {
			*d.dst = d.src
			checkLength(f, d.field, d.src, false)
		}
	}
	if h := p.Height(); p.MaxThicknessMM != nil && *p.MaxThicknessMM > h {
		f.Add("max_thickness_mm", fmt.Sprintf("cannot be more than the piece's height, %s", FormatLength(h, Metric)))
	}
	return p, f.Err()
}

// Height is the piece's measured height, or its target until measured.
func (p Piece) Height() float64 {
	if p.HeightMM != nil {
		return *p.HeightMM
	}
	return p.TargetHeightMM
}
