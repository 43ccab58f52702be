package plan

import (
	"container/heap"
	"math"
	"math/rand/v2"
	"slices"

	"atelier/internal/cure"
	"atelier/internal/studio"
)

// The studio's schedule is built from a priority list of pieces, like the
// job shop's: a simulation that walks forward in time and, whenever a
// person is free in their hours, gives them the first piece in the list
// that is ready for work; whenever an oven is free in the studio's hours,
// fills it with the first piece waiting to bake and every other waiting
// piece whose clays share its temperature, up to the oven's capacity.
// Waits (a bake and its cool-down, a coat drying) run on the clock, not
// on anyone's hours. The list, and how long an oven holds for more pieces,
// are what the local search improves.

// EditionRepeat is the share of concept and armature work a piece of an
// edition takes when the same person has just done that stage for another
// piece of the edition: the guide's master armature, one core for many
// heads, saves the recurring steps.
const EditionRepeat = 0.25

// op is one operation of a piece's remaining work.
type op struct {
	stage studio.Stage
	kind  StepKind
	// share is the part of the stage's work this op does (a coat is half
	// the finish); wait is the clock minutes of a bake or a drying.
	share float64
	wait  float64
	// worked comes off the op's work: what is logged on the current pass.
	worked float64
}

// job is a piece prepared for the simulation.
type job struct {
	piece   *Piece
	ops     []op
	ready   float64 // minutes from now
	due     float64 // +Inf without a promise
	edition int     // -1 for none
	// lo, hi and rec are the clays' shared range and highest
	// recommendation (cure.ChooseBatch's rule), ok false when a clay has
	// no figures or the clays share no temperature: the piece bakes alone.
	lo, hi, rec int
	bakeable    bool
	cureMinutes float64
}

// remainingOps lists the piece's remaining operations from its stage.
func remainingOps(p *Piece, dryMinutes int) []op {
	var ops []op
	start := p.Stage.Index()
	if start < 0 {
		return nil
	}
	for _, st := range WorkStages {
		if st.Index() < start {
			continue
		}
		worked := 0.0
		if st == p.Stage {
			worked = p.WorkedMinutes
		}
		switch st {
		case studio.FirstBake:
			if st == p.Stage && p.Baked {
				continue
			}
			ops = append(ops, op{stage: st, kind: Work, share: 1, worked: worked}, op{stage: st, kind: Baking})
		case studio.Finish:
			done := 0
			if st == p.Stage {
				done = p.CoatsDone
			}
			for range max(0, FinishCoats-done) {
				ops = append(ops, op{stage: st, kind: Work, share: 1.0 / FinishCoats},
					op{stage: st, kind: Drying, wait: float64(dryMinutes)})
			}
		default:
			ops = append(ops, op{stage: st, kind: Work, share: 1, worked: worked})
		}
	}
	return ops
}

// studioShop is the problem prepared once for many simulations.
type studioShop struct {
	p        *Problem
	jobs     []job
	people   []*calendar
	who      []string
	studio   *calendar
	ovens    []Oven
	editions int
	notes    []string
}

// workMinutes is the median work of a job's op, before edition savings.
func (s *studioShop) medianWork(j *job, o op) float64 {
	e := s.p.Durations.Estimate(o.stage)
	return remaining(e.Median*heightFactor(j.piece.TargetHeightMM)*o.share, o.worked)
}

// remaining is the work left of an op whose whole takes w: what is logged
// comes off, but an op never takes less than a tenth of its estimate, as
// a stage running over still has something left to do.
func remaining(w, worked float64) float64 {
	return max(w-worked, w/10)
}

// durations holds one scenario's work minutes, by job and op.
type durations [][]float64

// medians is the scenario where every stage takes its median.
func (s *studioShop) medians() durations {
	d := make(durations, len(s.jobs))
	for i := range s.jobs {
		j := &s.jobs[i]
		d[i] = make([]float64, len(j.ops))
		for k, o := range j.ops {
			if o.kind == Work {
				d[i][k] = s.medianWork(j, o)
			}
		}
	}
	return d
}

