package web

import (
	"math"
	"net/http"
	"strconv"
	"strings"

	"atelier/internal/studio"
)

// commissionFormData is the form of a commission's request details: a new
// one the studio took itself (by e-mail, at a fair), or an edit.
type commissionFormData struct {
	// ID is the commission edited; "" for a new one.
	ID       string
	Subject  string
	Values   map[string]string
	Currency string
}

// requestFields are the form's fields: the questionnaire's, as the web
// questionnaire sends them (a height with its unit, a budget in major
// units).
var requestFields = []string{"subject_name", "relationship", "occasion", "pose", "clothing", "props", "story", "target_height", "height_unit",
	"base_wishes", "box_wishes", "deadline", "budget", "contact_name", "contact_email", "consent_show_process"}

func (w *Web) commissionNew(rw http.ResponseWriter, r *http.Request, p studio.Principal) error {
	values := map[string]string{"height_unit": unitOf(p.Studio.Units)}
	w.renderCommissionForm(rw, r, p, commissionFormData{Values: values}, http.StatusOK, "", nil)
	return nil
}

func (w *Web) commissionCreate(rw http.ResponseWriter, r *http.Request, p studio.Principal) error {
	values, err := requestValues(r)
	if err != nil {
		return err
	}
	taken, err := w.intake.StudioInquiry(r.Context(), p.Studio, values)
	if e, status, ok := formError(rw, err); ok {
		w.renderCommissionForm(rw, r, p, commissionFormData{Values: values}, status, e.Message, e.Fields)
		return nil
	}
	if err != nil {
		return err
	}
	w.sessions.Put(r.Context(), "flash", "The commission is recorded. Send the client their private link, so they can add photos and follow it.")
	http.Redirect(rw, r, "/commissions/"+taken.ID+"#portal", http.StatusSeeOther)
	return nil
}

func (w *Web) commissionEdit(rw http.ResponseWriter, r *http.Request, p studio.Principal) error {
	d, err := w.store.Commission(r.Context(), p.Studio.ID, r.PathValue("id"))
	if err != nil {
		return err
	}
	data := commissionFormData{ID: d.ID, Subject: d.Inquiry.SubjectName, Values: requestValuesOf(d.Inquiry, p.Studio)}
	w.renderCommissionForm(rw, r, p, data, http.StatusOK, "", nil)
	return nil
}

func (w *Web) commissionUpdate(rw http.ResponseWriter, r *http.Request, p studio.Principal) error {
	values, err := requestValues(r)
	if err != nil {
		return err
	}
	d, err := w.intake.EditInquiry(r.Context(), p.Studio, r.PathValue("id"), p.User.ID, values)
	if e, status, ok := formError(rw, err); ok {
		d, derr := w.store.Commission(r.Context(), p.Studio.ID, r.PathValue("id"))
		if derr != nil {
			return derr
		}
		data := commissionFormData{ID: d.ID, Subject: d.Inquiry.SubjectName, Values: values}
		w.renderCommissionForm(rw, r, p, data, status, e.Message, e.Fields)
		return nil
	}
	if err != nil {
		return err
	}
	w.sessions.Put(r.Context(), "flash", "The details are saved.")
	http.Redirect(rw, r, "/commissions/"+d.ID, http.StatusSeeOther)
	return nil
}

func (w *Web) renderCommissionForm(rw http.ResponseWriter, r *http.Request, p studio.Principal, d commissionFormData, status int, msg string, errs map[string]string) {
	title := "New commission"
	if d.ID != "" {
		title = "Edit " + d.Subject
	}
	d.Currency = p.Studio.Currency
	w.render(rw, r, status, "commission-form", pageData{Title: title, Principal: &p, Nav: "commissions", Message: msg, Errors: errs, Data: d})
}

// requestValues reads the form's fields, and only those: the API's
// machine-unit fields (target_height_mm, budget_cents) are not the form's.
func requestValues(r *http.Request) (map[string]string, error) {
	f, err := postForm(r)
	if err != nil {
		return nil, err
	}
	values := map[string]string{}
	for _, k := range requestFields {
		values[k] = f.Get(k)
	}
	if values["consent_show_process"] == "" {
		// An unticked box sends nothing; on an edit that means "no".
		values["consent_show_process"] = "false"
	}
	return values, nil
}

// requestValuesOf fills the form from a commission's request, in the
// studio's units and currency.
func requestValuesOf(in studio.InquiryFields, st studio.Studio) map[string]string {
	v := map[string]string{"subject_name": in.SubjectName, "relationship": in.Relationship, "occasion": in.Occasion, "pose": in.Pose,
		"clothing": in.Clothing, "props": in.Props, "story": in.Story, "base_wishes": in.BaseWishes, "box_wishes": in.BoxWishes,
		"deadline": in.Deadline, "contact_name": in.ContactName, "contact_email": in.ContactEmail,
		"consent_show_process": strconv.FormatBool(in.ConsentShowProcess), "height_unit": unitOf(st.Units)}
	if h := in.TargetHeightMM; h != nil {
		if st.Units == studio.Imperial {
			v["target_height"] = strconv.FormatFloat(math.Round(*h/studio.MMPerInch*100)/100, 'f', -1, 64)
		} else {
			v["target_height"] = strconv.FormatFloat(*h, 'f', -1, 64)
		}
	}
	if b := in.BudgetCents; b != nil {
		v["budget"] = strings.TrimSuffix(studio.FormatMoney(*b, st.Currency), " "+st.Currency)
	}
	return v
}
