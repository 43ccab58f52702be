package web

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"atelier/internal/pdf"
	"atelier/internal/studio"
)

// labelCard is the piece page's label form: the stocks to choose from,
// the studio's own first chosen.
type labelCard struct {
	Stocks []choice
	Stock  string
	Kind   string
	// Start and Copies are what the form shows; PerSheet bounds Start on
	// the chosen stock.
	Start, Copies string
	PerSheet      int
}

// stockChoices are the presets by their published sizes, and the studio's
// custom stock when it has one.
func stockChoices(ls studio.LabelSettings) []choice {
	var out []choice
	for _, s := range pdf.Stocks() {
		out = append(out, choice{Value: s.Key, Label: s.Name})
	}
	if ls.Custom != nil {
		g := ls.Custom
		out = append(out, choice{Value: pdf.CustomKey, Label: "Custom (" + mm(g.LabelWidthMM) + " × " + mm(g.LabelHeightMM) + " mm, " +
			strconv.Itoa(g.Columns*g.Rows) + " a sheet)"})
	}
	return out
}

// labelCardOf fills the label form: the studio's stock and the kind its
// labels are meant for, or what was just sent.
func (w *Web) labelCardOf(ctx context.Context, p studio.Principal, a pieceAnswer) labelCard {
	ls, err := w.store.LabelSettings(ctx, p.Studio.ID)
	if err != nil {
		w.log.ErrorContext(ctx, "reading the label settings", "studio", p.Studio.ID, "err", err)
		ls = studio.LabelSettings{Stock: studio.DefaultLabelStock}
	}
	card := labelCard{Stocks: stockChoices(ls), Stock: ls.Stock, Kind: string(pdf.BoxLabel), Start: "1", Copies: "1"}
	if stock, err := pdf.StockFor(ls); err == nil {
		card.PerSheet = stock.PerSheet()
		if stock.Plaque {
			card.Kind = string(pdf.PlaqueLabel)
		}
	}
	if a.form == "label" {
		card.Stock, card.Kind, card.Start, card.Copies = a.values.Get("stock"), a.values.Get("kind"), a.values.Get("start"), a.values.Get("copies")
	}
	return card
}

// labelRequest is the label form as sent: the stock, kind and positions.
type labelRequest struct {
	stock pdf.Stock
	opt   pdf.LabelOptions
}

// parseLabelRequest checks the label form against the studio's settings:
// its custom stock and its printer's offsets.
func parseLabelRequest(q url.Values, ls studio.LabelSettings) (labelRequest, error) {
	errs := studio.Fields{}
	if key := strings.TrimSpace(q.Get("stock")); key != "" {
		ls.Stock = key
	}
	stock, err := pdf.StockFor(ls)
	if e, _, ok := formError(nil, err); ok {
		for k, v := range e.Fields {
			if strings.HasPrefix(k, "custom") {
				k = "stock" // the form chooses the custom stock; settings describe it
			}
			errs.Add(k, v)
		}
	} else if err != nil {
		return labelRequest{}, err
	}
	opt := pdf.LabelOptions{Kind: pdf.LabelKind(q.Get("kind")), OffsetX: ls.OffsetXMM, OffsetY: ls.OffsetYMM}
	opt.Start = wholeNumber(errs, "start", q.Get("start"), "must be a position on the sheet, from 1")
	opt.Copies = wholeNumber(errs, "copies", q.Get("copies"), "must be a whole number of labels, such as 2")
	return labelRequest{stock: stock, opt: opt}, errs.Err()
}

// wholeNumber reads a whole number; empty is 0, the default.
func wholeNumber(errs studio.Fields, field, typed, why string) int {
	typed = strings.TrimSpace(typed)
	if typed == "" {
		return 0
	}
	n, err := strconv.Atoi(typed)
	if err != nil {
		errs.Add(field, why)
	}
	return n
}

