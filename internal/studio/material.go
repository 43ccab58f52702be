package studio

import (
	"fmt"
	"math"
	"math/big"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Category is the guide's grouping of a studio's materials.
type Category string

const (
	CatClay         Category = "clay"
	CatWorkSurface  Category = "work_surface"
	CatCutting      Category = "cutting_shaping"
	CatSculpting    Category = "sculpting_aids"
	CatFinishing    Category = "finishing"
	CatPainting     Category = "painting"
	CatBaking       Category = "baking"
	CatPresentation Category = "presentation"
)

// Categories lists the categories in the guide's order.
var Categories = []Category{CatClay, CatWorkSurface, CatCutting, CatSculpting, CatFinishing, CatPainting, CatBaking, CatPresentation}

// Unit is what a material's quantity counts.
type Unit string

const (
	UnitGrams  Unit = "g"
	UnitBlock  Unit = "block"
	UnitMl     Unit = "ml"
	UnitSheet  Unit = "sheet"
	UnitPiece  Unit = "piece"
	UnitMetres Unit = "m"
)

// MaterialUnits lists the units a material may be counted in.
var MaterialUnits = []Unit{UnitGrams, UnitBlock, UnitMl, UnitSheet, UnitPiece, UnitMetres}

// Countable reports whether the unit counts whole things: a block, a
// sheet, a piece is never used in part.
func (u Unit) Countable() bool { return u == UnitBlock || u == UnitSheet || u == UnitPiece }

// Quantity is an amount of a material in thousandths of its unit
// (milligrams, microlitres, millimetres, a thousandth of a block): exact
// integer arithmetic with three decimals, enough for any scale in a
// studio. 2.5 g is Quantity(2500).
type Quantity int64

// QuantityScale is how many Quantity make one unit.
const QuantityScale = 1000

// WholeUnits makes a Quantity of whole units.
func WholeUnits(n int64) Quantity { return Quantity(n * QuantityScale) }

// String writes the quantity in units with as few decimals as it needs:
// "2.5", "12", "-0.125".
func (q Quantity) String() string {
	s := strconv.FormatInt(int64(q)/QuantityScale, 10)
	if q < 0 && q > -QuantityScale {
		s = "-0"
	}
	frac := int64(q) % QuantityScale
	if frac < 0 {
		frac = -frac
	}
	if frac == 0 {
		return s
	}
	return s + "." + strings.TrimRight(fmt.Sprintf("%03d", frac), "0")
}

// Float is the quantity in units, for JSON.
func (q Quantity) Float() float64 { return float64(q) / QuantityScale }

// Whole reports whether the quantity is a whole number of units.
func (q Quantity) Whole() bool { return q%QuantityScale == 0 }

// maxQuantity bounds a quantity at a billion units: far past any studio's
// shelf, and far from overflowing the average-cost arithmetic.
const maxQuantity = 1e9 * QuantityScale

// QuantityOf reads a quantity sent as a number of units. It refuses more
// than three decimals, and amounts beyond a billion units.
func QuantityOf(v float64) (Quantity, bool) {
	if math.IsNaN(v) || math.IsInf(v, 0) || math.Abs(v) > 1e9 {
		return 0, false
	}
	scaled := v * QuantityScale
	r := math.Round(scaled)
	if math.Abs(scaled-r) > 1e-6 {
		return 0, false
	}
	return Quantity(r), true
}

// QuantityProblem says why q cannot be a stock or move amount in unit u,
// or "".
func QuantityProblem(q Quantity, u Unit, negativeAllowed bool) string {
	switch {
	case q < 0 && !negativeAllowed:
		return "must not be negative"
	case q > maxQuantity || q < -maxQuantity:
		return "must be at most a billion"
	case u.Countable() && !q.Whole():
		return "must be a whole number of " + string(u) + "s"
	}
	return ""
}

// CostOf reads a unit cost sent in minor units: a fraction of a minor unit
// has more decimals than the currency has.
func CostOf(v float64) (int64, string) {
	switch {
	case math.IsNaN(v) || math.IsInf(v, 0) || v < 0:
		return 0, "must not be negative"
	case v != math.Trunc(v):
		return 0, "has more decimals than the currency has: it is in minor units (cents), a whole number"
	case v > 1e12:
		return 0, "must be at most 10^12 minor units"
	}
	return int64(v), ""
}

// MaterialLineText is a paint's product line ("Amsterdam Standard").
var MaterialLineText = TextRule{Max: 100}

// Material is one item of the studio's inventory. Quantity and
// AverageCostCents move only with stock moves; UnitCostCents is the price
// the studio pays now (the last purchase's, or as entered).
type Material struct {
	ID               string
	StudioID         string
	Name             string
	Category         Category
	Unit             Unit
	Quantity         Quantity
	UnitCostCents    int64
	AverageCostCents int64
	ReorderLevel     Quantity
	// GramsPerUnit is what one unit weighs, in thousandths of a gram (a
	// 57 g block is 57000); 0 when not known. Clay counted in blocks needs
	// it for its grams to count in the clay model and the forecast.
	GramsPerUnit Quantity
	Supplier     string
	Notes        string
	// Colour (#RRGGBB) and Line are a paint's; other items leave them
	// empty.
	Colour    string
	Line      string
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Validate checks an item's fields. Its stock may be below zero only when
// the studio allows it (negativeAllowed).
func (m Material) Validate(negativeAllowed bool) error {
	f := Fields{}
	f.Text("name", m.Name, NameText)
	if !slices.Contains(Categories, m.Category) {
		f.Add("category", "must be one of "+joinCategories())
	}
	if !slices.Contains(MaterialUnits, m.Unit) {
		f.Add("unit", "must be one of g, block, ml, sheet, piece, m")
	} else {
		if why := QuantityProblem(m.Quantity, m.Unit, negativeAllowed); why != "" {
			f.Add("quantity", why)
		}
		if why := QuantityProblem(m.ReorderLevel, m.Unit, false); why != "" {
			f.Add("reorder_level", why)
		}
		if why := weightProblem(m.GramsPerUnit, m.Unit); why != "" {
			f.Add("grams_per_unit", why)
		}
	}
	if m.UnitCostCents < 0 {
		f.Add("unit_cost_cents", "must not be negative")
	}
	f.Text("supplier", m.Supplier, ShortText)
	f.Text("notes", m.Notes, NoteText)
	f.Text("line", m.Line, MaterialLineText)
	if m.Colour != "" && !hexColour.MatchString(m.Colour) {
		f.Add("colour", "must be a colour written #RRGGBB")
	}
	if (m.Colour != "" || m.Line != "") && m.Category != CatPainting {
		f.Add("colour", "only a paint (category painting) carries a colour and line")
	}
	return f.Err()
}

func joinCategories() string {
	s := make([]string, len(Categories))
	for i, c := range Categories {
		s[i] = string(c)
	}
	return strings.Join(s, ", ")
}

// maxGramsPerUnit bounds an item's weight at 100 kg a unit.
const maxGramsPerUnit = 100_000 * QuantityScale

// weightProblem says why w cannot be the weight of one unit u, or "".
func weightProblem(w Quantity, u Unit) string {
	switch {
	case w < 0:
		return "must not be negative"
	case w > maxGramsPerUnit:
		return "must be at most 100000 g"
	case u == UnitGrams && w != 0 && w != QuantityScale:
		return "is 1 for an item counted in grams: leave it empty"
	}
	return ""
}

// Grams is what q of the item weighs, and whether its weight is known:
// an item counted in grams weighs its quantity, another what its units
// weigh when the studio entered that.
func (m Material) Grams(q Quantity) (float64, bool) {
	switch {
	case m.Unit == UnitGrams:
		return q.Float(), true
	case m.GramsPerUnit > 0:
		return q.Float() * m.GramsPerUnit.Float(), true
	}
	return 0, false
}

// Reorder reports whether the item has fallen to its reorder level.
func (m Material) Reorder() bool { return m.ReorderLevel > 0 && m.Quantity <= m.ReorderLevel }

// MaterialUpdate holds an item's editable fields; nil leaves one as it is.
// Quantity is not among them: stock changes only by moves.
type MaterialUpdate struct {
	Name          *string
	Category      *Category
	Unit          *Unit
	UnitCostCents *int64
	ReorderLevel  *Quantity
	GramsPerUnit  *Quantity
	Supplier      *string
	Notes         *string
	Colour        *string
	Line          *string
}

// Apply returns m with the update applied and checked.
func (u MaterialUpdate) Apply(m Material) (Material, error) {
	trim := strings.TrimSpace
	set(&m.Name, u.Name, trim)
	set(&m.Category, u.Category, func(c Category) Category { return c })
	set(&m.Unit, u.Unit, func(v Unit) Unit { return v })
	set(&m.UnitCostCents, u.UnitCostCents, func(v int64) int64 { return v })
	set(&m.ReorderLevel, u.ReorderLevel, func(v Quantity) Quantity { return v })
	set(&m.GramsPerUnit, u.GramsPerUnit, func(v Quantity) Quantity { return v })
	set(&m.Supplier, u.Supplier, trim)
	set(&m.Notes, u.Notes, trim)
	set(&m.Colour, u.Colour, trim)
	set(&m.Line, u.Line, trim)
	// The stock is not the update's: stock the studio let fall below
	// zero does not hold up an edit of the name.
	return m, m.Validate(true)
}

// MoveKind is what a stock move does.
type MoveKind string

const (
	// MovePurchase adds stock at a unit cost, which moves the average.
	MovePurchase MoveKind = "purchase"
	// MoveUse takes stock for a piece.
	MoveUse MoveKind = "use"
	// MoveAdjustment corrects the count, up or down, with a reason.
	MoveAdjustment MoveKind = "adjustment"
	// MoveWaste takes spoiled or lost stock, with a reason.
	MoveWaste MoveKind = "waste"
)

// MoveKinds lists the moves a person may record.
var MoveKinds = []MoveKind{MovePurchase, MoveUse, MoveAdjustment, MoveWaste}

// StockMove is one change of an item's stock. Quantity is as sent: positive
// for a purchase, use or waste, signed for an adjustment. QuantityAfter and
// AverageAfter are the item's figures once it applied.
type StockMove struct {
	ID            string
	StudioID      string
	MaterialID    string
	Seq           int64
	Kind          MoveKind
	Quantity      Quantity
	UnitCostCents int64
	PieceID       string
	Reason        string
	QuantityAfter Quantity
	AverageAfter  int64
	UserID        string
	CreatedAt     time.Time
}

// Validate checks the move's own fields against the item's unit.
func (mv StockMove) Validate(u Unit) error {
	f := Fields{}
	if !slices.Contains(MoveKinds, mv.Kind) {
		f.Add("kind", "must be purchase, use, adjustment or waste")
		return f.Err()
	}
	if why := QuantityProblem(mv.Quantity, u, mv.Kind == MoveAdjustment); why != "" {
		f.Add("quantity", why)
	} else if mv.Quantity == 0 {
		f.Add("quantity", "must not be zero")
	}
	if mv.UnitCostCents < 0 {
		f.Add("unit_cost_cents", "must not be negative")
	}
	if mv.Kind != MovePurchase && mv.UnitCostCents != 0 {
		f.Add("unit_cost_cents", "is given only with a purchase")
	}
	if mv.Kind == MoveUse && strings.TrimSpace(mv.PieceID) == "" {
		f.Add("piece_id", "is required: a use is against a piece")
	}
	f.Text("piece_id", mv.PieceID, IDText)
	if mv.Kind == MoveAdjustment || mv.Kind == MoveWaste {
		f.Text("reason", mv.Reason, ReasonText)
	} else {
		f.Text("reason", mv.Reason, NoteText)
	}
	return f.Err()
}

// Delta is the change the move makes to the stock.
func (mv StockMove) Delta() Quantity {
	if mv.Kind == MoveUse || mv.Kind == MoveWaste {
		return -mv.Quantity
	}
	return mv.Quantity
}

// ApplyMove applies a checked move to the item: the new stock, and for a
// purchase the new weighted average cost. Stock that would fall below zero
// is a conflict naming the shortfall, unless negativeAllowed.
func ApplyMove(m Material, mv StockMove, negativeAllowed bool) (Material, error) {
	after := m.Quantity + mv.Delta()
	if after < 0 && mv.Delta() < 0 && !negativeAllowed {
		short := -after
		if m.Quantity < 0 {
			short = -mv.Delta()
		}
		return m, &Error{Code: Conflict,
			Message: fmt.Sprintf("Only %s %s of %s in stock: %s %s short.", m.Quantity, m.Unit, m.Name, short, m.Unit),
			Data:    map[string]any{"shortfall": short.Float(), "in_stock": m.Quantity.Float()}}
	}
	if mv.Kind == MovePurchase {
		m.AverageCostCents = WeightedAverage(m.Quantity, m.AverageCostCents, mv.Quantity, mv.UnitCostCents)
		m.UnitCostCents = mv.UnitCostCents
	}
	if after > maxQuantity || after < -maxQuantity {
		return m, FieldError("quantity", "would take the stock past a billion")
	}
	m.Quantity = after
	return m, nil
}

// WeightedAverage is the moving average unit cost after buying addQty at
// addCost, in minor units rounded half up: (oldQty·oldAvg + addQty·addCost)
// / (oldQty + addQty). Stock at or below zero carries no cost, so the
// purchase's cost becomes the average.
func WeightedAverage(oldQty Quantity, oldAvg int64, addQty Quantity, addCost int64) int64 {
	if addQty <= 0 {
		return oldAvg
	}
	if oldQty <= 0 {
		return addCost
	}
	num := new(big.Int).Mul(big.NewInt(int64(oldQty)), big.NewInt(oldAvg))
	num.Add(num, new(big.Int).Mul(big.NewInt(int64(addQty)), big.NewInt(addCost)))
	den := big.NewInt(int64(oldQty + addQty))
	// Half up: (2·num + den) / (2·den).
	num.Add(num.Lsh(num, 1), den)
	return num.Quo(num, den.Lsh(den, 1)).Int64()
}

// StarterMaterial is an item of the guide's starter list, before the
// studio counts its stock.
func starter(name string, c Category, u Unit, reorder int64, notes string) Material {
	return Material{Name: name, Category: c, Unit: u, ReorderLevel: WholeUnits(reorder), Notes: notes}
}

// clay is a block of the starter list: 57 g, as FIMO and Premo! are sold.
func clay(name string, reorder int64, notes string) Material {
	m := starter(name, CatClay, UnitBlock, reorder, notes)
	m.GramsPerUnit = WholeUnits(57)
	return m
}

// StarterMaterials is the guide's list of what a portrait-miniature studio
// keeps, for a new studio to load and then count: stock and costs start at
// zero.
func StarterMaterials() []Material {
	return []Material{
		clay("FIMO professional, flesh", 4, "57 g blocks"),
		clay("FIMO soft, white", 2, "57 g blocks"),
		clay("Sculpey Premo!, beige", 4, "57 g blocks"),
		clay("Sculpey Premo!, translucent", 2, "57 g blocks; for skin blends"),
		starter("Silicone work mat", CatWorkSurface, UnitPiece, 0, "non-stick, heat-proof"),
		starter("Ceramic tile", CatWorkSurface, UnitPiece, 0, "bake directly on it"),
		starter("Precision knife", CatCutting, UnitPiece, 1, ""),
		starter("Precision knife blades", CatCutting, UnitPiece, 10, ""),
		starter("Needle scalpel", CatCutting, UnitPiece, 0, ""),
		starter("Dental picks", CatSculpting, UnitPiece, 0, "set"),
		starter("Ball styluses", CatSculpting, UnitPiece, 0, "set"),
		starter("Copper wire, 22 gauge", CatSculpting, UnitMetres, 5, "armatures"),
		starter("Aluminium foil", CatSculpting, UnitMetres, 2, "armature cores"),
		starter("Modelling pins", CatSculpting, UnitPiece, 20, ""),
		starter("Sandpaper 400", CatFinishing, UnitSheet, 2, "wet sanding"),
		starter("Sandpaper 800", CatFinishing, UnitSheet, 2, "wet sanding"),
		starter("Sandpaper 1200", CatFinishing, UnitSheet, 2, "wet sanding"),
		starter("Sandpaper 2000", CatFinishing, UnitSheet, 2, "wet sanding"),
		starter("Polishing cloth", CatFinishing, UnitPiece, 1, ""),
		starter("Matte polyurethane varnish", CatFinishing, UnitMl, 50, "water-based"),
		starter("Epoxy resin", CatFinishing, UnitMl, 50, "gloss for eyes"),
		{Name: "Acrylic paint, titanium white", Category: CatPainting, Unit: UnitMl, ReorderLevel: WholeUnits(20), Colour: "#FFFFFF"},
		{Name: "Acrylic paint, burnt sienna", Category: CatPainting, Unit: UnitMl, ReorderLevel: WholeUnits(20), Colour: "#8A3324"},
		{Name: "Acrylic paint, mars black", Category: CatPainting, Unit: UnitMl, ReorderLevel: WholeUnits(20), Colour: "#231F20"},
		starter("Sable brush, size 0", CatPainting, UnitPiece, 2, ""),
		starter("Sable brush, size 000", CatPainting, UnitPiece, 1, "eyes and lashes"),
		starter("Oven thermometer", CatBaking, UnitPiece, 0, "check the oven before every bake"),
		starter("Baking paper", CatBaking, UnitSheet, 5, ""),
		starter("Wooden base block", CatPresentation, UnitPiece, 3, ""),
		starter("Display box", CatPresentation, UnitPiece, 3, ""),
		starter("Packing foam", CatPresentation, UnitSheet, 3, ""),
		starter("Certificate paper", CatPresentation, UnitSheet, 10, "archival"),
	}
}
