package plan

import (
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"atelier/internal/studio"
)

// How long each stage's work takes, learned from the studio's finished
// pieces. See docs/planning.md for the reasoning behind each constant.

const (
	// ReferenceHeightMM is the height the defaults and medians are quoted
	// at: work scales linearly with target height over it.
	ReferenceHeightMM = 40
	// LearnAfter is the number of finished pieces a stage needs before
	// its logs replace the default: fewer is noise.
	LearnAfter = 5
	// HalfLife is the age at which a piece's log counts half: a studio's
	// hands get faster, and last year's pace says less than last month's.
	HalfLife = 180 * 24 * time.Hour
	// MaxStageMinutes bounds a studio's own default: anything longer is a typo.
	MaxStageMinutes = 10000
	// defaultSigma is the log-spread assumed before a stage is learned:
	// p10 ≈ 0.64 and p90 ≈ 1.57 times the median, honest about a guess.
	defaultSigma = 0.35
	// minSigma keeps a learned distribution from collapsing to a point
	// when five pieces happened to take the same time.
	minSigma = 0.05
	// z90 is the standard normal's 90th percentile.
	z90 = 1.2815515655446004
)

// FinishCoats is the number of coats the default finish time assumes: the
// pipeline requires at least two.
const FinishCoats = 2

// DefaultStageMinutes is the built-in work per stage for a 40 mm piece.
// The bake itself, the cool-down and coat drying are waits computed by the
// cure and coat rules, not work: first bake counts loading and unloading,
// finish counts 30 minutes a coat.
var DefaultStageMinutes = map[studio.Stage]int{
	studio.Concept:    60,
	studio.Armature:   45,
	studio.Sculpt:     240,
	studio.Texture:    60,
	studio.FirstBake:  15,
	studio.Sanding:    90,
	studio.ColourPlan: 30,
	studio.Paint:      180,
	studio.Finish:     30 * FinishCoats,
	studio.Mount:      30,
	studio.QC:         15,
}

// WorkStages are the stages that take work, in pipeline order: the ones
// after QC are states, not tasks.
var WorkStages = []studio.Stage{studio.Concept, studio.Armature, studio.Sculpt, studio.Texture,
	studio.FirstBake, studio.Sanding, studio.ColourPlan, studio.Paint, studio.Finish, studio.Mount, studio.QC}

// DurationSample is one finished piece's logged work on one stage.
type DurationSample struct {
	Minutes    float64
	HeightMM   float64
	FinishedAt time.Time
}

// StageEstimate is a stage's work for a piece at the reference height.
type StageEstimate struct {
	Stage          studio.Stage
	DefaultMinutes int
	// Median, P10 and P90 are minutes at ReferenceHeightMM.
	Median, P10, P90 float64
	Samples          int
	Learned          bool
	// sigma is the log-normal spread the sampler draws with.
	sigma float64
}

// At scales the estimate to a piece's height: median, p10, p90 in minutes.
func (e StageEstimate) At(heightMM float64) (median, p10, p90 float64) {
	k := heightFactor(heightMM)
	return e.Median * k, e.P10 * k, e.P90 * k
}

// Durations holds the estimate of every work stage.
type Durations struct {
	byStage map[studio.Stage]StageEstimate
}

// EstimateDurations fits every work stage from its samples. defaults
// override the built-in minutes per stage (the studio's own); a stage with
// fewer than LearnAfter usable samples keeps its default.
func EstimateDurations(samples map[studio.Stage][]DurationSample, defaults map[studio.Stage]int, now time.Time) Durations {
	d := Durations{byStage: map[studio.Stage]StageEstimate{}}
	for _, st := range WorkStages {
		def := DefaultStageMinutes[st]
		if m, ok := defaults[st]; ok && m > 0 {
			def = m
		}
		d.byStage[st] = estimateStage(st, def, samples[st], now)
	}
	return d
}

// Estimate is the stage's estimate; a stage that takes no work gets zero.
func (d Durations) Estimate(stage studio.Stage) StageEstimate {
	if e, ok := d.byStage[stage]; ok {
		return e
	}
	return StageEstimate{Stage: stage}
}

