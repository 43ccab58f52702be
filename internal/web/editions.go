package web

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"

	"atelier/internal/pdf"
	"atelier/internal/store"
	"atelier/internal/studio"
)

// editionsData is the editions page: each edition with how far it is
// issued, and the registry of masters and moulds.
type editionsData struct {
	Editions []store.EditionDetail
	Masters  []store.RegistryEntry
	Moulds   []store.RegistryEntry
}

// editionsShow lists the studio's editions and where their masters and
// moulds are kept.
func (w *Web) editionsShow(rw http.ResponseWriter, r *http.Request, p studio.Principal) error {
	editions, err := w.store.Editions(r.Context(), p.Studio.ID)
	if err != nil {
		return err
	}
	registry, err := w.store.Registry(r.Context(), p.Studio.ID)
	if err != nil {
		return err
	}
	d := editionsData{Editions: editions}
	for _, e := range registry {
		if e.Kind == "master" {
			d.Masters = append(d.Masters, e)
		} else {
			d.Moulds = append(d.Moulds, e)
		}
	}
	w.render(rw, r, http.StatusOK, "editions", pageData{Title: "Editions", Principal: &p, Nav: "editions", Data: d})
	return nil
}

// editionNewData is the new-edition form: what was typed, and the
// studio's clays to tick.
type editionNewData struct {
	Form             editionForm
	MouldRows        []mouldRowView
	Clays            []clayChoice
	Unit             string
	MinSize, MaxSize int
	// MoreRows says the form can draw more mould rows.
	MoreRows bool
}

// mouldRowView is a row of the moulds as drawn: its fields' names and
// its number from 1.
type mouldRowView struct {
	mouldRow
	N                        int
	NameField, LocationField string
}

func (w *Web) editionNew(rw http.ResponseWriter, r *http.Request, p studio.Principal) error {
	return w.renderEditionNew(rw, r, p, editionForm{}.withRows(mouldRowsShown), http.StatusOK, "", nil)
}

func (w *Web) renderEditionNew(rw http.ResponseWriter, r *http.Request, p studio.Principal, form editionForm, status int, message string, errs map[string]string) error {
	clays, err := w.store.Clays(r.Context(), p.Studio.ID)
	if err != nil {
		return err
	}
	d := editionNewData{Form: form, Unit: unitOf(p.Studio.Units), MinSize: studio.MinEditionSize, MaxSize: studio.MaxEditionSize,
		MoreRows: len(form.Moulds) < maxMouldRows}
	for i, m := range form.Moulds {
		d.MouldRows = append(d.MouldRows, mouldRowView{mouldRow: m, N: i + 1, NameField: mouldField("name", i), LocationField: mouldField("location", i)})
	}
	for _, c := range clays {
		d.Clays = append(d.Clays, clayChoice{Key: c.Key, Name: c.Name, Checked: slices.Contains(form.ClayBrands, c.Key)})
	}
	w.render(rw, r, status, "edition-new", pageData{Title: "New edition", Principal: &p, Nav: "editions", Message: message, Errors: errs, Data: d})
	return nil
}

// editionCreate starts an edition from the form, or draws the form again
// with more rows for moulds when that button was pressed.
func (w *Web) editionCreate(rw http.ResponseWriter, r *http.Request, p studio.Principal) error {
	f, err := postForm(r)
	if err != nil {
		return err
	}
	form := parseEditionForm(f)
	if f.Has("more_moulds") {
		return w.renderEditionNew(rw, r, p, form.withRows(len(form.Moulds)+mouldRowsShown), http.StatusOK, "", nil)
	}
	clays, err := w.store.Clays(r.Context(), p.Studio.ID)
	if err != nil {
		return err
	}
	var keys []string
	for _, c := range clays {
		keys = append(keys, c.Key)
	}
	e, err := form.toEdition(p.Studio.Units, keys)
	var d store.EditionDetail
	if err == nil {
		d, err = w.store.CreateEdition(r.Context(), p.Studio.ID, e)
	}
	if fe, status, ok := formError(rw, err); ok {
		return w.renderEditionNew(rw, r, p, form.withRows(mouldRowsShown), status, friendly(fe), errorsIn(form, fe))
	}
	if err != nil {
		return err
	}
	w.sessions.Put(r.Context(), "flash", fmt.Sprintf("“%s” is started: an edition of %d. Start its pieces here, one number at a time.", d.Title, d.Size))
	http.Redirect(rw, r, "/editions/"+d.ID, http.StatusSeeOther)
	return nil
}