// pieceLabelPDF prints the piece's box label or plaque on the chosen
// stock; a text the stock cannot hold brings back the piece's page with
// the reason beside the stock.
func (w *Web) pieceLabelPDF(rw http.ResponseWriter, r *http.Request, p studio.Principal) error {
	id, q := r.PathValue("id"), r.URL.Query()
	facts, err := w.store.PieceFacts(r.Context(), p.Studio.ID, id)
	if err != nil {
		return err
	}
	ls, err := w.store.LabelSettings(r.Context(), p.Studio.ID)
	if err != nil {
		return err
	}
	req, err := parseLabelRequest(q, ls)
	var buf bytes.Buffer
	if err == nil {
		err = pdf.Labels(&buf, req.stock, req.opt, pdf.LabelTextOf(facts))
	}
	if e, status, ok := formError(rw, err); ok {
		return w.renderPiece(rw, r, p, id, pieceAnswer{status: status, message: friendly(e), errs: e.Fields, values: q, form: "label"})
	}
	if err != nil {
		return err
	}
	sendPDF(rw, "label-"+string(req.opt.Kind)+"-"+id+".pdf", buf.Bytes())
	return nil
}

// labelSettingsForm is the settings page's label section as typed.
type labelSettingsForm struct {
	Stock string
	// Custom holds the custom geometry's fields by their names in
	// studio.LabelGeometry ("page_width_mm"); the form names them
	// "custom.page_width_mm".
	Custom           map[string]string
	OffsetX, OffsetY string
	Stocks           []choice
	// Message says why the section was refused; it shows there, not at
	// the top of the page, which belongs to the studio's form.
	Message string
}

// geometryFields are the custom stock's fields, in the form's order, with
// their labels; columns and rows are counts, the rest millimetres.
var geometryFields = []struct{ Name, Label string }{
	{"page_width_mm", "Page width (mm)"}, {"page_height_mm", "Page height (mm)"},
	{"label_width_mm", "Label width (mm)"}, {"label_height_mm", "Label height (mm)"},
	{"columns", "Columns"}, {"rows", "Rows"},
	{"margin_top_mm", "Top margin (mm)"}, {"margin_left_mm", "Left margin (mm)"},
	{"pitch_x_mm", "Across: from one label's left edge to the next (mm)"}, {"pitch_y_mm", "Down: from one label's top edge to the next (mm)"},
}

func newLabelSettingsForm(ls studio.LabelSettings) labelSettingsForm {
	form := labelSettingsForm{Stock: ls.Stock, Custom: map[string]string{}, OffsetX: mm(ls.OffsetXMM), OffsetY: mm(ls.OffsetYMM)}
	if g := ls.Custom; g != nil {
		for k, v := range map[string]float64{"page_width_mm": g.PageWidthMM, "page_height_mm": g.PageHeightMM, "label_width_mm": g.LabelWidthMM,
			"label_height_mm": g.LabelHeightMM, "columns": float64(g.Columns), "rows": float64(g.Rows), "margin_top_mm": g.MarginTopMM,
			"margin_left_mm": g.MarginLeftMM, "pitch_x_mm": g.PitchXMM, "pitch_y_mm": g.PitchYMM} {
			form.Custom[k] = mm(v)
		}
	}
	return form.withStocks()
}

// geometryField is one field of the custom stock as the form draws it.
type geometryField struct{ Name, ID, Label, Value string }

// Fields are the custom stock's fields, named as its errors name them.
func (f labelSettingsForm) Fields() []geometryField {
	out := make([]geometryField, 0, len(geometryFields))
	for _, g := range geometryFields {
		out = append(out, geometryField{Name: "custom." + g.Name, ID: "custom-" + g.Name, Label: g.Label, Value: f.Custom[g.Name]})
	}
	return out
}

// Open says the custom stock's fields are to be shown: it is chosen, or
// they were refused.
func (f labelSettingsForm) Open(errs map[string]string) bool {
	for k := range errs {
		if strings.HasPrefix(k, "custom") {
			return true
		}
	}
	return f.Stock == pdf.CustomKey
}

// withStocks lists every preset and the custom stock to choose from.
func (f labelSettingsForm) withStocks() labelSettingsForm {
	f.Stocks = nil
	for _, s := range pdf.Stocks() {
		f.Stocks = append(f.Stocks, choice{Value: s.Key, Label: s.Name})
	}
	f.Stocks = append(f.Stocks, choice{Value: pdf.CustomKey, Label: "Custom: measured below"})
	return f
}

