package intake

import (
	"context"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"atelier/internal/httpx"
	"atelier/internal/store"
	"atelier/internal/studio"
)

// textFields are the questionnaire's text fields.
var textFields = []string{"subject_name", "relationship", "occasion", "pose", "clothing", "props", "story", "target_height_mm",
	"base_wishes", "box_wishes", "deadline", "budget_cents", "contact_name", "contact_email", "consent_show_process"}

// formFields are what the web questionnaire sends instead of the API's
// machine units: a height in mm or inches, a budget in major units.
// It also carries back the photos a refused form kept (see HeldPhoto).
var formFields = append([]string{"target_height", "height_unit", "budget", "held", "keep_held"}, textFields...)

// Taken is an inquiry that arrived: its commission, the portal secret, and
// the fields as sent (to show them again when they were refused).
type Taken struct {
	ID, Portal string
	Values     map[string]string
	// Chosen names the photos sent, by angle, so that a refused form can
	// say which ones to choose again: a browser never fills a file input
	// back in, and a refused inquiry keeps no photo.
	Chosen map[studio.Angle][]string
	// Held are the photos a refused web form kept, and HeldNote the sealed
	// note that names them, for the page to send back.
	Held     []HeldPhoto
	HeldNote string
}

// TakeInquiry reads, checks and stores an inquiry with its photos for the
// studio. Every attempt, taken or refused, counts against the sender's
// hourly limit, admitted and counted in one step before anything is read. The web
// questionnaire posts through it too (form: heights with a unit, budgets in
// major units). It returns the commission id and the portal secret.
func (d *Desk) TakeInquiry(r *http.Request, st studio.Studio, form bool) (taken Taken, err error) {
	limit := store.Limit{Key: "inquiry:ip:" + httpx.ClientIP(r), Max: d.inquiryLimit(), Window: time.Hour}
	if _, err := d.Store.Admit(r.Context(), "inquiries from this address", limit); err != nil {
		return taken, err
	}
	allowed := textFields
	if form {
		allowed = formFields
	}
	in, err := d.read(r, allowed, photoFields, st.PixelLimit)
	taken.Values, taken.Chosen = in.fields, in.chosen()
	if err != nil {
		return taken, err
	}
	defer in.remove()
	held, err := d.heldPhotos(st.ID, in.fields)
	if err == nil && len(held)+len(in.photos) > MaxPhotos {
		err = studio.Errorf(studio.Invalid, "Send at most %d photos: %d were kept from before and %d chosen now.", MaxPhotos, len(held), len(in.photos))
	}
	if err != nil {
		return taken, err
	}
	fields, err := inquiryFields(in.fields, st.Currency)
	if err == nil {
		// Checked here as well as in the store, so that a refused inquiry
		// never writes its photos, or on the web form keeps them for later.
		err = fields.Validate(st.Today(d.now()))
	}
	if err != nil && form {
		return taken, d.keepPhotos(r.Context(), st.ID, in, held, &taken, err)
	}
	if err == nil {
		err = d.decode(r.Context(), in)
	}
	if err != nil && form {
		// A photo that is no image: those kept from before stay kept.
		return taken, d.keepPhotos(r.Context(), st.ID, &upload{}, held, &taken, err)
	}
	if err != nil {
		return taken, err
	}
	kept, err := d.attachHeld(r.Context(), held)
	if err != nil {
		return taken, err
	}
	err = d.Files.SaveAll(r.Context(), in.spools(), func() error {
		c, portal, err := d.Store.CreateInquiry(r.Context(), st.ID, fields, append(in.newPhotos(), kept...))
		taken.ID, taken.Portal = c.ID, portal
		return err
	})
	return taken, err
}

// inquiryFields parses the questionnaire's text fields; wrong numbers,
// dates and booleans are reported by field.
func inquiryFields(v map[string]string, currency string) (studio.InquiryFields, error) {
	in := studio.InquiryFields{SubjectName: v["subject_name"], Relationship: v["relationship"], Occasion: v["occasion"],
		Pose: v["pose"], Clothing: v["clothing"], Props: v["props"], Story: v["story"], BaseWishes: v["base_wishes"],
		BoxWishes: v["box_wishes"], Deadline: strings.TrimSpace(v["deadline"]), ContactName: v["contact_name"], ContactEmail: v["contact_email"]}
	f := studio.Fields{}
	if s := strings.TrimSpace(v["target_height_mm"]); s != "" {
		h, err := strconv.ParseFloat(s, 64)
		if err != nil {
			f.Add("target_height_mm", "must be a number of millimetres")
		} else {
			in.TargetHeightMM = &h
		}
	}
	if s := strings.TrimSpace(v["budget_cents"]); s != "" {
		b, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			f.Add("budget_cents", "must be a whole number of cents")
		} else {
			in.BudgetCents = &b
		}
	}
	if s := strings.TrimSpace(v["target_height"]); s != "" && in.TargetHeightMM == nil {
		h, err := strconv.ParseFloat(s, 64)
		if err != nil {
			f.Add("target_height", "must be a number")
		} else {
			if v["height_unit"] == "in" {
				// Hundredths of a millimetre are finer than any sculpting tool.
				h = math.Round(h*studio.MMPerInch*100) / 100
			}
			in.TargetHeightMM = &h
		}
	}
	if s := strings.TrimSpace(v["budget"]); s != "" && in.BudgetCents == nil {
		if b, ok := studio.ParseMoney(s, currency); ok {
			in.BudgetCents = &b
		} else {
			f.Add("budget", "must be an amount such as 250 or 250.00")
		}
	}
	switch strings.TrimSpace(v["consent_show_process"]) {
	case "", "false":
	case "true", "on", "yes":
		in.ConsentShowProcess = true
	default:
		f.Add("consent_show_process", `must be "true" or "false"`)
	}
	return in, f.Err()
}

// StudioInquiry records an inquiry the studio took itself (by e-mail, at a
// fair): the questionnaire's fields and checks, without the public form's
// limit per address, and without photos (the client adds them through
// the portal). The fields are the web form's or the API's (see
// inquiryFields).
func (d *Desk) StudioInquiry(ctx context.Context, st studio.Studio, values map[string]string) (Taken, error) {
	taken := Taken{Values: values}
	in, err := inquiryFields(values, st.Currency)
	if err != nil {
		return taken, err
	}
	c, portal, err := d.Store.CreateInquiry(ctx, st.ID, in, nil)
	taken.ID, taken.Portal = c.ID, portal
	return taken, err
}

// EditInquiry replaces a commission's request details by the fields given,
// read as StudioInquiry reads them.
func (d *Desk) EditInquiry(ctx context.Context, st studio.Studio, id, userID string, values map[string]string) (store.CommissionDetail, error) {
	in, err := inquiryFields(values, st.Currency)
	if err != nil {
		return store.CommissionDetail{}, err
	}
	return d.Store.UpdateInquiry(ctx, st.ID, id, userID, in)
}
