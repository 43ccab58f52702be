package pdf

import (
	"fmt"
	"math"

	"atelier/internal/studio"
)

// StockFor is the stock a studio's label settings name, checked: a known
// preset, or a custom geometry that fits its page, and offsets within
// MaxOffset. Errors are Invalid, by field; a custom geometry's fields are
// named as in studio.LabelGeometry, prefixed "custom.".
func StockFor(ls studio.LabelSettings) (Stock, error) {
	f := studio.Fields{}
	for _, o := range []struct {
		field string
		v     float64
	}{{"offset_x_mm", ls.OffsetXMM}, {"offset_y_mm", ls.OffsetYMM}} {
		if math.IsNaN(o.v) || math.Abs(o.v) > MaxOffset {
			f.Add(o.field, fmt.Sprintf("must be from %g to %g mm", -MaxOffset, MaxOffset))
		}
	}
	var stock Stock
	switch {
	case ls.Stock == CustomKey && ls.Custom == nil:
		f.Add("custom", "is required for a custom stock: its page and label sizes, margins and pitch")
	case ls.Stock == CustomKey:
		stock = customStock(*ls.Custom)
		if err := stock.Validate(); err != nil {
			e, _ := err.(*studio.Error)
			for k, v := range e.Fields {
				if k != "columns" && k != "rows" {
					k += "_mm" // as studio.LabelGeometry names it
				}
				f.Add("custom."+k, v)
			}
		}
	default:
		var ok bool
		if stock, ok = StockByKey(ls.Stock); !ok {
			f.Add("stock", "is not a label stock Atelier knows: choose one of the presets or custom")
		}
	}
	return stock, f.Err()
}

// customStock is a studio's measured stock.
func customStock(g studio.LabelGeometry) Stock {
	return Stock{Key: CustomKey, Name: fmt.Sprintf("Custom (%g × %g mm, %d a sheet)", g.LabelWidthMM, g.LabelHeightMM, g.Columns*g.Rows),
		PageW: g.PageWidthMM, PageH: g.PageHeightMM, LabelW: g.LabelWidthMM, LabelH: g.LabelHeightMM, Columns: g.Columns, Rows: g.Rows,
		MarginTop: g.MarginTopMM, MarginLeft: g.MarginLeftMM, PitchX: g.PitchXMM, PitchY: g.PitchYMM}
}
