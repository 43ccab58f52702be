package plan

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
	"time"

	"atelier/internal/cure"
	"atelier/internal/studio"
)

// StudioOptions tune a studio plan.
type StudioOptions struct {
	// Iterations bounds the local search's moves; 0 means DefaultIterations.
	// The context's deadline may end it sooner.
	Iterations int
	// Samples is the number of Monte Carlo scenarios the 50 % and 90 %
	// dates come from; 0 means DefaultSamples.
	Samples int
	// Seed makes a plan repeatable.
	Seed uint64
	// Workers is how many scenarios run at once; 0 means one per CPU.
	Workers int
}

const (
	// DefaultIterations of local search: enough for a studio's open work
	// to settle, little enough to answer a page view.
	DefaultIterations = 300
	// DefaultSamples scenarios put the 90 % date within a few percent.
	DefaultSamples = 100
)

// holds are the minutes an unfilled oven may wait for more pieces that
// could join its bake; the search picks the one that plans best.
var holds = []float64{0, 60, 240, 480}

// Plan schedules the studio's open work and forecasts every piece's finish.
func (p Problem) Plan(ctx context.Context, opt StudioOptions) (Result, error) {
	s, err := p.Solve(ctx, opt)
	return s.Result, err
}

// Solved is a plan and the priority list it came from, which a what-if
// builds on.
type Solved struct {
	Result Result
	order  []int
	hold   float64
}

// Solve plans like Plan and keeps what WhatIfOn needs.
func (p Problem) Solve(ctx context.Context, opt StudioOptions) (Solved, error) {
	r, order, hold, err := p.solve(ctx, opt, nil)
	return Solved{Result: r, order: order, hold: hold}, err
}

// prepare checks the problem and lays out its calendars and jobs.
func (p *Problem) prepare() (*studioShop, error) {
	if p.Location == nil {
		p.Location = time.UTC
	}
	if err := p.Capacity.Validate(); err != nil {
		return nil, err
	}
	s := &studioShop{p: p, studio: newCalendar(p.Now, p.Location, p.Capacity.Week, p.Capacity.DaysOff), ovens: slices.Clone(p.Ovens)}
	for _, w := range p.Capacity.Workers {
		week := p.Capacity.Week
		if w.Week != nil {
			week = *w.Week
		}
		s.people = append(s.people, newCalendar(p.Now, p.Location, week, p.Capacity.DaysOff))
		s.who = append(s.who, w.UserID)
	}
	if len(s.ovens) == 0 {
		s.ovens = []Oven{{Name: "an oven", Capacity: studio.DefaultOvenCapacity}}
		s.notes = append(s.notes, "The studio has no oven yet: bakes are planned in one oven of 6 pieces.")
	}
	for k := range s.ovens {
		s.ovens[k].Capacity = max(1, s.ovens[k].Capacity)
	}
	editions := map[string]int{}
	s.jobs = make([]job, len(p.Pieces))
	for i := range p.Pieces {
		pc := &p.Pieces[i]
		j := job{piece: pc, ops: remainingOps(pc, p.DryMinutes), due: math.Inf(1), edition: -1}
		if !pc.ReadyAt.IsZero() {
			j.ready = max(0, minutesSince(p.Now, pc.ReadyAt))
		}
		if pc.Promised != "" {
			d, err := time.ParseInLocation(time.DateOnly, pc.Promised, p.Location)
			if err != nil {
				return nil, fmt.Errorf("plan: piece %s: promised date %q: %w", pc.ID, pc.Promised, err)
			}
			j.due = minutesSince(p.Now, d.AddDate(0, 0, 1))
		}
		if pc.EditionID != "" {
			if _, ok := editions[pc.EditionID]; !ok {
				editions[pc.EditionID] = len(editions)
			}
			j.edition = editions[pc.EditionID]
		}
		s.bakeFigures(&j)
		s.jobs[i] = j
	}
	s.editions = len(editions)
	return s, nil
}

// unknownCureMinutes is the bake assumed for a piece whose clays have no
// baking figures: the pipeline will not bake it until they are entered.
const unknownCureMinutes = 30

