package api

import (
	"bytes"
	"encoding/csv"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"time"

	"atelier/internal/studio"
)

// materialJSON is an item as the API shows it; its field names are the
// CSV export's header. Quantities are numbers of the item's unit with up
// to three decimals; money is in minor units of the studio's currency.
type materialJSON struct {
	ID               string    `json:"id"`
	Name             string    `json:"name"`
	Category         string    `json:"category"`
	Unit             string    `json:"unit"`
	Quantity         float64   `json:"quantity"`
	UnitCostCents    int64     `json:"unit_cost_cents"`
	AverageCostCents int64     `json:"average_cost_cents"`
	ReorderLevel     float64   `json:"reorder_level"`
	Reorder          bool      `json:"reorder"`
	GramsPerUnit     float64   `json:"grams_per_unit"`
	Supplier         string    `json:"supplier"`
	Notes            string    `json:"notes"`
	Colour           string    `json:"colour"`
	Line             string    `json:"line"`
	CreatedAt        time.Time `json:"created_at"`
	UpdatedAt        time.Time `json:"updated_at"`
}

func materialView(m studio.Material) materialJSON {
	return materialJSON{ID: m.ID, Name: m.Name, Category: string(m.Category), Unit: string(m.Unit), Quantity: m.Quantity.Float(),
		UnitCostCents: m.UnitCostCents, AverageCostCents: m.AverageCostCents, ReorderLevel: m.ReorderLevel.Float(), Reorder: m.Reorder(),
		GramsPerUnit: m.GramsPerUnit.Float(), Supplier: m.Supplier, Notes: m.Notes, Colour: m.Colour, Line: m.Line, CreatedAt: m.CreatedAt, UpdatedAt: m.UpdatedAt}
}

// moveJSON is one stock move; its field names are the moves export's
// header.
type moveJSON struct {
	ID               string    `json:"id"`
	MaterialID       string    `json:"material_id"`
	Seq              int64     `json:"seq"`
	Kind             string    `json:"kind"`
	Quantity         float64   `json:"quantity"`
	UnitCostCents    int64     `json:"unit_cost_cents"`
	PieceID          string    `json:"piece_id"`
	Reason           string    `json:"reason"`
	QuantityAfter    float64   `json:"quantity_after"`
	AverageCostCents int64     `json:"average_cost_cents"`
	UserID           string    `json:"user_id"`
	CreatedAt        time.Time `json:"created_at"`
}

func moveView(mv studio.StockMove) moveJSON {
	return moveJSON{ID: mv.ID, MaterialID: mv.MaterialID, Seq: mv.Seq, Kind: string(mv.Kind), Quantity: mv.Quantity.Float(),
		UnitCostCents: mv.UnitCostCents, PieceID: mv.PieceID, Reason: mv.Reason, QuantityAfter: mv.QuantityAfter.Float(),
		AverageCostCents: mv.AverageAfter, UserID: mv.UserID, CreatedAt: mv.CreatedAt}
}

// quantityField reads a quantity sent as a number of units into f's
// problems.
func quantityField(f studio.Fields, field string, v float64) studio.Quantity {
	q, ok := studio.QuantityOf(v)
	if !ok {
		f.Add(field, "must be a number of at most a billion with at most three decimals")
	}
	return q
}

// costField reads a cost in minor units into f's problems.
func costField(f studio.Fields, field string, v float64) int64 {
	c, why := studio.CostOf(v)
	if why != "" {
		f.Add(field, why)
	}
	return c
}

