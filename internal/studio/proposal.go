package studio

import "fmt"

// Proposal is work the studio might take on, as "if I accept this today,
// when can I ship?" states it: the planner's what-if and the quote form.
type Proposal struct {
	TargetHeightMM float64
	ClayBrands     []string
	MaxThicknessMM *float64
	// Count is how many pieces; 0 means one.
	Count int
}

// MaxProposalCount bounds the pieces one proposal adds.
const MaxProposalCount = 100

// Validate checks a proposal by the rules a new piece keeps (the studio's
// clays, a miniature's height, a curable thickness) and its count;
// knownBrands are the clay keys the studio has.
func (p *Proposal) Validate(knownBrands []string) error {
	f := Fields{}
	if len(p.ClayBrands) == 0 {
		f.Add("clay_brands", "name at least one of the studio's clays: the bake depends on it")
	}
	checkBrands(f, p.ClayBrands, knownBrands)
	checkLength(f, "target_height_mm", &p.TargetHeightMM, true)
	checkThickness(f, p.MaxThicknessMM)
	if p.Count == 0 {
		p.Count = 1
	}
	if p.Count < 1 || p.Count > MaxProposalCount {
		f.Add("count", fmt.Sprintf("must be from 1 to %d pieces", MaxProposalCount))
	}
	return f.Err()
}