// bakeFigures sets the job's temperature range and cure time by the
// baking rules: the clays' shared range as cure.ChooseBatch computes it,
// and the longest of their cure times at the piece's thickness.
func (s *studioShop) bakeFigures(j *job) {
	thick := j.piece.ThicknessMM
	if !(thick > 0) || cure.ThicknessProblem(thick) != "" {
		thick = DefaultThicknessMM
	}
	j.lo, j.hi = math.MinInt, math.MaxInt
	j.bakeable = len(j.piece.Clays) > 0
	for _, c := range j.piece.Clays {
		if !c.Known() {
			j.bakeable = false
			continue
		}
		j.lo, j.hi, j.rec = max(j.lo, c.MinC), min(j.hi, c.MaxC), max(j.rec, c.TemperatureC)
		j.cureMinutes = max(j.cureMinutes, float64(cure.Minutes(c.Baking, thick)))
	}
	if _, err := cure.ChooseBatch(j.piece.Clays); err != nil {
		j.bakeable = false
	}
	if !j.bakeable {
		j.cureMinutes = max(j.cureMinutes, unknownCureMinutes)
		if slices.ContainsFunc(j.ops, func(o op) bool { return o.kind == Baking }) {
			s.notes = append(s.notes, fmt.Sprintf("%s: %s; its bake is planned alone, %d minutes.", j.piece.Subject, unbakeable(j.piece.Clays), int(j.cureMinutes)))
		}
	}
}

// unbakeable says why a piece's clays cannot be batched.
func unbakeable(clays []studio.Clay) string {
	if len(clays) == 0 {
		return "no clay is named for it yet"
	}
	for _, c := range clays {
		if !c.Known() {
			return c.Name + " has no baking temperature yet"
		}
	}
	return "its clays share no baking temperature"
}

// solve searches for the best priority list (from init, when given, with
// any job beyond it appended), then samples the forecast.
func (p Problem) solve(ctx context.Context, opt StudioOptions, init []int) (Result, []int, float64, error) {
	s, err := p.prepare()
	if err != nil {
		return Result{}, nil, 0, err
	}
	opt = opt.defaults()
	order, hold := s.improve(ctx, s.initialOrder(init), s.medians(), opt)
	r, err := s.forecast(order, hold, opt)
	return r, order, hold, err
}

func (opt StudioOptions) defaults() StudioOptions {
	if opt.Iterations <= 0 {
		opt.Iterations = DefaultIterations
	}
	if opt.Samples <= 0 {
		opt.Samples = DefaultSamples
	}
	if opt.Workers <= 0 {
		opt.Workers = runtime.GOMAXPROCS(0)
	}
	return opt
}

// forecast records the plan of a priority list and samples its dates.
func (s *studioShop) forecast(order []int, hold float64, opt StudioOptions) (Result, error) {
	rank := rankOf(order)
	plan := s.decode(rank, hold, s.medians(), true)
	if plan.failed {
		return Result{}, ErrBeyondHorizon
	}
	finishes, err := s.scenarios(rank, hold, opt)
	if err != nil {
		return Result{}, err
	}
	return s.result(plan, finishes), nil
}

// initialOrder is the priority list the search starts from: init's order
// for the jobs it names, then the earliest promise first, then the piece
// nearest to done, then the oldest.
func (s *studioShop) initialOrder(init []int) []int {
	order := make([]int, 0, len(s.jobs))
	seen := make([]bool, len(s.jobs))
	for _, i := range init {
		if i >= 0 && i < len(s.jobs) && !seen[i] {
			order, seen[i] = append(order, i), true
		}
	}
	var rest []int
	for i := range s.jobs {
		if !seen[i] {
			rest = append(rest, i)
		}
	}
	slices.SortStableFunc(rest, func(a, b int) int {
		ja, jb := &s.jobs[a], &s.jobs[b]
		switch {
		case ja.due != jb.due:
			if ja.due < jb.due {
				return -1
			}
			return 1
		case len(ja.ops) != len(jb.ops):
			return len(ja.ops) - len(jb.ops)
		}
		return a - b
	})
	return append(order, rest...)
}

func rankOf(order []int) []int {
	rank := make([]int, len(order))
	for k, i := range order {
		rank[i] = k
	}
	return rank
}

// improve is the local search: moves of one piece in the list (late
// pieces forward, mostly) and changes of the oven hold, each kept when the
// plan at median durations costs no more.
func (s *studioShop) improve(ctx context.Context, order []int, med durations, opt StudioOptions) ([]int, float64) {
	hold := holds[0]
	best := s.decode(rankOf(order), hold, med, false)
	for _, h := range holds[1:] {
		if d := s.decode(rankOf(order), h, med, false); d.cost < best.cost {
			best, hold = d, h
		}
	}
	n := len(order)
	if n < 2 {
		return order, hold
	}
	rng := rand.New(rand.NewPCG(opt.Seed, 0x5ca1ab1e))
	cand := make([]int, n)
	for it := 0; it < opt.Iterations; it++ {
		if it%16 == 0 && ctx.Err() != nil {
			break
		}
		copy(cand, order)
		h := hold
		switch r := rng.IntN(10); {
		case r == 0:
			h = holds[rng.IntN(len(holds))]
		case r < 6:
			from := s.lateOne(rng, cand, best.finish)
			to := rng.IntN(from + 1)
			moveTo(cand, from, to)
		default:
			from, to := rng.IntN(n), rng.IntN(n)
			moveTo(cand, from, to)
		}
		if d := s.decode(rankOf(cand), h, med, false); d.cost <= best.cost {
			best, hold = d, h
			copy(order, cand)
		}
	}
	return order, hold
}

