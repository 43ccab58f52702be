package store

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"maps"
	"slices"
	"sync"
	"time"

	"atelier/internal/plan"
	"atelier/internal/studio"
)

// The studio's plan is computed from what PlanProblem gathers; the board,
// the plan page, the API and the quote form all ask for it, so the last
// plan of each studio is kept while nothing it was made from has changed
// and it is younger than planFresh.

// planFresh is how long a plan is reused when its inputs are unchanged:
// the plan starts at its own now, and a few minutes later it still holds.
const planFresh = 5 * time.Minute

// planBudget bounds a plan's search; the plan found by then is used.
const planBudget = 3 * time.Second

type planCache struct {
	mu    sync.Mutex
	plans map[string]cachedPlan
}

type cachedPlan struct {
	key    [32]byte
	at     time.Time
	solved plan.Solved
}

// planKey fingerprints a problem without its now: the same open work,
// hours, ovens and estimates give the same key.
func planKey(p plan.Problem) [32]byte {
	p.Now = time.Time{}
	b, err := json.Marshal(struct {
		P   plan.Problem
		Loc string
		Est []plan.StageEstimate
	}{p, p.Location.String(), p.Durations.All()})
	if err != nil {
		return [32]byte{}
	}
	return sha256.Sum256(b)
}

// Plan plans the studio's open work as of now.
func (s *Store) Plan(ctx context.Context, studioID string) (plan.Problem, plan.Result, error) {
	p, solved, err := s.solved(ctx, studioID)
	return p, solved.Result, err
}

// solved is the studio's plan, from the cache while it holds.
func (s *Store) solved(ctx context.Context, studioID string) (plan.Problem, plan.Solved, error) {
	p, err := s.PlanProblem(ctx, studioID)
	if err != nil {
		return p, plan.Solved{}, err
	}
	key := planKey(p)
	s.plans.mu.Lock()
	c, ok := s.plans.plans[studioID]
	s.plans.mu.Unlock()
	if ok && c.key == key && p.Now.Sub(c.at) >= 0 && p.Now.Sub(c.at) < planFresh {
		return p, c.solved, nil
	}
	ctx, cancel := context.WithTimeout(ctx, planBudget)
	defer cancel()
	solved, err := p.Solve(ctx, plan.StudioOptions{Seed: 1})
	if err != nil {
		return p, solved, err
	}
	s.plans.mu.Lock()
	if s.plans.plans == nil {
		s.plans.plans = map[string]cachedPlan{}
	}
	s.plans.plans[studioID] = cachedPlan{key: key, at: p.Now, solved: solved}
	s.plans.mu.Unlock()
	return p, solved, nil
}

// WhatIf plans the studio's open work with the proposal added, once it
// is valid, on the studio's (cached) plan: nothing is written either way.
func (s *Store) WhatIf(ctx context.Context, studioID string, pr studio.Proposal) (plan.Problem, plan.WhatIf, error) {
	clays, err := s.Clays(ctx, studioID)
	if err != nil {
		return plan.Problem{}, plan.WhatIf{}, err
	}
	byKey := map[string]studio.Clay{}
	for _, c := range clays {
		byKey[c.Key] = c
	}
	if err := pr.Validate(slices.Sorted(maps.Keys(byKey))); err != nil {
		return plan.Problem{}, plan.WhatIf{}, err
	}
	n := plan.NewWork{TargetHeightMM: pr.TargetHeightMM, Count: pr.Count}
	if pr.MaxThicknessMM != nil {
		n.ThicknessMM = *pr.MaxThicknessMM
	}
	for _, b := range pr.ClayBrands {
		n.Clays = append(n.Clays, byKey[b])
	}
	p, solved, err := s.solved(ctx, studioID)
	if err != nil {
		return p, plan.WhatIf{}, err
	}
	w, err := p.WhatIfOn(solved, n, plan.StudioOptions{Seed: 1})
	return p, w, err
}
