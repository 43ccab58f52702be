package imaging

import (
	"context"
	"errors"
	"testing"
	"time"
)

// The budget lets small images decode side by side, a large one alone, one
// larger than the whole budget when nothing else runs, and tells a caller
// who may not wait long that it is spent.
func TestTheDecodingBudgetBoundsPixelsInFlight(t *testing.T) {
	ctx := context.Background()
	b := NewBudget(100)
	small1, err := b.Reserve(ctx, 40, 0)
	if err != nil {
		t.Fatal(err)
	}
	small2, err := b.Reserve(ctx, 40, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.Reserve(ctx, 40, 10*time.Millisecond); !errors.Is(err, ErrBusy) {
		t.Fatalf("a third over the budget: %v, want ErrBusy", err)
	}
	small1()
	small2()
	huge, err := b.Reserve(ctx, 1000, 10*time.Millisecond)
	if err != nil {
		t.Fatalf("an image over the whole budget, alone: %v", err)
	}
	if _, err := b.Reserve(ctx, 1, 10*time.Millisecond); !errors.Is(err, ErrBusy) {
		t.Fatalf("anything beside it: %v, want ErrBusy", err)
	}
	huge()
	gone, cancel := context.WithCancel(ctx)
	cancel()
	hold, _ := b.Reserve(ctx, 100, 0)
	if _, err := b.Reserve(gone, 1, time.Second); !errors.Is(err, context.Canceled) {
		t.Fatalf("a cancelled caller: %v", err)
	}
	hold()
}
