package studio

// LabelSettings is the label stock a studio prints box labels and plaques
// on, and the offset that corrects its printer. Which stocks exist and
// what makes a custom one printable is the PDF renderer's to say
// (pdf.StockFor).
type LabelSettings struct {
	// Stock is a preset's key, or "custom" for Custom.
	Stock  string
	Custom *LabelGeometry
	// OffsetXMM and OffsetYMM shift everything printed (positive: right
	// and down) for a printer that shifts.
	OffsetXMM float64
	OffsetYMM float64
}

// DefaultLabelStock is the stock of a studio that has not chosen one: the
// A4 sheet of 21 address labels most home printers take.
const DefaultLabelStock = "avery-l7160"

// LabelGeometry is a custom label stock as the studio measured it, in mm.
type LabelGeometry struct {
	PageWidthMM   float64 `json:"page_width_mm"`
	PageHeightMM  float64 `json:"page_height_mm"`
	LabelWidthMM  float64 `json:"label_width_mm"`
	LabelHeightMM float64 `json:"label_height_mm"`
	Columns       int     `json:"columns"`
	Rows          int     `json:"rows"`
	MarginTopMM   float64 `json:"margin_top_mm"`
	MarginLeftMM  float64 `json:"margin_left_mm"`
	PitchXMM      float64 `json:"pitch_x_mm"`
	PitchYMM      float64 `json:"pitch_y_mm"`
}