// sample draws one scenario: each piece's stages from the fitted
// distributions, with a generator of the piece's own so that a piece's
// draws do not change when other pieces come or go (common random
// numbers: a what-if compares like with like).
func (s *studioShop) sample(seed uint64, scenario int) durations {
	d := make(durations, len(s.jobs))
	for i := range s.jobs {
		j := &s.jobs[i]
		rng := rand.New(rand.NewPCG(seed^hashID(j.piece.ID), uint64(scenario)))
		d[i] = make([]float64, len(j.ops))
		for k, o := range j.ops {
			if o.kind == Work {
				w := s.p.Durations.Sample(rng, o.stage, j.piece.TargetHeightMM) * o.share
				d[i][k] = remaining(w, o.worked)
			}
		}
	}
	return d
}

// hashID is FNV-1a of a piece's ID.
func hashID(id string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(id); i++ {
		h ^= uint64(id[i])
		h *= 1099511628211
	}
	return h
}

// decoded is one simulation's outcome: when each job finishes, and, when
// recorded, every step and bake.
type decoded struct {
	finish []float64
	steps  [][]rawStep
	bakes  []rawBake
	cost   float64
	failed bool
}

type rawStep struct {
	op         int
	start, end float64
	who        int // person index, -1
	bake       int // bake index, -1
}

type rawBake struct {
	oven       int
	start, end float64
	targetC    int
	jobs       []int
}

// tardinessWeight makes a minute late on a promise cost as much as this
// many minutes of waiting on every piece: promises first, then everything
// as early as it can be.
const tardinessWeight = 1000

// rankHeap is the pieces ready for work, first in the priority list on top.
type rankHeap struct {
	items []int
	rank  []int
}

func (h *rankHeap) Len() int           { return len(h.items) }
func (h *rankHeap) Less(a, b int) bool { return h.rank[h.items[a]] < h.rank[h.items[b]] }
func (h *rankHeap) Swap(a, b int)      { h.items[a], h.items[b] = h.items[b], h.items[a] }
func (h *rankHeap) Push(x any)         { h.items = append(h.items, x.(int)) }
func (h *rankHeap) Pop() any {
	x := h.items[len(h.items)-1]
	h.items = h.items[:len(h.items)-1]
	return x
}

// timeHeap is the pieces waiting on the clock, soonest on top.
type timeHeap struct {
	items []int
	at    []float64
}

func (h *timeHeap) Len() int           { return len(h.items) }
func (h *timeHeap) Less(a, b int) bool { return h.at[h.items[a]] < h.at[h.items[b]] }
func (h *timeHeap) Swap(a, b int)      { h.items[a], h.items[b] = h.items[b], h.items[a] }
func (h *timeHeap) Push(x any)         { h.items = append(h.items, x.(int)) }
func (h *timeHeap) Pop() any {
	x := h.items[len(h.items)-1]
	h.items = h.items[:len(h.items)-1]
	return x
}

