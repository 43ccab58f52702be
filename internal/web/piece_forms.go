package web

import (
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"atelier/internal/studio"
)

// newPieceForm is the board's form that starts a piece.
type newPieceForm struct {
	Subject, TargetHeight string
}

func parseNewPieceForm(f url.Values) newPieceForm {
	return newPieceForm{Subject: f.Get("subject"), TargetHeight: f.Get("target_height")}
}

func (newPieceForm) formName(domain string) string { return lengthNames.formName(domain) }

// toFields checks what was typed and gives the domain's fields, the height
// in millimetres. When the height is wrong, the domain's word on the other
// fields comes with it, so that the form shows everything at once.
func (f newPieceForm) toFields(units studio.Units) (studio.NewPieceFields, error) {
	errs := studio.Fields{}
	n := studio.NewPieceFields{Subject: f.Subject}
	if h := parseLength(errs, "target_height", f.TargetHeight, units); h != nil {
		n.TargetHeightMM = *h
	} else if _, bad := errs["target_height"]; !bad {
		errs.Add("target_height", "is required: how tall the figure will be")
	}
	if len(errs) > 0 {
		if e, _, ok := formError(nil, n.Validate(nil)); ok {
			for k, v := range e.Fields {
				if k != "target_height_mm" {
					errs.Add(f.formName(k), v)
				}
			}
		}
	}
	return n, errs.Err()
}

// pieceEditForm is the piece's edit form: what it sent of subject, clays
// and lengths, the lengths typed in the studio's units.
type pieceEditForm struct {
	Subject    *string
	ClayBrands *[]string
	// Typed lengths by the form's field name; absent fields are not sent.
	Lengths map[string]string
}

func parsePieceEditForm(f url.Values) pieceEditForm {
	var form pieceEditForm
	if f.Has("subject") {
		form.Subject = ptr(f.Get("subject"))
	}
	// An empty list of tick boxes sends nothing: the hidden field says the
	// list was on the form.
	if f.Has("clay_brands_shown") {
		form.ClayBrands = ptr(f["clay_brands"])
		if *form.ClayBrands == nil {
			*form.ClayBrands = []string{}
		}
	}
	form.Lengths = map[string]string{}
	for _, name := range lengthNames {
		if f.Has(name) {
			form.Lengths[name] = f.Get(name)
		}
	}
	return form
}

func (pieceEditForm) formName(domain string) string { return lengthNames.formName(domain) }

// toUpdate checks what was typed and gives the domain's update, lengths in
// millimetres; an empty length is left as it is, but the target height is
// required when it is sent.
func (f pieceEditForm) toUpdate(units studio.Units) (studio.PieceUpdate, error) {
	errs := studio.Fields{}
	u := studio.PieceUpdate{Subject: f.Subject, ClayBrands: f.ClayBrands}
	u.TargetHeightMM = parseLength(errs, "target_height", f.Lengths["target_height"], units)
	if _, sent := f.Lengths["target_height"]; sent && u.TargetHeightMM == nil {
		errs.Add("target_height", "is required: how tall the figure will be")
	}
	u.MaxThicknessMM = parseLength(errs, "max_thickness", f.Lengths["max_thickness"], units)
	u.HeightMM = parseLength(errs, "height", f.Lengths["height"], units)
	u.WidthMM = parseLength(errs, "width", f.Lengths["width"], units)
	u.DepthMM = parseLength(errs, "depth", f.Lengths["depth"], units)
	return u, errs.Err()
}

// paletteInput is the palette form as sent: its colours, rows left
// without a name skipped.
type paletteInput struct {
	Colours        []studio.Colour
	OverrideReason string
	// rows is the form row of each colour.
	rows []int
}

func parsePaletteInput(f url.Values) paletteInput {
	form := paletteInput{OverrideReason: f.Get("override_reason")}
	for i := 0; f.Has(fmt.Sprintf("name_%d", i)); i++ {
		name := strings.TrimSpace(f.Get(fmt.Sprintf("name_%d", i)))
		if name == "" {
			continue
		}
		form.Colours = append(form.Colours, studio.Colour{Name: name, Hex: strings.TrimSpace(f.Get(fmt.Sprintf("hex_%d", i))), Role: f.Get(fmt.Sprintf("role_%d", i))})
		form.rows = append(form.rows, i)
	}
	return form
}

// colourField is the domain's name of a colour's field, "colors[2].hex";
// the form's is "hex_3" when an empty row came before.
var colourField = regexp.MustCompile(`^colors\[(\d+)\]\.(\w+)$`)

func (f paletteInput) formName(domain string) string {
	if m := colourField.FindStringSubmatch(domain); m != nil {
		if j, _ := strconv.Atoi(m[1]); j < len(f.rows) {
			return fmt.Sprintf("%s_%d", m[2], f.rows[j])
		}
	}
	return domain
}

// workForm starts or stops the work timer, or books minutes by hand.
type workForm struct {
	Action  string
	Minutes string
	Stage   studio.Stage
}

func parseWorkForm(f url.Values) workForm {
	return workForm{Action: f.Get("action"), Minutes: strings.TrimSpace(f.Get("minutes")), Stage: studio.Stage(f.Get("work_stage"))}
}

// The page has two stage choosers; the work form's is "work_stage".
func (workForm) formName(domain string) string {
	return fieldNames{"stage": "work_stage"}.formName(domain)
}

// qcForm is the quality-control form: a Pass or a Fail for each check,
// sent as qc_<key>. A form of tick boxes ("checks", the ticked ones, the
// others failing) is still read when it is what was sent, for the scripts
// written against it; a form with neither asks for every check.
type qcForm struct {
	Checks map[string]*bool
	// unanswered lists the checks given neither Pass nor Fail.
	unanswered []string
}

func parseQCForm(f url.Values) qcForm {
	form := qcForm{Checks: map[string]*bool{}}
	explicit := !f.Has("checks")
	for k := range f {
		explicit = explicit || strings.HasPrefix(k, "qc_")
	}
	for _, c := range studio.QCChecks {
		if !explicit {
			form.Checks[c.Key] = ptr(slices.Contains(f["checks"], c.Key))
			continue
		}
		switch f.Get("qc_" + c.Key) {
		case "pass":
			form.Checks[c.Key] = ptr(true)
		case "fail":
			form.Checks[c.Key] = ptr(false)
		default:
			form.unanswered = append(form.unanswered, c.Key)
		}
	}
	return form
}

// err refuses a form with a check left unjudged: a silence is neither a
// pass nor a failure.
func (f qcForm) err() error {
	errs := studio.Fields{}
	for _, k := range f.unanswered {
		errs.Add("qc_"+k, "choose Pass or Fail")
	}
	return errs.Err()
}

// The domain names a check "checks.eyes"; the form "qc_eyes".
func (qcForm) formName(domain string) string {
	if k, ok := strings.CutPrefix(domain, "checks."); ok {
		return "qc_" + k
	}
	return domain
}