// lateOne is the list position of a random piece that misses its promise,
// or of a random piece when none does.
func (s *studioShop) lateOne(rng *rand.Rand, order []int, finish []float64) int {
	var late []int
	for k, i := range order {
		if finish[i] > s.jobs[i].due {
			late = append(late, k)
		}
	}
	if len(late) == 0 {
		return rng.IntN(len(order))
	}
	return late[rng.IntN(len(late))]
}

// moveTo takes the element at from out and puts it at to.
func moveTo(xs []int, from, to int) {
	x := xs[from]
	if from < to {
		copy(xs[from:to], xs[from+1:to+1])
	} else {
		copy(xs[to+1:from+1], xs[to:from])
	}
	xs[to] = x
}

// scenarios runs the plan's list on sampled durations: each job's finish
// in each scenario.
func (s *studioShop) scenarios(rank []int, hold float64, opt StudioOptions) ([][]float64, error) {
	out := make([][]float64, opt.Samples)
	var wg sync.WaitGroup
	var failed error
	var mu sync.Mutex
	next := make(chan int)
	for range min(opt.Workers, opt.Samples) {
		own := s.own()
		wg.Go(func() {
			for k := range next {
				d := own.decode(rank, hold, own.sample(opt.Seed, k), false)
				if d.failed {
					mu.Lock()
					failed = ErrBeyondHorizon
					mu.Unlock()
				}
				out[k] = d.finish
			}
		})
	}
	for k := range opt.Samples {
		next <- k
	}
	close(next)
	wg.Wait()
	return out, failed
}

// own is a copy of the shop with calendars of its own, for a goroutine.
func (s *studioShop) own() *studioShop {
	c := *s
	c.studio = s.studio.clone()
	c.people = make([]*calendar, len(s.people))
	for i, p := range s.people {
		c.people[i] = p.clone()
	}
	return &c
}

// quantileOf is the nearest-rank quantile of xs (sorted in place).
func quantileOf(xs []float64, q float64) float64 {
	slices.Sort(xs)
	k := int(math.Ceil(q*float64(len(xs)))) - 1
	return xs[max(0, min(k, len(xs)-1))]
}

// result turns the recorded plan and the scenarios into times.
func (s *studioShop) result(plan decoded, finishes [][]float64) Result {
	now := s.p.Now
	r := Result{Now: now, Notes: s.notes, Pieces: make([]Forecast, len(s.jobs))}
	for _, b := range plan.bakes {
		rb := Bake{OvenID: s.ovens[b.oven].ID, Start: at(now, b.start), End: at(now, b.end), TargetC: b.targetC}
		for _, i := range b.jobs {
			rb.PieceIDs = append(rb.PieceIDs, s.jobs[i].piece.ID)
		}
		r.Bakes = append(r.Bakes, rb)
	}
	xs := make([]float64, len(finishes))
	for i := range s.jobs {
		j := &s.jobs[i]
		f := Forecast{PieceID: j.piece.ID, Finish: at(now, plan.finish[i]), Steps: []Step{}}
		for _, st := range plan.steps[i] {
			o := j.ops[st.op]
			step := Step{PieceID: j.piece.ID, Stage: o.stage, Kind: o.kind, Start: at(now, st.start), End: at(now, st.end), Bake: st.bake}
			if st.who >= 0 {
				step.Who = s.who[st.who]
			}
			if st.bake >= 0 {
				step.OvenID = r.Bakes[st.bake].OvenID
			}
			f.Steps = append(f.Steps, step)
		}
		for k := range finishes {
			xs[k] = finishes[k][i]
		}
		f.P50, f.P90 = at(now, quantileOf(xs, 0.5)), at(now, quantileOf(xs, 0.9))
		if !math.IsInf(j.due, 1) {
			f.Due = at(now, j.due)
			f.Late = f.P90.After(f.Due)
		}
		r.Pieces[i] = f
	}
	return r
}

// NewWork is a commission the studio might accept: what the what-if adds.
type NewWork struct {
	TargetHeightMM float64
	ThicknessMM    float64
	Clays          []studio.Clay
	// Count is how many pieces; more than one are made as an edition,
	// on one master armature.
	Count int
}

// MaxWhatIfCount bounds the pieces one what-if adds.
const MaxWhatIfCount = studio.MaxProposalCount

// Delay is an open piece the new work would push.
type Delay struct {
	PieceID string
	// Days is how many days later its 90 % date falls.
	Days int
	// Promised is its commission's promised date, or ""; Late whether it
	// would then miss it.
	Promised string
	Late     bool
}

