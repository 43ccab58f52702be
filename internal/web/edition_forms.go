package web

import (
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"atelier/internal/studio"
)

// mouldRowsShown is how many empty mould rows the new-edition form offers;
// "More rows" adds as many again, keeping what was typed.
const mouldRowsShown = 3

// maxMouldRows bounds the rows the form draws: the domain takes at most
// 50 moulds, so more rows could only hold a refusal.
const maxMouldRows = 51

// editionForm is the new-edition form as sent: every field as typed, the
// size and height still text.
type editionForm struct {
	Title, Subject, Size, SizeReason, TargetHeight string
	ClayBrands                                     []string
	MasterName, MasterLocation                     string
	// Moulds are all the form's rows, empty ones too.
	Moulds []mouldRow
	// rows is the form row of each mould given to the domain: rows left
	// empty are skipped, so the domain's moulds[1] may be row 2.
	rows []int
}

// mouldRow is one row of the moulds: a name and where it is kept.
type mouldRow struct{ Name, Location string }

func parseEditionForm(f url.Values) editionForm {
	form := editionForm{Title: f.Get("title"), Subject: f.Get("subject"), Size: strings.TrimSpace(f.Get("size")), SizeReason: f.Get("size_reason"),
		TargetHeight: f.Get("target_height"), ClayBrands: f["clay_brands"], MasterName: f.Get("master_name"), MasterLocation: f.Get("master_location")}
	for i := 0; i < maxMouldRows && (f.Has(mouldField("name", i)) || f.Has(mouldField("location", i))); i++ {
		form.Moulds = append(form.Moulds, mouldRow{Name: f.Get(mouldField("name", i)), Location: f.Get(mouldField("location", i))})
	}
	return form
}

func mouldField(what string, row int) string { return fmt.Sprintf("mould_%s_%d", what, row) }

// withRows is the form with at least n rows of moulds, and at least one
// empty row to add another in.
func (f editionForm) withRows(n int) editionForm {
	empty := 0
	for _, m := range f.Moulds {
		if strings.TrimSpace(m.Name+m.Location) == "" {
			empty++
		}
	}
	if empty == 0 {
		n = max(n, len(f.Moulds)+1)
	}
	for len(f.Moulds) < min(n, maxMouldRows) {
		f.Moulds = append(f.Moulds, mouldRow{})
	}
	return f
}

// mouldDomainField is the domain's name of a mould's field, "moulds[1].name".
var mouldDomainField = regexp.MustCompile(`^moulds\[(\d+)\]\.(name|location)$`)

func (f editionForm) formName(domain string) string {
	if m := mouldDomainField.FindStringSubmatch(domain); m != nil {
		if j, _ := strconv.Atoi(m[1]); j < len(f.rows) {
			return mouldField(m[2], f.rows[j])
		}
	}
	return fieldNames{"target_height_mm": "target_height", "master_armature.name": "master_name",
		"master_armature.location": "master_location"}.formName(domain)
}

// toEdition checks what was typed and gives the domain's edition, the
// height in millimetres; knownClays are the studio's clay keys. A master
// or mould row with anything typed in it counts. When the size or height
// is wrong, the domain's word on the other fields comes with it, so that
// the form shows everything at once.
func (f *editionForm) toEdition(units studio.Units, knownClays []string) (studio.Edition, error) {
	errs := studio.Fields{}
	e := studio.Edition{Title: f.Title, Subject: f.Subject, SizeReason: f.SizeReason, ClayBrands: f.ClayBrands}
	if size, err := strconv.Atoi(f.Size); err == nil {
		e.Size = size
	} else if f.Size == "" {
		errs.Add("size", "is required: how many pieces the edition holds, such as 15")
	} else {
		errs.Add("size", "must be a whole number of pieces, such as 15")
	}
	if h := parseLength(errs, "target_height", f.TargetHeight, units); h != nil {
		e.TargetHeightMM = *h
	} else if _, bad := errs["target_height"]; !bad {
		errs.Add("target_height", "is required: how tall each figure will be")
	}
	if strings.TrimSpace(f.MasterName+f.MasterLocation) != "" {
		e.Master = &studio.Stored{Name: f.MasterName, Location: f.MasterLocation}
	}
	f.rows = nil
	for i, m := range f.Moulds {
		if strings.TrimSpace(m.Name+m.Location) != "" {
			e.Moulds = append(e.Moulds, studio.Stored{Name: m.Name, Location: m.Location})
			f.rows = append(f.rows, i)
		}
	}
	if len(errs) > 0 {
		check := e
		if _, bad := errs["size"]; bad {
			check.Size = studio.MinEditionSize
		}
		if e, _, ok := formError(nil, check.Validate(knownClays)); ok {
			for k, v := range e.Fields {
				if k != "target_height_mm" {
					errs.Add(f.formName(k), v)
				}
			}
		}
	}
	return e, errs.Err()
}

// reissueForm is the reissue form: the confirmation, and a size other
// than the edition's with its reason, if wanted.
type reissueForm struct {
	Confirmed        bool
	Size, SizeReason string
}

func parseReissueForm(f url.Values) reissueForm {
	return reissueForm{Confirmed: isChecked(f.Get("confirm")), Size: strings.TrimSpace(f.Get("size")), SizeReason: f.Get("size_reason")}
}

// check gives the size to reissue at: 0 keeps the edition's.
func (f reissueForm) check() (int, error) {
	errs := studio.Fields{}
	if !f.Confirmed {
		errs.Add("confirm", "must be ticked: a reissue starts a new edition, numbered from 1, from the same master and moulds")
	}
	size := 0
	if f.Size != "" {
		n, err := strconv.Atoi(f.Size)
		if err != nil || n < 1 {
			errs.Add("size", "must be a whole number of pieces, such as 15")
		}
		size = n
	}
	return size, errs.Err()
}
