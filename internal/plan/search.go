package plan

import (
	"context"
	"math/rand/v2"
	"sync"
)

// The search: a schedule is built from a priority list (Giffler and
// Thompson's active schedules, most work remaining first) and improved by
// tabu search over the swaps of adjacent operations at the ends of the
// critical path's blocks, the neighbourhood of Nowicki and Smutnicki: only
// such a swap can shorten the schedule, and none of them can make it
// infeasible. A search that stops improving starts again from the best
// schedule, shaken by a few random swaps. Workers search independently
// from different seeds; the best schedule wins.

// Options tune Solve.
type Options struct {
	// Workers is how many searches run at once; fewer than 1 means 1.
	Workers int
	// Seed makes the search repeatable for a given number of workers and
	// iterations; the context's deadline ends it, so a timed search is
	// not.
	Seed uint64
	// MaxIterations bounds each worker's moves; 0 means no bound (the
	// context must end the search then).
	MaxIterations int
}

// Schedule is a solution: the start of every operation, by job and step,
// and its makespan.
type Schedule struct {
	Starts   [][]int
	Makespan int
}

// shop is an instance flattened for the search: operations numbered job
// by job.
type shop struct {
	n, machines      int
	dur, mach        []int
	jobPrev, jobNext []int
	job, step        []int
	first            []int
}

func newShop(in Instance) *shop {
	s := &shop{machines: in.MachineCount()}
	for j, row := range in.Durations {
		s.first = append(s.first, s.n)
		for k, d := range row {
			prev, next := -1, -1
			if k > 0 {
				prev = s.n - 1
			}
			if k < len(row)-1 {
				next = s.n + 1
			}
			s.dur, s.mach = append(s.dur, d), append(s.mach, in.Machines[j][k])
			s.jobPrev, s.jobNext = append(s.jobPrev, prev), append(s.jobNext, next)
			s.job, s.step = append(s.job, j), append(s.step, k)
			s.n++
		}
	}
	return s
}

// state is one worker's current solution: the order of the operations on
// each machine, and the heads (earliest starts) it gives.
type state struct {
	sh    *shop
	seq   [][]int
	pos   []int
	head  []int
	indeg []int
	stack []int
}

func newState(sh *shop) *state {
	return &state{sh: sh, seq: make([][]int, sh.machines), pos: make([]int, sh.n), head: make([]int, sh.n),
		indeg: make([]int, sh.n), stack: make([]int, 0, sh.n)}
}

func (st *state) machPrev(o int) int {
	if p := st.pos[o]; p > 0 {
		return st.seq[st.sh.mach[o]][p-1]
	}
	return -1
}

func (st *state) machNext(o int) int {
	q := st.seq[st.sh.mach[o]]
	if p := st.pos[o]; p < len(q)-1 {
		return q[p+1]
	}
	return -1
}

// evaluate computes the heads in topological order and returns the
// makespan; false when the machine orders make a cycle.
func (st *state) evaluate() (int, bool) {
	sh := st.sh
	stack := st.stack[:0]
	for o := 0; o < sh.n; o++ {
		d := 0
		if sh.jobPrev[o] >= 0 {
			d++
		}
		if st.pos[o] > 0 {
			d++
		}
		st.indeg[o] = d
		st.head[o] = 0
		if d == 0 {
			stack = append(stack, o)
		}
	}
	makespan, done := 0, 0
	for len(stack) > 0 {
		o := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		done++
		end := st.head[o] + sh.dur[o]
		makespan = max(makespan, end)
		for _, next := range [2]int{sh.jobNext[o], st.machNext(o)} {
			if next < 0 {
				continue
			}
			st.head[next] = max(st.head[next], end)
			if st.indeg[next]--; st.indeg[next] == 0 {
				stack = append(stack, next)
			}
		}
	}
	st.stack = stack
	return makespan, done == sh.n
}

// relocate takes the operation at position from on machine m and puts it
// at position to, shifting the ones between.
func (st *state) relocate(m, from, to int) {
	q := st.seq[m]
	o := q[from]
	if from < to {
		copy(q[from:to], q[from+1:to+1])
	} else {
		copy(q[to+1:from+1], q[to:from])
	}
	q[to] = o
	for i := min(from, to); i <= max(from, to); i++ {
		st.pos[q[i]] = i
	}
}

func (st *state) copyFrom(o *state) {
	for m := range st.seq {
		st.seq[m] = append(st.seq[m][:0], o.seq[m]...)
	}
	copy(st.pos, o.pos)
}