// editionData is one edition's page.
type editionData struct {
	ID, Title, Subject, SizeReason string
	Size, Issued, Next             int
	MinSize, MaxSize               int
	Full                           bool
	Clays                          []string
	TargetHeight                   string
	Master                         *studio.Stored
	Moulds                         []studio.Stored
	ReissueOf                      *editionLink
	Reissues                       []editionLink
	Pieces                         []editionPieceRow
	// Certified counts the pieces with a certificate.
	Certified int
	// Cost is the pieces' costs added up; nil when it could not be worked
	// out.
	Cost *editionCost
	// Values and ReissueOpen keep a refused reissue form open with what
	// was typed.
	Values      url.Values
	ReissueOpen bool
}

// editionLink is a link to an edition linked by reissue.
type editionLink struct{ ID, Label string }

type editionPieceRow struct {
	ID, Subject, Stage string
	Number             int
	// Serial is the piece's certificate, grouped; "" before it has one.
	Serial string
	// Cost and Suggested are the piece's cost so far and suggested price.
	Cost, Suggested string
}

// editionCost is the edition's cost so far and its suggested prices,
// added up over its pieces.
type editionCost struct{ Total, Suggested string }

// editionCosts fills in each piece's cost and the edition's total. A cost
// that cannot be worked out is logged and left out rather than keep the
// page from opening.
func (w *Web) editionCosts(r *http.Request, p studio.Principal, editionID string, d *editionData) {
	pieces, total, err := w.store.EditionCost(r.Context(), p.Studio.ID, editionID)
	if err != nil {
		w.log.ErrorContext(r.Context(), "working out an edition's cost", "edition", editionID, "err", err)
		return
	}
	c := p.Studio.Currency
	byID := make(map[string]int, len(d.Pieces))
	for i, row := range d.Pieces {
		byID[row.ID] = i
	}
	for _, pc := range pieces {
		if i, ok := byID[pc.PieceID]; ok {
			d.Pieces[i].Cost, d.Pieces[i].Suggested = studio.FormatMoney(pc.TotalCents, c), studio.FormatMoney(pc.SuggestedPriceCents, c)
		}
	}
	d.Cost = &editionCost{Total: studio.FormatMoney(total.TotalCents, c), Suggested: studio.FormatMoney(total.SuggestedPriceCents, c)}
}

// editionSerials are the certificates of the edition's pieces, grouped, by
// piece: one query for the whole table. A certificate that no longer
// verifies is logged and left out rather than keep the page from opening.
func (w *Web) editionSerials(r *http.Request, p studio.Principal, editionID string) map[string]string {
	list, err := w.store.EditionCertificates(r.Context(), p.Studio.ID, editionID)
	if err != nil {
		w.log.ErrorContext(r.Context(), "reading an edition's certificates", "edition", editionID, "err", err)
		return nil
	}
	out := make(map[string]string, len(list))
	for _, ic := range list {
		out[ic.PieceID] = pdf.GroupSerial(ic.Serial)
	}
	return out
}

// editionAnswer is what a refused form puts back on the edition's page.
type editionAnswer struct {
	status  int
	message string
	errs    map[string]string
	values  url.Values
	reissue bool
}

func (w *Web) editionShow(rw http.ResponseWriter, r *http.Request, p studio.Principal) error {
	return w.renderEdition(rw, r, p, editionAnswer{status: http.StatusOK})
}