func (a *API) materialsCreate(w http.ResponseWriter, r *http.Request, p studio.Principal) error {
	var body struct {
		Name          string  `json:"name"`
		Category      string  `json:"category"`
		Unit          string  `json:"unit"`
		Quantity      float64 `json:"quantity"`
		UnitCostCents float64 `json:"unit_cost_cents"`
		ReorderLevel  float64 `json:"reorder_level"`
		GramsPerUnit  float64 `json:"grams_per_unit"`
		Supplier      string  `json:"supplier"`
		Notes         string  `json:"notes"`
		Colour        string  `json:"colour"`
		Line          string  `json:"line"`
	}
	if err := decode(r, &body); err != nil {
		return err
	}
	f := studio.Fields{}
	m := studio.Material{Name: strings.TrimSpace(body.Name), Category: studio.Category(body.Category), Unit: studio.Unit(body.Unit),
		Quantity: quantityField(f, "quantity", body.Quantity), UnitCostCents: costField(f, "unit_cost_cents", body.UnitCostCents),
		ReorderLevel: quantityField(f, "reorder_level", body.ReorderLevel), GramsPerUnit: quantityField(f, "grams_per_unit", body.GramsPerUnit),
		Supplier: strings.TrimSpace(body.Supplier),
		Notes:    strings.TrimSpace(body.Notes), Colour: strings.TrimSpace(body.Colour), Line: strings.TrimSpace(body.Line)}
	if err := f.Err(); err != nil {
		return err
	}
	m, err := a.Store.CreateMaterial(r.Context(), p.Studio.ID, p.User.ID, m)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, materialView(m))
	return nil
}

func (a *API) materialsList(w http.ResponseWriter, r *http.Request, p studio.Principal) error {
	list, err := a.Store.Materials(r.Context(), p.Studio.ID)
	if err != nil {
		return err
	}
	out := []materialJSON{}
	for _, m := range list {
		out = append(out, materialView(m))
	}
	writeJSON(w, http.StatusOK, map[string]any{"materials": out})
	return nil
}

func (a *API) materialsShow(w http.ResponseWriter, r *http.Request, p studio.Principal) error {
	m, err := a.Store.Material(r.Context(), p.Studio.ID, r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, materialView(m))
	return nil
}

func (a *API) materialsUpdate(w http.ResponseWriter, r *http.Request, p studio.Principal) error {
	var body struct {
		Name          *string  `json:"name"`
		Category      *string  `json:"category"`
		Unit          *string  `json:"unit"`
		UnitCostCents *float64 `json:"unit_cost_cents"`
		ReorderLevel  *float64 `json:"reorder_level"`
		GramsPerUnit  *float64 `json:"grams_per_unit"`
		Supplier      *string  `json:"supplier"`
		Notes         *string  `json:"notes"`
		Colour        *string  `json:"colour"`
		Line          *string  `json:"line"`
	}
	if err := decode(r, &body); err != nil {
		return err
	}
	f := studio.Fields{}
	upd := studio.MaterialUpdate{Name: body.Name, Category: (*studio.Category)(body.Category), Unit: (*studio.Unit)(body.Unit),
		Supplier: body.Supplier, Notes: body.Notes, Colour: body.Colour, Line: body.Line}
	if body.UnitCostCents != nil {
		c := costField(f, "unit_cost_cents", *body.UnitCostCents)
		upd.UnitCostCents = &c
	}
	if body.ReorderLevel != nil {
		q := quantityField(f, "reorder_level", *body.ReorderLevel)
		upd.ReorderLevel = &q
	}
	if body.GramsPerUnit != nil {
		q := quantityField(f, "grams_per_unit", *body.GramsPerUnit)
		upd.GramsPerUnit = &q
	}
	if err := f.Err(); err != nil {
		return err
	}
	m, err := a.Store.UpdateMaterial(r.Context(), p.Studio.ID, r.PathValue("id"), upd)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, materialView(m))
	return nil
}

