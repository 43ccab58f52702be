package server

import (
	"io"
	"net/http"
	"time"
)

// bodyDeadline gives the request body a deadline: a client that stops
// sending half-way is cut off instead of holding its connection, its
// handler and its spool file for ever. The deadline is lifted once the body
// has been read, so that a long answer to a short body is not cut short
// (net/http cancels the request's context when a read on its connection
// times out). A writer that cannot take deadlines (a test recorder) is
// left as it is.
// wallClock is the machine's clock, for network deadlines only.
var wallClock = time.Now

func bodyDeadline(w http.ResponseWriter, r *http.Request, d time.Duration) {
	if r.Body == nil || r.Body == http.NoBody {
		return
	}
	rc := http.NewResponseController(w)
	// A connection's deadline is on the real clock, whatever clock the
	// pages and the store are given.
	if rc.SetReadDeadline(wallClock().Add(d)) != nil {
		return
	}
	r.Body = &deadlineBody{ReadCloser: r.Body, rc: rc}
}

// deadlineBody lifts the read deadline when the body has been read.
type deadlineBody struct {
	io.ReadCloser
	rc     *http.ResponseController
	lifted bool
}

func (b *deadlineBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err == io.EOF && !b.lifted {
		b.lifted = true
		b.rc.SetReadDeadline(time.Time{})
	}
	return n, err
}
