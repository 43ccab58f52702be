package costing

import (
	"math/big"

	"atelier/internal/studio"
)

// Rounding is how a studio rounds its suggested prices. Every mode rounds
// up, so that the price never falls below cost × markup.
type Rounding string

const (
	// RoundCent keeps the price to the cent (the zero value).
	RoundCent Rounding = ""
	// RoundUnit rounds up to a whole currency unit: 23.40 → 24.00.
	RoundUnit Rounding = "unit"
	// RoundFive rounds up to a multiple of 5 units: 23.40 → 25.00.
	RoundFive Rounding = "five"
	// RoundTen rounds up to a multiple of 10 units: 23.40 → 30.00.
	RoundTen Rounding = "ten"
	// RoundCharm99 rounds up to the next price ending in .99:
	// 23.40 → 23.99, 24.00 → 24.99.
	RoundCharm99 Rounding = "charm99"
	// RoundCharm95 rounds up to the next price ending in .95:
	// 23.40 → 23.95, 23.96 → 24.95.
	RoundCharm95 Rounding = "charm95"
)

// Roundings lists the modes, for a form.
var Roundings = []Rounding{RoundCent, RoundUnit, RoundFive, RoundTen, RoundCharm99, RoundCharm95}

// problem says why the mode cannot round prices in currency, or "".
func (r Rounding) problem(currency string) string {
	switch r {
	case RoundCent:
		return ""
	case RoundUnit, RoundFive, RoundTen:
		if !studio.IsCurrency(currency) {
			return "needs the studio's currency"
		}
	case RoundCharm99, RoundCharm95:
		if !studio.IsCurrency(currency) || studio.MinorUnits(currency) < 2 {
			return "needs a currency with cents"
		}
	default:
		return "must be empty (to the cent) or one of: unit, five, ten, charm99, charm95"
	}
	return ""
}

// apply rounds a non-negative price in minor units up as the mode says;
// digits is the currency's number of minor-unit digits. A price of zero
// stays zero.
func (r Rounding) apply(p *big.Int, digits int) *big.Int {
	if p.Sign() == 0 || r == RoundCent {
		return p
	}
	unit := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(digits)), nil)
	step, below := new(big.Int).Set(unit), new(big.Int) // round to k·step − below
	switch r {
	case RoundFive:
		step.Mul(step, big.NewInt(5))
	case RoundTen:
		step.Mul(step, big.NewInt(10))
	case RoundCharm99:
		below.Quo(unit, big.NewInt(100))
	case RoundCharm95:
		below.Quo(unit, big.NewInt(100))
		below.Mul(below, big.NewInt(5))
	}
	// The smallest k·step − below that is ≥ p: k = ⌈(p + below) / step⌉.
	n := new(big.Int).Add(p, below)
	n.Add(n, step).Sub(n, big.NewInt(1))
	n.Quo(n, step)
	return n.Mul(n, step).Sub(n, below)
}
