package plan

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"

	"atelier/internal/studio"
)

// The planner's benchmarks: a studio of n open pieces at random stages
// (randomStudio: two people, two ovens, four clays, a third promised),
// planned with the default options, and a what-if of one new piece.
// docs/benchmarks.md has the command and the figures.

var studioSizes = []int{50, 200, 1000}

func BenchmarkStudioPlan(b *testing.B) {
	for _, n := range studioSizes {
		p := randomStudio(rand.New(rand.NewPCG(7, uint64(n))), n)
		b.Run(fmt.Sprintf("pieces=%d", n), func(b *testing.B) {
			for b.Loop() {
				if _, err := p.Plan(context.Background(), StudioOptions{Seed: 1}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkWhatIf(b *testing.B) {
	for _, n := range studioSizes {
		p := randomStudio(rand.New(rand.NewPCG(7, uint64(n))), n)
		b.Run(fmt.Sprintf("pieces=%d", n), func(b *testing.B) {
			for b.Loop() {
				if _, err := p.WhatIf(context.Background(), NewWork{TargetHeightMM: 40, Clays: []studio.Clay{fimo}}, StudioOptions{Seed: 1}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkWhatIfOnSolved is the what-if on a plan already made, as the
// store answers it while the studio's plan is cached.
func BenchmarkWhatIfOnSolved(b *testing.B) {
	for _, n := range studioSizes {
		p := randomStudio(rand.New(rand.NewPCG(7, uint64(n))), n)
		solved, err := p.Solve(context.Background(), StudioOptions{Seed: 1})
		if err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("pieces=%d", n), func(b *testing.B) {
			for b.Loop() {
				if _, err := p.WhatIfOn(solved, NewWork{TargetHeightMM: 40, Clays: []studio.Clay{fimo}}, StudioOptions{Seed: 1}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