func (w *Web) renderEdition(rw http.ResponseWriter, r *http.Request, p studio.Principal, a editionAnswer) error {
	e, err := w.store.Edition(r.Context(), p.Studio.ID, r.PathValue("id"))
	if err != nil {
		return err
	}
	of, as, err := w.store.EditionReissues(r.Context(), p.Studio.ID, e.ID)
	if err != nil {
		return err
	}
	clays, err := w.store.Clays(r.Context(), p.Studio.ID)
	if err != nil {
		return err
	}
	d := editionData{ID: e.ID, Title: e.Title, Subject: e.Subject, SizeReason: e.SizeReason, Size: e.Size, Issued: e.Issued,
		Next: e.Issued + 1, Full: e.Issued >= e.Size, TargetHeight: studio.FormatLength(e.TargetHeightMM, p.Studio.Units),
		Master: e.Master, Moulds: e.Moulds, Values: a.values, ReissueOpen: a.reissue, MinSize: studio.MinEditionSize, MaxSize: studio.MaxEditionSize}
	for _, b := range e.ClayBrands {
		name := b
		if i := slices.IndexFunc(clays, func(c store.Clay) bool { return c.Key == b }); i >= 0 {
			name = clays[i].Name
		}
		d.Clays = append(d.Clays, name)
	}
	if of != nil {
		d.ReissueOf = &editionLink{ID: of.ID, Label: editionLabel(*of, p.Studio)}
	}
	for _, ref := range as {
		d.Reissues = append(d.Reissues, editionLink{ID: ref.ID, Label: editionLabel(ref, p.Studio)})
	}
	serials := w.editionSerials(r, p, e.ID)
	for _, pc := range e.Pieces {
		d.Pieces = append(d.Pieces, editionPieceRow{ID: pc.PieceID, Subject: pc.Subject, Stage: pc.Stage.Label(), Number: pc.Number, Serial: serials[pc.PieceID]})
	}
	d.Certified = len(serials)
	w.editionCosts(r, p, e.ID, &d)
	w.render(rw, r, a.status, "edition", pageData{Title: e.Title, Principal: &p, Nav: "editions", Message: a.message, Errors: a.errs, Data: d})
	return nil
}

// editionLabel tells editions of one title apart: "Grandma Rose, an
// edition of 20 started 3 Mar 2026".
func editionLabel(e store.EditionRef, st studio.Studio) string {
	return fmt.Sprintf("%s, an edition of %d started %s", e.Title, e.Size, e.CreatedAt.In(studioLocation(st)).Format("2 Jan 2006"))
}

// editionPiece starts the edition's next numbered piece and opens it; a
// complete edition sends the browser back to its page, saying so there.
func (w *Web) editionPiece(rw http.ResponseWriter, r *http.Request, p studio.Principal) error {
	d, e, err := w.store.IssueEditionPiece(r.Context(), p.Studio.ID, p.User.ID, r.PathValue("id"), store.EditionPieceFields{})
	if fe, status, ok := formError(rw, err); ok {
		if w.refused(rw, r, fe, fe.Fields, r.PostForm, "/editions/"+r.PathValue("id")) {
			return nil
		}
		return w.renderEdition(rw, r, p, editionAnswer{status: status, message: friendly(fe), errs: errorsIn(nil, fe)})
	}
	if err != nil {
		return err
	}
	w.sessions.Put(r.Context(), "flash", fmt.Sprintf("Number %d of %d of “%s” is started.", d.EditionNumber, e.Size, e.Title))
	http.Redirect(rw, r, "/pieces/"+d.ID, http.StatusSeeOther)
	return nil
}

// editionReissue starts a new edition from the same master and moulds,
// once the artist has ticked the box that says so.
func (w *Web) editionReissue(rw http.ResponseWriter, r *http.Request, p studio.Principal) error {
	f, err := postForm(r)
	if err != nil {
		return err
	}
	form := parseReissueForm(f)
	size, err := form.check()
	var d store.EditionDetail
	if err == nil {
		d, err = w.store.ReissueEdition(r.Context(), p.Studio.ID, r.PathValue("id"), size, form.SizeReason)
	}
	if fe, status, ok := formError(rw, err); ok {
		return w.renderEdition(rw, r, p, editionAnswer{status: status, message: friendly(fe), errs: errorsIn(nil, fe), values: f, reissue: true})
	}
	if err != nil {
		return err
	}
	w.sessions.Put(r.Context(), "flash", fmt.Sprintf("“%s” is reissued: a new edition of %d, numbered from 1.", d.Title, d.Size))
	http.Redirect(rw, r, "/editions/"+d.ID, http.StatusSeeOther)
	return nil
}
