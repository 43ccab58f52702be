package api

import (
	"bytes"
	"net/http"
	"strconv"

	"atelier/internal/pdf"
	"atelier/internal/studio"
)

// stockJSON is a label stock, as the settings offer it.
type stockJSON struct {
	Key        string  `json:"key"`
	Name       string  `json:"name"`
	PageW      float64 `json:"page_width_mm"`
	PageH      float64 `json:"page_height_mm"`
	LabelW     float64 `json:"label_width_mm"`
	LabelH     float64 `json:"label_height_mm"`
	Columns    int     `json:"columns"`
	Rows       int     `json:"rows"`
	PerSheet   int     `json:"per_sheet"`
	Continuous bool    `json:"continuous"`
	Plaque     bool    `json:"plaque"`
}

func stockView(s pdf.Stock) stockJSON {
	return stockJSON{Key: s.Key, Name: s.Name, PageW: s.PageW, PageH: s.PageH, LabelW: s.LabelW, LabelH: s.LabelH, Columns: s.Columns,
		Rows: s.Rows, PerSheet: s.PerSheet(), Continuous: s.Continuous, Plaque: s.Plaque}
}

// labelSettingsJSON is the studio's label stock and printer offset.
type labelSettingsJSON struct {
	Stock     string                `json:"stock"`
	Custom    *studio.LabelGeometry `json:"custom"`
	OffsetXMM float64               `json:"offset_x_mm"`
	OffsetYMM float64               `json:"offset_y_mm"`
}

func (a *API) labelSettingsShow(w http.ResponseWriter, r *http.Request, p studio.Principal) error {
	ls, err := a.Store.LabelSettings(r.Context(), p.Studio.ID)
	if err != nil {
		return err
	}
	stocks := []stockJSON{}
	for _, s := range pdf.Stocks() {
		stocks = append(stocks, stockView(s))
	}
	writeJSON(w, http.StatusOK, map[string]any{"settings": labelSettingsJSON(ls), "stocks": stocks})
	return nil
}

func (a *API) labelSettingsUpdate(w http.ResponseWriter, r *http.Request, p studio.Principal) error {
	var body labelSettingsJSON
	if err := decode(r, &body); err != nil {
		return err
	}
	ls := studio.LabelSettings(body)
	if ls.Stock != pdf.CustomKey {
		ls.Custom = nil
	}
	if _, err := pdf.StockFor(ls); err != nil {
		return err
	}
	if err := a.Store.SetLabelSettings(r.Context(), p.Studio.ID, ls); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"settings": labelSettingsJSON(ls)})
	return nil
}

// piecesLabel prints a piece's box label or base plaque on a label stock:
// the one named by ?stock=, else the studio's, with the studio's printer
// offset.
func (a *API) piecesLabel(w http.ResponseWriter, r *http.Request, p studio.Principal) error {
	q := r.URL.Query()
	opt := pdf.LabelOptions{Kind: pdf.LabelKind(q.Get("kind"))}
	f := studio.Fields{}
	for _, n := range []struct {
		name string
		to   *int
	}{{"start", &opt.Start}, {"copies", &opt.Copies}} {
		if raw := q.Get(n.name); raw != "" {
			v, err := strconv.Atoi(raw)
			if err != nil {
				f.Add(n.name, "must be a whole number")
			}
			*n.to = v
		}
	}
	if err := f.Err(); err != nil {
		return err
	}
	ls, err := a.Store.LabelSettings(r.Context(), p.Studio.ID)
	if err != nil {
		return err
	}
	if s := q.Get("stock"); s != "" {
		ls.Stock = s // "custom" is the studio's custom stock, if it has one
	}
	stock, err := pdf.StockFor(ls)
	if err != nil {
		return err
	}
	opt.OffsetX, opt.OffsetY = ls.OffsetXMM, ls.OffsetYMM
	facts, err := a.Store.PieceFacts(r.Context(), p.Studio.ID, r.PathValue("id"))
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := pdf.Labels(&buf, stock, opt, pdf.LabelTextOf(facts)); err != nil {
		return err
	}
	writePDF(w, "label-"+r.PathValue("id")+".pdf", buf.Bytes())
	return nil
}
