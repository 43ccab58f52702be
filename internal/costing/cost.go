package costing

import (
	"fmt"
	"math"
	"math/big"

	"atelier/internal/studio"
)

// Use is one use of a material on a piece, valued at the material's
// average cost at the time of use (the moving average the stock held
// then, not today's price).
type Use struct {
	// QuantityMilli is the quantity in thousandths of the material's
	// unit: 25.5 g of clay is 25500, two pins are 2000.
	QuantityMilli int64
	// AverageCostMilliCents is the average cost of one whole unit in
	// thousandths of a minor unit (cent). Whole cents are too coarse for
	// clay by the gram: a 57 g block at 2.49 costs 4.368 cents a gram,
	// which is 4368 here.
	AverageCostMilliCents int64
}

// Work is work time logged on a piece.
type Work struct{ Minutes int }

// Bake is one bake of a piece: the oven's power and the baked minutes.
type Bake struct {
	// PowerW is the oven's rated power in watts; 0 means the studio has
	// not entered it, and the bake then adds no energy cost (Breakdown
	// counts such bakes).
	PowerW  int
	Minutes int
}

// DefaultMarkup is the markup a studio that sets none gets.
const DefaultMarkup = 2.0

// MaxMarkup bounds the markup a studio may set.
const MaxMarkup = 1000

// Rates are the studio's prices that turn a piece's logs into money.
type Rates struct {
	// Currency is the ISO 4217 code; Rounding needs it to know how many
	// minor units make a whole unit. It may be empty with RoundCent.
	Currency string
	// HourlyRateCents is the studio's rate for an hour of work.
	HourlyRateCents int64
	// KWhPriceMilliCents is the price of a kilowatt-hour in thousandths
	// of a cent: 0.3172 EUR/kWh is 31720. Tariffs have fractions of a
	// cent.
	KWhPriceMilliCents int64
	// Markup multiplies the cost into the suggested price; 0 means
	// DefaultMarkup. It is used to three decimals.
	Markup float64
	// Rounding says how the suggested price is rounded.
	Rounding Rounding
}

// Validate checks the rates.
func (r Rates) Validate() error {
	f := studio.Fields{}
	if r.HourlyRateCents < 0 {
		f.Add("hourly_rate_cents", "must not be negative")
	}
	if r.KWhPriceMilliCents < 0 {
		f.Add("kwh_price_milli_cents", "must not be negative")
	}
	if m := r.Markup; m != 0 && !(m >= 1 && m <= MaxMarkup) {
		f.Add("markup", fmt.Sprintf("must be from 1 to %d, or empty for %g", MaxMarkup, DefaultMarkup))
	}
	if why := r.Rounding.problem(r.Currency); why != "" {
		f.Add("rounding", why)
	}
	return f.Err()
}

func (r Rates) markupMilli() int64 {
	if r.Markup == 0 {
		return int64(DefaultMarkup * 1000)
	}
	return int64(math.Round(r.Markup * 1000))
}

// Breakdown is what a piece (or, summed, an edition) cost, in minor units
// of the studio's currency. Total is the sum of the three parts as shown.
type Breakdown struct {
	MaterialsCents      int64
	LabourCents         int64
	EnergyCents         int64
	TotalCents          int64
	SuggestedPriceCents int64
	// UnknownPowerBakes counts bakes in an oven without a power figure:
	// EnergyCents leaves them out, and the studio should be told.
	UnknownPowerBakes int
}