func (a *API) materialsDelete(w http.ResponseWriter, r *http.Request, p studio.Principal) error {
	if err := a.Store.DeleteMaterial(r.Context(), p.Studio.ID, r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// materialsStarter loads the guide's starter list into the inventory.
func (a *API) materialsStarter(w http.ResponseWriter, r *http.Request, p studio.Principal) error {
	added, err := a.Store.LoadStarterMaterials(r.Context(), p.Studio.ID, p.User.ID)
	if err != nil {
		return err
	}
	out := []materialJSON{}
	for _, m := range added {
		out = append(out, materialView(m))
	}
	writeJSON(w, http.StatusCreated, map[string]any{"materials": out})
	return nil
}

func (a *API) materialsMove(w http.ResponseWriter, r *http.Request, p studio.Principal) error {
	var body struct {
		Kind          string  `json:"kind"`
		Quantity      float64 `json:"quantity"`
		UnitCostCents float64 `json:"unit_cost_cents"`
		PieceID       string  `json:"piece_id"`
		Reason        string  `json:"reason"`
	}
	if err := decode(r, &body); err != nil {
		return err
	}
	f := studio.Fields{}
	mv := studio.StockMove{Kind: studio.MoveKind(body.Kind), Quantity: quantityField(f, "quantity", body.Quantity),
		UnitCostCents: costField(f, "unit_cost_cents", body.UnitCostCents), PieceID: strings.TrimSpace(body.PieceID), Reason: strings.TrimSpace(body.Reason)}
	if err := f.Err(); err != nil {
		return err
	}
	m, out, err := a.Store.AddMove(r.Context(), p.Studio.ID, p.User.ID, r.PathValue("id"), mv)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, map[string]any{"move": moveView(out), "material": materialView(m)})
	return nil
}

func (a *API) materialsMoves(w http.ResponseWriter, r *http.Request, p studio.Principal) error {
	list, err := a.Store.MaterialMoves(r.Context(), p.Studio.ID, r.PathValue("id"))
	if err != nil {
		return err
	}
	out := []moveJSON{}
	for _, mv := range list {
		out = append(out, moveView(mv))
	}
	writeJSON(w, http.StatusOK, map[string]any{"moves": out})
	return nil
}

func (a *API) materialsSettings(w http.ResponseWriter, r *http.Request, p studio.Principal) error {
	allowed, err := a.Store.NegativeStockAllowed(r.Context(), p.Studio.ID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"allow_negative_stock": allowed})
	return nil
}

func (a *API) materialsSettingsUpdate(w http.ResponseWriter, r *http.Request, p studio.Principal) error {
	var body struct {
		AllowNegativeStock *bool `json:"allow_negative_stock"`
	}
	if err := decode(r, &body); err != nil {
		return err
	}
	if body.AllowNegativeStock == nil {
		return studio.FieldError("allow_negative_stock", "is required")
	}
	if err := a.Store.SetNegativeStockAllowed(r.Context(), p.Studio.ID, *body.AllowNegativeStock); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"allow_negative_stock": *body.AllowNegativeStock})
	return nil
}

func (a *API) materialsExport(w http.ResponseWriter, r *http.Request, p studio.Principal) error {
	list, err := a.Store.Materials(r.Context(), p.Studio.ID)
	if err != nil {
		return err
	}
	rows := make([]any, len(list))
	for i, m := range list {
		rows[i] = materialView(m)
	}
	return writeCSV(w, "materials.csv", materialJSON{}, rows)
}

func (a *API) materialsMovesExport(w http.ResponseWriter, r *http.Request, p studio.Principal) error {
	list, err := a.Store.AllMaterialMoves(r.Context(), p.Studio.ID)
	if err != nil {
		return err
	}
	rows := make([]any, len(list))
	for i, mv := range list {
		rows[i] = moveView(mv)
	}
	return writeCSV(w, "material-moves.csv", moveJSON{}, rows)
}

// writeCSV writes rows of one JSON view struct as CSV: a header of its JSON
// field names, then one line per row in the same order. No rows is the
// header alone.
func writeCSV(w http.ResponseWriter, name string, view any, rows []any) error {
	t := reflect.TypeOf(view)
	var buf bytes.Buffer
	cw := csv.NewWriter(&buf)
	header := make([]string, t.NumField())
	for i := range header {
		header[i], _, _ = strings.Cut(t.Field(i).Tag.Get("json"), ",")
	}
	cw.Write(header)
	for _, row := range rows {
		v := reflect.ValueOf(row)
		rec := make([]string, v.NumField())
		for i := range rec {
			rec[i] = csvCell(v.Field(i).Interface())
		}
		cw.Write(rec)
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	w.Write(buf.Bytes())
	return nil
}

// csvCell writes a value as the JSON shows it. A text that a spreadsheet
// would run as a formula is written with a leading quote mark.
func csvCell(v any) string {
	switch x := v.(type) {
	case string:
		if x != "" && strings.ContainsRune("=+-@\t\r", rune(x[0])) {
			return "'" + x
		}
		return x
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case int64:
		return strconv.FormatInt(x, 10)
	case bool:
		return strconv.FormatBool(x)
	case time.Time:
		return x.UTC().Format(time.RFC3339Nano)
	}
	return ""
}
