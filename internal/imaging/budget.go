package imaging

import (
	"context"
	"errors"
	"time"

	"golang.org/x/sync/semaphore"
)

// DecodeBudget is how many pixels this process decodes at once: one photo
// at the largest pixel limit a studio starts with, or several smaller ones.
// A decoded pixel takes 1.5 to 4 bytes, so the budget bounds the memory of
// decoding at about 200 MB however many photos arrive together.
const DecodeBudget = 50_000_000

// ErrBusy is the answer when the budget stays spent for longer than the
// caller may wait.
var ErrBusy = errors.New("imaging: the decoding budget is spent")

// Budget bounds the pixels decoded at once.
type Budget struct {
	sem  *semaphore.Weighted
	size int64
}

// NewBudget makes a budget of the given pixels.
func NewBudget(pixels int64) *Budget {
	return &Budget{sem: semaphore.NewWeighted(pixels), size: pixels}
}

// Decodes is the process's budget, shared by the requests that check
// uploads and the jobs that draw variants: it is the process's own by
// nature, and so a package variable.
var Decodes = NewBudget(DecodeBudget)

// Reserve waits until an image of pixels may be decoded, at most wait
// (zero: as long as ctx lasts), and returns the release. An image larger
// than the budget takes all of it.
func (b *Budget) Reserve(ctx context.Context, pixels int64, wait time.Duration) (func(), error) {
	n := min(max(pixels, 1), b.size)
	if wait > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeoutCause(ctx, wait, ErrBusy)
		defer cancel()
	}
	if err := b.sem.Acquire(ctx, n); err != nil {
		if cause := context.Cause(ctx); errors.Is(cause, ErrBusy) {
			return nil, ErrBusy
		}
		return nil, err
	}
	return func() { b.sem.Release(n) }, nil
}