// All lists the work stages' estimates in pipeline order.
func (d Durations) All() []StageEstimate {
	out := make([]StageEstimate, 0, len(WorkStages))
	for _, st := range WorkStages {
		out = append(out, d.Estimate(st))
	}
	return out
}

// Sample draws one stage's work in minutes for a piece of the given height,
// from a log-normal with the fitted median and spread: work times are
// positive and skewed to the long side. Deterministic given rng.
func (d Durations) Sample(rng *rand.Rand, stage studio.Stage, heightMM float64) float64 {
	e := d.Estimate(stage)
	if e.Median <= 0 {
		return 0
	}
	return e.Median * heightFactor(heightMM) * math.Exp(e.sigma*rng.NormFloat64())
}

// heightFactor is linear in height; an unknown (zero or negative) height
// counts as the reference, so a missing measurement does not zero the work.
func heightFactor(heightMM float64) float64 {
	if !(heightMM > 0) || math.IsInf(heightMM, 0) {
		return 1
	}
	return heightMM / ReferenceHeightMM
}

type weighted struct{ v, w float64 }

func estimateStage(st studio.Stage, def int, samples []DurationSample, now time.Time) StageEstimate {
	pts := normalise(samples, now)
	e := StageEstimate{Stage: st, DefaultMinutes: def, Samples: len(pts)}
	if len(pts) < LearnAfter {
		m := float64(def)
		e.Median, e.sigma = m, defaultSigma
		e.P10, e.P90 = m*math.Exp(-z90*defaultSigma), m*math.Exp(z90*defaultSigma)
		return e
	}
	e.Learned = true
	e.Median, e.P10, e.P90 = quantile(pts, 0.5), quantile(pts, 0.1), quantile(pts, 0.9)
	e.sigma = max(minSigma, (math.Log(e.P90)-math.Log(e.P10))/(2*z90))
	return e
}

// normalise brings every usable sample to the reference height and weighs
// it by age: 0.5^(age / HalfLife). A piece finished "in the future" (clock
// skew) counts as new.
func normalise(samples []DurationSample, now time.Time) []weighted {
	var out []weighted
	for _, s := range samples {
		if !(s.Minutes > 0) || math.IsInf(s.Minutes, 0) {
			continue
		}
		age := max(0, now.Sub(s.FinishedAt))
		w := math.Exp2(-float64(age) / float64(HalfLife))
		out = append(out, weighted{s.Minutes / heightFactor(s.HeightMM), w})
	}
	slices.SortFunc(out, func(a, b weighted) int {
		switch {
		case a.v < b.v:
			return -1
		case a.v > b.v:
			return 1
		}
		return 0
	})
	return out
}

// quantile is the weighted quantile of sorted points: the first value whose
// cumulative weight reaches q of the total. A median of this kind ignores
// how far an outlier lies, which is why a forgotten timer of 10,000 minutes
// cannot drag it.
func quantile(sorted []weighted, q float64) float64 {
	total := 0.0
	for _, p := range sorted {
		total += p.w
	}
	if total <= 0 {
		return sorted[len(sorted)/2].v
	}
	acc := 0.0
	for _, p := range sorted {
		acc += p.w
		if acc >= q*total {
			return p.v
		}
	}
	return sorted[len(sorted)-1].v
}

// ParseStageDefaults checks a studio's own default minutes by stage name:
// every stage must take work and every value be from 1 to MaxStageMinutes,
// or nothing is taken.
func ParseStageDefaults(in map[string]int) (map[studio.Stage]int, error) {
	f := studio.Fields{}
	out := make(map[studio.Stage]int, len(in))
	for name, m := range in {
		st := studio.Stage(name)
		field := "defaults." + name
		switch {
		case !slices.Contains(WorkStages, st):
			f.Add(field, "is not a stage that takes work")
		case m < 1 || m > MaxStageMinutes:
			f.Add(field, "must be from 1 to 10000 minutes")
		default:
			out[st] = m
		}
	}
	return out, f.Err()
}
