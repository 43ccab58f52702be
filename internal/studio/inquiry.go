package studio

import (
	"strings"
	"unicode/utf8"
)

// InquiryFields is what a client tells the studio in the questionnaire.
type InquiryFields struct {
	SubjectName        string
	Relationship       string
	Occasion           string
	Pose               string
	Clothing           string
	Props              string
	Story              string
	TargetHeightMM     *float64
	BaseWishes         string
	BoxWishes          string
	Deadline           string // YYYY-MM-DD
	BudgetCents        *int64
	ContactName        string
	ContactEmail       string
	ConsentShowProcess bool
}

// DefaultTargetHeightMM is a figure of the guide's typical 1–2 in.
const DefaultTargetHeightMM = 38.1

// Sizes a miniature may plausibly have: a 3-metre miniature is a typo.
const (
	MinHeightMM = 5
	MaxHeightMM = 300
)

// Validate checks the questionnaire and normalises it; today is the date in
// the studio's time zone.
func (in *InquiryFields) Validate(today string) error {
	f := Fields{}
	for _, t := range []struct {
		name     string
		v        *string
		max      int
		required bool
	}{
		{"subject_name", &in.SubjectName, 200, true}, {"relationship", &in.Relationship, 200, false},
		{"occasion", &in.Occasion, 200, false}, {"pose", &in.Pose, 2000, false}, {"clothing", &in.Clothing, 2000, false},
		{"props", &in.Props, 2000, false}, {"story", &in.Story, 10000, false}, {"base_wishes", &in.BaseWishes, 2000, false},
		{"box_wishes", &in.BoxWishes, 2000, false}, {"contact_name", &in.ContactName, 200, true},
	} {
		*t.v = strings.TrimSpace(*t.v)
		switch {
		case t.required && *t.v == "":
			f.Add(t.name, "is required")
		case utf8.RuneCountInString(*t.v) > t.max:
			f.Add(t.name, "must be at most "+itoa(t.max)+" characters")
		case !utf8.ValidString(*t.v) || strings.ContainsRune(*t.v, 0):
			f.Add(t.name, "must be text")
		}
	}
	in.ContactEmail = NormalizeEmail(in.ContactEmail)
	if why := EmailProblem(in.ContactEmail); why != "" {
		f.Add("contact_email", why)
	}
	if in.TargetHeightMM != nil {
		if h := *in.TargetHeightMM; h < MinHeightMM || h > MaxHeightMM || h != h {
			f.Add("target_height_mm", "must be between "+itoa(MinHeightMM)+" and "+itoa(MaxHeightMM)+" mm")
		}
	}
	if in.Deadline != "" {
		if why := DateProblem(in.Deadline, today, true); why != "" {
			f.Add("deadline", why)
		}
	}
	if in.BudgetCents != nil && *in.BudgetCents < 0 {
		f.Add("budget_cents", "cannot be negative")
	}
	return f.Err()
}

// Angle is the view a reference photo shows.
type Angle string

const (
	Front        Angle = "front"
	LeftProfile  Angle = "left_profile"
	RightProfile Angle = "right_profile"
	ThreeQuarter Angle = "three_quarter"
	Back         Angle = "back"
	OtherAngle   Angle = "other"
)

// Angles lists the angles in the order the gallery shows them.
var Angles = []Angle{Front, LeftProfile, RightProfile, ThreeQuarter, Back, OtherAngle}

// Valid reports whether a is a known angle.
func (a Angle) Valid() bool {
	for _, x := range Angles {
		if a == x {
			return true
		}
	}
	return false
}

// MissingAngles tells what a reference set lacks to be complete: a front
// view, a profile (either side) and a three-quarter view.
func MissingAngles(have []Angle) []string {
	has := map[Angle]bool{}
	for _, a := range have {
		has[a] = true
	}
	missing := []string{}
	if !has[Front] {
		missing = append(missing, "front")
	}
	if !has[LeftProfile] && !has[RightProfile] {
		missing = append(missing, "profile")
	}
	if !has[ThreeQuarter] {
		missing = append(missing, "three_quarter")
	}
	return missing
}
