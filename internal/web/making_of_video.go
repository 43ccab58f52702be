package web

import (
	"context"

	"atelier/internal/store"
)

// makingOfVideo is the piece's time-lapse for the page, nil until it is
// made: the time-lapse desk is not wired in yet.
func (w *Web) makingOfVideo(ctx context.Context, pg store.MakingOfPage, base string) *makingOfVideo {
	return nil
}
