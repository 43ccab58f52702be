// Package httpx holds the few HTTP pieces the web pages and the JSON API
// share: the route type, the error → status table and the client's
// address. It imports no package of ours but studio, so that web and api
// can both use it without using each other.
package httpx

import (
	"net"
	"net/http"
)

// Route is one line of the route table: a Go method pattern and its handler.
type Route struct {
	Pattern string
	Handler http.Handler
	// Public routes need no signed-in user (web) or token (api), and ignore
	// any Authorization header.
	Public bool
	// Owner routes are the studio owner's alone: anyone else is refused
	// with 403 before the handler runs.
	Owner bool
	// Page routes answer HTML: a panic there is answered with the error
	// page, not with the API's JSON.
	Page bool
	// MaxBody overrides the server's default request body limit (bytes).
	MaxBody int64
}

// ClientIP is the address a request came from (the client's, when a
// trusted proxy forwarded it: the server puts it in RemoteAddr).
func ClientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