// decode simulates the studio with the given priority list (rank by job:
// lower goes first), oven hold (minutes an unfilled oven waits for more
// pieces that could join) and work durations.
func (s *studioShop) decode(rank []int, hold float64, dur durations, record bool) decoded {
	n := len(s.jobs)
	out := decoded{finish: make([]float64, n)}
	if record {
		out.steps = make([][]rawStep, n)
	}
	next := make([]int, n) // next op by job
	ready := make([]float64, n)
	ready2 := &readyList{rankHeap: rankHeap{rank: rank}, repeat: make([]int, 2*s.editions)}
	waiting := &timeHeap{at: ready}
	var pool []int // jobs waiting for an oven
	// bakesAhead counts the bakes still to come that are not yet in the
	// pool: while there are some, an unfilled oven may hold for them.
	bakesAhead := 0
	for i := range s.jobs {
		ready[i] = s.jobs[i].ready
		if len(s.jobs[i].ops) == 0 {
			out.finish[i] = ready[i]
			continue
		}
		heap.Push(waiting, i)
		for _, o := range s.jobs[i].ops {
			if o.kind == Baking {
				bakesAhead++
			}
		}
	}
	free := make([]float64, len(s.people))
	last := make([]struct {
		edition int
		stage   studio.Stage
	}, len(s.people))
	for p := range last {
		last[p].edition = -1
	}
	ovenFree := make([]float64, len(s.ovens))
	poolSince := math.Inf(1)

	// advance moves a job past waits to its next op and files it.
	var advance func(i int, t float64)
	advance = func(i int, t float64) {
		j := &s.jobs[i]
		for next[i] < len(j.ops) && j.ops[next[i]].kind == Drying {
			o := j.ops[next[i]]
			if record {
				out.steps[i] = append(out.steps[i], rawStep{op: next[i], start: t, end: t + o.wait, who: -1, bake: -1})
			}
			t += o.wait
			next[i]++
		}
		ready[i] = t
		if next[i] == len(j.ops) {
			out.finish[i] = t
			return
		}
		heap.Push(waiting, i)
	}

	t := 0.0
	for {
		// Pieces whose wait is over join the ready list or the oven's pool.
		for waiting.Len() > 0 && ready[waiting.items[0]] <= t {
			i := heap.Pop(waiting).(int)
			if s.jobs[i].ops[next[i]].kind == Baking {
				if len(pool) == 0 {
					poolSince = t
				}
				pool = append(pool, i)
				bakesAhead--
			} else {
				s.push(ready2, i, next)
			}
		}
		// Ovens: fill a free one when someone is in the studio.
		wake := math.Inf(1)
		if len(pool) > 0 {
			if nt, ok := s.studio.next(t); !ok {
				out.failed = true
				break
			} else if nt > t {
				wake = nt
			} else {
				for o := range s.ovens {
					if len(pool) == 0 {
						break
					}
					if ovenFree[o] > t {
						wake = min(wake, ovenFree[o])
						continue
					}
					batch := s.batch(pool, rank, s.ovens[o].Capacity)
					if len(batch) < s.ovens[o].Capacity && bakesAhead > 0 && t < poolSince+hold {
						wake = min(wake, poolSince+hold)
						break
					}
					end := t
					for _, i := range batch {
						end = max(end, t+s.jobs[i].cureMinutes)
					}
					end += float64(cure.CoolDownMinutes)
					ovenFree[o] = end
					b := len(out.bakes)
					if record {
						out.bakes = append(out.bakes, rawBake{oven: o, start: t, end: end, targetC: s.target(batch), jobs: batch})
					}
					for _, i := range batch {
						if record {
							out.steps[i] = append(out.steps[i], rawStep{op: next[i], start: t, end: end, who: -1, bake: b})
						}
						next[i]++
						advance(i, end)
						pool = slices.DeleteFunc(pool, func(x int) bool { return x == i })
					}
					poolSince = t
				}
			}
		}
		// People: each free one in their hours takes the first ready piece.
		for p := range s.people {
			if free[p] > t || ready2.Len() == 0 {
				continue
			}
			nt, ok := s.people[p].next(t)
			if !ok {
				out.failed = true
				break
			}
			if nt > t {
				wake = min(wake, nt)
				continue
			}
			i := s.pick(ready2, next, last[p].edition, last[p].stage)
			j := &s.jobs[i]
			o := j.ops[next[i]]
			w := dur[i][next[i]]
			if j.edition >= 0 && j.edition == last[p].edition && last[p].stage == o.stage && repeatSlot(o.stage) >= 0 {
				w *= EditionRepeat
			}
			end, ok := s.people[p].add(t, w)
			if !ok {
				out.failed = true
				break
			}
			if r, soon := s.aheadSoon(waiting, rank, next, i, end); soon {
				// Giffler and Thompson: a piece ahead in the list is
				// ready before this work would end; wait for it.
				s.push(ready2, i, next)
				free[p] = r
				wake = min(wake, r)
				continue
			}
			if record {
				out.steps[i] = append(out.steps[i], rawStep{op: next[i], start: t, end: end, who: p, bake: -1})
			}
			last[p].edition, last[p].stage = j.edition, o.stage
			free[p] = end
			next[i]++
			advance(i, end)
		}
		if out.failed {
			break
		}
		// Next moment anything can change.
		if waiting.Len() > 0 {
			wake = min(wake, ready[waiting.items[0]])
		}
		if ready2.Len() > 0 {
			for p := range s.people {
				if free[p] > t {
					wake = min(wake, free[p])
				}
			}
		}
		if math.IsInf(wake, 1) {
			if ready2.Len() > 0 || len(pool) > 0 {
				out.failed = true
			}
			break
		}
		t = wake
	}
	for i, j := range s.jobs {
		late := max(0, out.finish[i]-j.due)
		if math.IsInf(j.due, 1) {
			late = 0
		}
		out.cost += tardinessWeight*late + out.finish[i]
	}
	if out.failed {
		out.cost = math.Inf(1)
	}
	return out
}