// build makes an active schedule (Giffler and Thompson): among the
// operations that could run next, the one that can end first fixes a
// machine, and of the operations that conflict with it there, the one with
// the most work left in its job goes first; rng breaks ties.
func (st *state) build(rng *rand.Rand) {
	sh := st.sh
	next := make([]int, len(sh.first))
	copy(next, sh.first)
	jobEnd, machEnd := make([]int, len(sh.first)), make([]int, sh.machines)
	left := make([]int, len(sh.first))
	for o := 0; o < sh.n; o++ {
		left[sh.job[o]] += sh.dur[o]
	}
	for m := range st.seq {
		st.seq[m] = st.seq[m][:0]
	}
	for scheduled := 0; scheduled < sh.n; scheduled++ {
		bestEnd, bestStart, bestMach := -1, 0, -1
		for j, o := range next {
			if o < 0 {
				continue
			}
			start := max(jobEnd[j], machEnd[sh.mach[o]])
			if end := start + sh.dur[o]; bestEnd < 0 || end < bestEnd {
				bestEnd, bestStart, bestMach = end, start, sh.mach[o]
			}
		}
		// The conflict set: what could start on that machine before the
		// first end (or with it, when that operation takes no time).
		pick, pickWork, ties := -1, -1, 0
		for j, o := range next {
			if start := max(jobEnd[j], machEnd[bestMach]); o < 0 || sh.mach[o] != bestMach || (start >= bestEnd && start > bestStart) {
				continue
			}
			switch w := left[j]; {
			case w > pickWork:
				pick, pickWork, ties = o, w, 1
			case w == pickWork:
				if ties++; rng.IntN(ties) == 0 {
					pick = o
				}
			}
		}
		j := sh.job[pick]
		start := max(jobEnd[j], machEnd[bestMach])
		jobEnd[j], machEnd[bestMach] = start+sh.dur[pick], start+sh.dur[pick]
		left[j] -= sh.dur[pick]
		st.pos[pick] = len(st.seq[bestMach])
		st.seq[bestMach] = append(st.seq[bestMach], pick)
		next[j] = sh.jobNext[pick]
		if next[j] < 0 {
			next[j] = -1
		}
	}
}

// The tabu search's settings, tuned on ft10 and la16–la20: a move may not
// be undone for tenureBase to twice that many iterations, and a search
// that has not improved for stallBase + stallPerOp × operations
// iterations restarts from its best schedule, shaken.
const tenureBase, stallBase, stallPerOp = 5, 2000, 20

// move takes the operation at position from on machine m to position to:
// to the front of its block or to its end.
type move struct{ m, from, to int }

// moves lists the moves that can shorten the critical path, using the
// heads of the last evaluation with the given makespan: each operation of
// a block moved to its front, unless the block starts the path, or to its
// end, unless it ends the path (Nowicki and Smutnicki's swaps at the ends
// of blocks are the nearest of these). None means the critical path is one
// block: the makespan is one machine's work, and cannot be shortened.
func (st *state) moves(makespan int, out []move) []move {
	sh := st.sh
	out = out[:0]
	end := -1
	for o := 0; o < sh.n; o++ {
		if st.head[o]+sh.dur[o] == makespan {
			end = o
			break
		}
	}
	// Walk the critical path back from its end, block by block: a block
	// is a run of operations on one machine, each starting as the one
	// before it on the machine ends.
	var blocks [][2]int // first and last operation of each block, from the end
	for o := end; o >= 0; {
		last := o
		for p := st.machPrev(o); p >= 0 && st.head[p]+sh.dur[p] == st.head[o]; p = st.machPrev(o) {
			o = p
		}
		blocks = append(blocks, [2]int{o, last})
		jp := sh.jobPrev[o]
		if jp < 0 || st.head[jp]+sh.dur[jp] != st.head[o] {
			break
		}
		o = jp
	}
	k := len(blocks)
	if k == 1 {
		return out
	}
	for i, b := range blocks {
		m, first, last := sh.mach[b[0]], st.pos[b[0]], st.pos[b[1]]
		if first == last {
			continue
		}
		// blocks[k-1] is the first block of the path, blocks[0] the last.
		if i != k-1 {
			for p := first + 1; p <= last; p++ {
				out = append(out, move{m, p, first})
			}
		}
		if i != 0 {
			for p := first; p < last; p++ {
				if i != k-1 || p != last-1 || first == last-1 {
					out = append(out, move{m, p, last})
				}
			}
		}
	}
	return out
}

// tabooed reports whether the move would put back an order of two
// operations reversed recently: the moved one and any it jumps over.
func (st *state) tabooed(mv move, tabu []int32, iter int) bool {
	q, n := st.seq[mv.m], st.sh.n
	u := q[mv.from]
	if mv.to < mv.from {
		for _, x := range q[mv.to:mv.from] {
			if tabu[u*n+x] > int32(iter) {
				return true
			}
		}
		return false
	}
	for _, x := range q[mv.from+1 : mv.to+1] {
		if tabu[x*n+u] > int32(iter) {
			return true
		}
	}
	return false
}

