package auth

import (
	"context"
	"errors"
	"runtime"
	"time"
)

// ErrBusy is the answer when every hashing slot stays taken for longer
// than a request should wait: the caller answers 503 and says when to try
// again, instead of queueing without limit.
var ErrBusy = errors.New("auth: every password-hashing slot is busy")

// MaxWait is how long a hash waits for a slot when its context sets no
// earlier deadline.
const MaxWait = 5 * time.Second

// hashWait is MaxWait, shortened by the tests.
var hashWait = MaxWait

// slots bounds work that costs much memory, one slot a job.
type slots chan struct{}

// hashing bounds the argon2id hashes of this process: each takes 19 MiB
// and a core, so a burst of sign-ins could otherwise take the server's
// memory. It is the process's own by nature, and so a package variable.
var hashing = make(slots, max(2, runtime.GOMAXPROCS(0)))

// Slots is how many password hashes this process runs at once.
func Slots() int { return cap(hashing) }

// take waits for a slot up to MaxWait (or ctx's end) and returns its
// release.
func (s slots) take(ctx context.Context) (func(), error) {
	select {
	case s <- struct{}{}:
		return func() { <-s }, nil
	default:
	}
	t := time.NewTimer(hashWait)
	defer t.Stop()
	select {
	case s <- struct{}{}:
		return func() { <-s }, nil
	case <-t.C:
		return nil, ErrBusy
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}