// readyList is the pieces ready for work, with a count of those whose
// next step is an edition's concept or armature, by edition and step, so
// that looking for the master armature's saving costs nothing when there
// is none to find.
type readyList struct {
	rankHeap
	repeat []int
}

// repeatSlot is 0 for concept, 1 for armature, -1 for the stages an
// edition does not repeat.
func repeatSlot(st studio.Stage) int {
	switch st {
	case studio.Concept:
		return 0
	case studio.Armature:
		return 1
	}
	return -1
}

// slot is the job's place in readyList.repeat, or -1.
func (s *studioShop) slot(i int, next []int) int {
	j := &s.jobs[i]
	k := repeatSlot(j.ops[next[i]].stage)
	if j.edition < 0 || k < 0 {
		return -1
	}
	return 2*j.edition + k
}

func (s *studioShop) push(r *readyList, i int, next []int) {
	heap.Push(&r.rankHeap, i)
	if k := s.slot(i, next); k >= 0 {
		r.repeat[k]++
	}
}

// pick takes the first ready job in the list; a person who has just done
// concept or armature for an edition goes on with the next piece of that
// edition at the same step, when one is ready: the master armature's saving.
func (s *studioShop) pick(r *readyList, next []int, edition int, stage studio.Stage) int {
	at := 0
	if k := repeatSlot(stage); edition >= 0 && k >= 0 && r.repeat[2*edition+k] > 0 {
		best := -1
		for n, i := range r.items {
			if s.slot(i, next) == 2*edition+k && (best < 0 || r.rank[i] < r.rank[r.items[best]]) {
				best = n
			}
		}
		at = best
	}
	i := heap.Remove(&r.rankHeap, at).(int)
	if k := s.slot(i, next); k >= 0 {
		r.repeat[k]--
	}
	return i
}

// aheadSoon finds the earliest time a piece ahead of job i in the list
// becomes ready for work before end: the active schedules of Giffler and
// Thompson, which let a person wait for the piece that matters rather
// than start a long task on one that does not (a coat dries in 30
// minutes; a sculpt started meanwhile takes four hours).
func (s *studioShop) aheadSoon(waiting *timeHeap, rank, next []int, i int, end float64) (float64, bool) {
	at, found := end, false
	for _, k := range waiting.items {
		r := waiting.at[k]
		if r < at && rank[k] < rank[i] && s.jobs[k].ops[next[k]].kind == Work {
			at, found = r, true
		}
	}
	return at, found
}

// batch chooses a bake's pieces: the first waiting piece in the list and
// every other, in list order, whose clays still share a temperature with
// those chosen, up to capacity. A piece whose clays cannot be baked
// together bakes alone.
func (s *studioShop) batch(pool []int, rank []int, capacity int) []int {
	order := slices.Clone(pool)
	slices.SortFunc(order, func(a, b int) int { return rank[a] - rank[b] })
	first := &s.jobs[order[0]]
	out := []int{order[0]}
	if !first.bakeable {
		return out
	}
	lo, hi := first.lo, first.hi
	for _, i := range order[1:] {
		if len(out) >= capacity {
			break
		}
		j := &s.jobs[i]
		if !j.bakeable || max(lo, j.lo) > min(hi, j.hi) {
			continue
		}
		lo, hi = max(lo, j.lo), min(hi, j.hi)
		out = append(out, i)
	}
	return out
}

// target is the batch's temperature by the baking rule; 0 when a clay has
// no figures.
func (s *studioShop) target(batch []int) int {
	var clays []studio.Clay
	for _, i := range batch {
		clays = append(clays, s.jobs[i].piece.Clays...)
	}
	b, err := cure.ChooseBatch(clays)
	if err != nil {
		return 0
	}
	return b.TargetC
}