// forbid makes the orders the move reverses tabu until expiry: the
// operation it moved may not go back past those it jumped.
func (st *state) forbid(mv move, tabu []int32, expiry int32) {
	q, n := st.seq[mv.m], st.sh.n
	u := q[mv.to]
	if mv.to < mv.from {
		for _, x := range q[mv.to+1 : mv.from+1] {
			tabu[x*n+u] = expiry
		}
		return
	}
	for _, x := range q[mv.from:mv.to] {
		tabu[u*n+x] = expiry
	}
}

// Solve searches for a short schedule until ctx ends, every worker has
// made its MaxIterations moves, or a schedule meets the lower bound. The
// instance must be valid (Validate).
func Solve(ctx context.Context, in Instance, opt Options) Schedule {
	sh := newShop(in)
	workers := max(opt.Workers, 1)
	results := make([]*state, workers)
	spans := make([]int, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[w], spans[w] = search(ctx, sh, in.LowerBound(), opt.MaxIterations, rand.New(rand.NewPCG(opt.Seed, uint64(w)+1)))
		}()
	}
	wg.Wait()
	best := 0
	for w := range workers {
		if spans[w] < spans[best] {
			best = w
		}
	}
	st := results[best]
	makespan, _ := st.evaluate()
	starts := make([][]int, len(in.Durations))
	for j, row := range in.Durations {
		starts[j] = make([]int, len(row))
		for k := range row {
			starts[j][k] = st.head[sh.first[j]+k]
		}
	}
	return Schedule{Starts: starts, Makespan: makespan}
}

// search is one worker's tabu search; it returns its best state and that
// state's makespan.
func search(ctx context.Context, sh *shop, lowerBound, maxIter int, rng *rand.Rand) (*state, int) {
	cur, best := newState(sh), newState(sh)
	cur.build(rng)
	curSpan, _ := cur.evaluate()
	best.copyFrom(cur)
	bestSpan := curSpan
	tabu := make([]int32, sh.n*sh.n)
	tenure := tenureBase
	stall := stallBase + stallPerOp*sh.n
	var cands []move
	lastGain := 0
	for iter := 1; bestSpan > lowerBound && (maxIter == 0 || iter <= maxIter); iter++ {
		if iter&255 == 0 && ctx.Err() != nil {
			break
		}
		cands = cur.moves(curSpan, cands)
		if len(cands) == 0 {
			if curSpan < bestSpan {
				best.copyFrom(cur)
				bestSpan = curSpan
			}
			break // one block: this makespan is a machine's load
		}
		chosen, chosenSpan := -1, 0
		fallback, tabooed := -1, 0
		for i, mv := range cands {
			cur.relocate(mv.m, mv.from, mv.to)
			span, ok := cur.evaluate()
			cur.relocate(mv.m, mv.to, mv.from)
			if !ok {
				continue
			}
			if span >= bestSpan && cur.tabooed(mv, tabu, iter) {
				// Should every move be tabu, one of them at random.
				if tabooed++; rng.IntN(tabooed) == 0 {
					fallback = i
				}
				continue
			}
			if chosen < 0 || span < chosenSpan || (span == chosenSpan && rng.IntN(2) == 0) {
				chosen, chosenSpan = i, span
			}
		}
		if chosen < 0 {
			chosen = fallback
		}
		if chosen < 0 {
			break
		}
		mv := cands[chosen]
		cur.relocate(mv.m, mv.from, mv.to)
		cur.forbid(mv, tabu, int32(iter+tenure+rng.IntN(tenure)))
		curSpan, _ = cur.evaluate()
		if curSpan < bestSpan {
			best.copyFrom(cur)
			bestSpan, lastGain = curSpan, iter
		}
		if iter-lastGain > stall {
			cur.copyFrom(best)
			shake(cur, rng, 2+rng.IntN(4))
			curSpan, _ = cur.evaluate()
			clear(tabu)
			lastGain = iter
		}
	}
	return best, bestSpan
}

// shake makes a few random moves of the neighbourhood, to leave a region
// the search has exhausted; a move that would make a cycle is undone.
func shake(st *state, rng *rand.Rand, n int) {
	var cands []move
	span, _ := st.evaluate()
	for range n {
		cands = st.moves(span, cands)
		if len(cands) == 0 {
			return
		}
		mv := cands[rng.IntN(len(cands))]
		st.relocate(mv.m, mv.from, mv.to)
		next, ok := st.evaluate()
		if !ok {
			st.relocate(mv.m, mv.to, mv.from)
			st.evaluate()
			continue
		}
		span = next
	}
}