func parseLabelSettingsForm(f url.Values) labelSettingsForm {
	form := labelSettingsForm{Stock: f.Get("stock"), Custom: map[string]string{},
		OffsetX: strings.TrimSpace(f.Get("offset_x_mm")), OffsetY: strings.TrimSpace(f.Get("offset_y_mm"))}
	for _, g := range geometryFields {
		form.Custom[g.Name] = strings.TrimSpace(f.Get("custom." + g.Name))
	}
	return form.withStocks()
}

// toSettings checks what was typed and gives the settings, checked by the
// renderer's rules. The custom geometry is kept when typed, also with a
// preset chosen, so that it can be chosen again; then it must be valid
// too.
func (f labelSettingsForm) toSettings() (studio.LabelSettings, error) {
	errs := studio.Fields{}
	ls := studio.LabelSettings{Stock: f.Stock, OffsetXMM: decimalMM(errs, "offset_x_mm", f.OffsetX), OffsetYMM: decimalMM(errs, "offset_y_mm", f.OffsetY)}
	typed := false
	for _, v := range f.Custom {
		typed = typed || v != ""
	}
	if typed || f.Stock == pdf.CustomKey {
		g := studio.LabelGeometry{}
		for name, dst := range map[string]*float64{"page_width_mm": &g.PageWidthMM, "page_height_mm": &g.PageHeightMM, "label_width_mm": &g.LabelWidthMM,
			"label_height_mm": &g.LabelHeightMM, "margin_top_mm": &g.MarginTopMM, "margin_left_mm": &g.MarginLeftMM, "pitch_x_mm": &g.PitchXMM, "pitch_y_mm": &g.PitchYMM} {
			*dst = decimalMM(errs, "custom."+name, f.Custom[name])
		}
		g.Columns = wholeNumber(errs, "custom.columns", f.Custom["columns"], "must be a whole number, such as 3")
		g.Rows = wholeNumber(errs, "custom.rows", f.Custom["rows"], "must be a whole number, such as 7")
		ls.Custom = &g
	}
	if len(errs) > 0 {
		return ls, errs.Err()
	}
	check := ls
	if ls.Custom != nil {
		check.Stock = pdf.CustomKey // a kept custom stock must be printable too
	}
	if _, err := pdf.StockFor(check); err != nil {
		return ls, err
	}
	_, err := pdf.StockFor(ls)
	return ls, err
}

// decimalMM reads a length in mm; empty is 0.
func decimalMM(errs studio.Fields, field, typed string) float64 {
	typed = strings.ReplaceAll(strings.TrimSpace(typed), ",", ".")
	if typed == "" {
		return 0
	}
	v, err := strconv.ParseFloat(typed, 64)
	if err != nil {
		errs.Add(field, "must be a number of millimetres, such as 63.5")
	}
	return v
}

// mm writes a length without trailing zeros.
func mm(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// settingsLabels saves the studio's label stock and printer offsets.
func (w *Web) settingsLabels(rw http.ResponseWriter, r *http.Request, p studio.Principal) error {
	f, err := postForm(r)
	if err != nil {
		return err
	}
	labels := parseLabelSettingsForm(f)
	ls, err := labels.toSettings()
	if err == nil {
		err = w.store.SetLabelSettings(r.Context(), p.Studio.ID, ls)
	}
	if e, status, ok := formError(rw, err); ok {
		labels.Message = friendly(e)
		return w.settingsPage(rw, r, p, status, pageData{Errors: e.Fields}, &labels, nil)
	}
	if err != nil {
		return err
	}
	w.sessions.Put(r.Context(), "flash", "Label settings saved: labels print on "+stockName(ls)+".")
	http.Redirect(rw, r, "/settings#labels", http.StatusSeeOther)
	return nil
}

// stockName names the chosen stock for people.
func stockName(ls studio.LabelSettings) string {
	if s, err := pdf.StockFor(ls); err == nil && s.Name != "" {
		return s.Name
	}
	return "the custom stock"
}