// WhatIf is the answer to "if I accept this today, when can I ship?".
type WhatIf struct {
	ShipP50, ShipP90 time.Time
	Delays           []Delay
	// Plan is the plan with the new work in it.
	Plan Result
}

// WhatIfPrefix starts the IDs of the pieces a what-if adds.
const WhatIfPrefix = "what-if-"

// WhatIf inserts the new work into today's plan: when it would ship and
// which open pieces it would push, by whole days of their 90 % dates.
// The open pieces keep their random draws in both plans, so a delay is
// the new work's doing, not the dice's.
func (p Problem) WhatIf(ctx context.Context, n NewWork, opt StudioOptions) (WhatIf, error) {
	base, err := p.Solve(ctx, opt)
	if err != nil {
		return WhatIf{}, err
	}
	return p.WhatIfOn(base, n, opt)
}

// WhatIfOn is WhatIf on a plan already solved for the same open work (the
// same pieces in the same order; its now may be a little older).
func (p Problem) WhatIfOn(solved Solved, n NewWork, opt StudioOptions) (WhatIf, error) {
	if n.Count == 0 {
		n.Count = 1
	}
	if n.Count < 1 || n.Count > MaxWhatIfCount {
		return WhatIf{}, studio.FieldError("count", fmt.Sprintf("must be from 1 to %d pieces", MaxWhatIfCount))
	}
	if len(solved.order) != len(p.Pieces) {
		return WhatIf{}, errors.New("plan: the solved plan is of other open work")
	}
	base, order, hold := solved.Result, solved.order, solved.hold
	with := p
	with.Pieces = slices.Clone(p.Pieces)
	for k := range n.Count {
		pc := Piece{ID: fmt.Sprintf("%s%d", WhatIfPrefix, k+1), Subject: "the new commission", Stage: studio.Concept,
			TargetHeightMM: n.TargetHeightMM, ThicknessMM: n.ThicknessMM, Clays: n.Clays}
		if n.Count > 1 {
			pc.EditionID = WhatIfPrefix + "edition"
		}
		with.Pieces = append(with.Pieces, pc)
	}
	s, err := with.prepare()
	if err != nil {
		return WhatIf{}, err
	}
	plan, err := s.forecast(s.insert(order, len(p.Pieces), hold), hold, opt.defaults())
	if err != nil {
		return WhatIf{}, err
	}
	out := WhatIf{Plan: plan, Delays: []Delay{}}
	for _, f := range plan.Pieces[len(p.Pieces):] {
		if f.P50.After(out.ShipP50) {
			out.ShipP50 = f.P50
		}
		if f.P90.After(out.ShipP90) {
			out.ShipP90 = f.P90
		}
	}
	for i, f := range plan.Pieces[:len(p.Pieces)] {
		days := daysBetween(base.Pieces[i].P90, f.P90, p.Location)
		if days > 0 {
			out.Delays = append(out.Delays, Delay{PieceID: f.PieceID, Days: days, Promised: p.Pieces[i].Promised, Late: f.Late})
		}
	}
	slices.SortStableFunc(out.Delays, func(a, b Delay) int { return b.Days - a.Days })
	return out, nil
}

// maxInsertTrials bounds the places the new work is tried at in the
// list: beyond it, places are tried at an even stride.
const maxInsertTrials = 200

// insert puts the new jobs (from first on) into the open work's priority
// list as one block, where the plan at median durations costs least; the
// open pieces keep their order among themselves, so whatever moves, moves
// because of the new work. A tie goes to the later place: the new work
// does not jump the queue for nothing.
func (s *studioShop) insert(order []int, first int, hold float64) []int {
	var block []int
	for i := first; i < len(s.jobs); i++ {
		block = append(block, i)
	}
	med := s.medians()
	stride := max(1, (len(order)+1+maxInsertTrials-1)/maxInsertTrials)
	var best []int
	bestCost := math.Inf(1)
	try := func(at int) {
		cand := slices.Concat(order[:at], block, order[at:])
		if c := s.decode(rankOf(cand), hold, med, false).cost; c <= bestCost {
			best, bestCost = cand, c
		}
	}
	for at := 0; at < len(order); at += stride {
		try(at)
	}
	try(len(order))
	return best
}

// daysBetween counts the calendar days from a's date to b's in loc.
func daysBetween(a, b time.Time, loc *time.Location) int {
	da, db := a.In(loc), b.In(loc)
	ua := time.Date(da.Year(), da.Month(), da.Day(), 0, 0, 0, 0, time.UTC)
	ub := time.Date(db.Year(), db.Month(), db.Day(), 0, 0, 0, 0, time.UTC)
	return int(ub.Sub(ua).Hours() / 24)
}

// IsBeyondHorizon reports whether err says the work does not fit.
func IsBeyondHorizon(err error) bool { return errors.Is(err, ErrBeyondHorizon) }
