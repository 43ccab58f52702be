package studio

import (
	"strings"
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

// InquiryText lists the questionnaire's free-text fields with their rules.
var InquiryText = []struct {
	Name string
	Rule TextRule
	of   func(*InquiryFields) *string
}{
	{"subject_name", TitleText, func(in *InquiryFields) *string { return &in.SubjectName }},
	{"relationship", ShortText, func(in *InquiryFields) *string { return &in.Relationship }},
	{"occasion", ShortText, func(in *InquiryFields) *string { return &in.Occasion }},
	{"pose", WishText, func(in *InquiryFields) *string { return &in.Pose }},
	{"clothing", WishText, func(in *InquiryFields) *string { return &in.Clothing }},
	{"props", WishText, func(in *InquiryFields) *string { return &in.Props }},
	{"story", StoryText, func(in *InquiryFields) *string { return &in.Story }},
	{"base_wishes", WishText, func(in *InquiryFields) *string { return &in.BaseWishes }},
	{"box_wishes", WishText, func(in *InquiryFields) *string { return &in.BoxWishes }},
	{"contact_name", TitleText, func(in *InquiryFields) *string { return &in.ContactName }},
}

// Validate checks the questionnaire and normalises it; today is the date in
// the studio's time zone.
func (in *InquiryFields) Validate(today string) error {
	f := Fields{}
	for _, t := range InquiryText {
		v := t.of(in)
		*v = strings.TrimSpace(*v)
		f.Text(t.Name, *v, t.Rule)
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