// Cost rolls up a piece's cost and suggested price.
//
//	materials = Σ quantity × average cost
//	labour    = Σ minutes / 60 × hourly rate
//	energy    = Σ power_w / 1000 × minutes / 60 × price per kWh
//	total     = materials + labour + energy
//	price     = total × markup, then rounded up as Rates.Rounding says
//
// Each part is computed exactly in integers and rounded once to whole
// cents, half up (x.5 cents goes up). Negative inputs and rates are
// invalid; a result that would not fit in int64 is an error, not a wrap.
func Cost(uses []Use, work []Work, bakes []Bake, r Rates) (Breakdown, error) {
	if err := r.Validate(); err != nil {
		return Breakdown{}, err
	}
	if err := checkLogs(uses, work, bakes); err != nil {
		return Breakdown{}, err
	}
	var b Breakdown
	mats, mins, wattMins := new(big.Int), new(big.Int), new(big.Int)
	for _, u := range uses {
		mats.Add(mats, mul(u.QuantityMilli, u.AverageCostMilliCents))
	}
	for _, w := range work {
		mins.Add(mins, big.NewInt(int64(w.Minutes)))
	}
	for _, k := range bakes {
		if k.PowerW == 0 && k.Minutes > 0 {
			b.UnknownPowerBakes++
		}
		wattMins.Add(wattMins, mul(int64(k.PowerW), int64(k.Minutes)))
	}
	// QuantityMilli × milli-cents is in millionths of a cent; an hour is
	// 60 minutes; a kWh is 60 000 watt-minutes, priced in milli-cents.
	materials := divHalfUp(mats, 1_000_000)
	labour := divHalfUp(mins.Mul(mins, big.NewInt(r.HourlyRateCents)), 60)
	energy := divHalfUp(wattMins.Mul(wattMins, big.NewInt(r.KWhPriceMilliCents)), 60_000*1000)
	return b.priced(materials, labour, energy, r)
}

// priced fills the breakdown from its three parts in whole cents: their
// total, and the suggested price = total × markup, rounded as the rates
// say.
func (b Breakdown) priced(materials, labour, energy *big.Int, r Rates) (Breakdown, error) {
	total := new(big.Int).Add(materials, labour)
	total.Add(total, energy)
	price := divHalfUp(new(big.Int).Mul(total, big.NewInt(r.markupMilli())), 1000)
	price = r.Rounding.apply(price, studio.MinorUnits(r.Currency))
	for _, v := range []struct {
		dst *int64
		v   *big.Int
	}{
		{&b.MaterialsCents, materials}, {&b.LabourCents, labour}, {&b.EnergyCents, energy},
		{&b.TotalCents, total}, {&b.SuggestedPriceCents, price},
	} {
		if !v.v.IsInt64() {
			return Breakdown{}, errTooLarge
		}
		*v.dst = v.v.Int64()
	}
	return b, nil
}

var errTooLarge = studio.Errorf(studio.Invalid, "the amounts are too large to add up")

func checkLogs(uses []Use, work []Work, bakes []Bake) error {
	f := studio.Fields{}
	for i, u := range uses {
		if u.QuantityMilli < 0 {
			f.Add(fmt.Sprintf("uses[%d].quantity", i), "must not be negative")
		}
		if u.AverageCostMilliCents < 0 {
			f.Add(fmt.Sprintf("uses[%d].average_cost", i), "must not be negative")
		}
	}
	for i, w := range work {
		if w.Minutes < 0 {
			f.Add(fmt.Sprintf("work[%d].minutes", i), "must not be negative")
		}
	}
	for i, k := range bakes {
		if k.PowerW < 0 {
			f.Add(fmt.Sprintf("bakes[%d].power_w", i), "must not be negative")
		}
		if k.Minutes < 0 {
			f.Add(fmt.Sprintf("bakes[%d].minutes", i), "must not be negative")
		}
	}
	return f.Err()
}

func mul(a, b int64) *big.Int {
	return new(big.Int).Mul(big.NewInt(a), big.NewInt(b))
}

// divHalfUp divides a non-negative n by d, rounding half up.
func divHalfUp(n *big.Int, d int64) *big.Int {
	q, m := new(big.Int).QuoRem(n, big.NewInt(d), new(big.Int))
	if m.Lsh(m, 1).Cmp(big.NewInt(d)) >= 0 {
		q.Add(q, big.NewInt(1))
	}
	return q
}

// Sum adds up pieces' breakdowns, as for an edition's totals. The
// suggested price is the sum of the pieces' rounded prices.
func Sum(bs ...Breakdown) (Breakdown, error) {
	var s Breakdown
	for _, b := range bs {
		for _, p := range []struct{ dst, v *int64 }{
			{&s.MaterialsCents, &b.MaterialsCents}, {&s.LabourCents, &b.LabourCents},
			{&s.EnergyCents, &b.EnergyCents}, {&s.TotalCents, &b.TotalCents},
			{&s.SuggestedPriceCents, &b.SuggestedPriceCents},
		} {
			sum := *p.dst + *p.v
			if (*p.v > 0 && sum < *p.dst) || (*p.v < 0 && sum > *p.dst) {
				return Breakdown{}, errTooLarge
			}
			*p.dst = sum
		}
		s.UnknownPowerBakes += b.UnknownPowerBakes
	}
	return s, nil
}
