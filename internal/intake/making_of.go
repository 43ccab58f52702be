package intake

import (
	"net/url"
	"strings"
)

// MakingOfURL is the public address of a piece's making-of page: the
// address the API hands out and the piece's page offers to copy.
func MakingOfURL(baseURL, slug, pieceID string) string {
	return strings.TrimRight(baseURL, "/") + MakingOfPath(slug, pieceID)
}

// MakingOfPath is the page's path on this server.
func MakingOfPath(slug, pieceID string) string {
	return "/s/" + url.PathEscape(slug) + "/making-of/" + url.PathEscape(pieceID)
}
