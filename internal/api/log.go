package api

import (
	"net/http"
)

// logCheckpoint serves the studio log's signed checkpoint (C2SP checkpoint
// as a C2SP signed note by the studio key). It changes with each append:
// caches keep it briefly.
func (a *API) logCheckpoint(w http.ResponseWriter, r *http.Request) error {
	ls, err := a.Store.Log(r.Context(), r.PathValue("slug"))
	if err != nil {
		return err
	}
	writeLogData(w, "text/plain; charset=utf-8", "public, max-age=5", ls.Checkpoint)
	return nil
}

// logTile serves a tile or an entry bundle of the studio's log at its
// C2SP tlog-tiles path. A full tile never changes and is cached for a
// year; a partial one is cached briefly, as the tree grows past it.
func (a *API) logTile(w http.ResponseWriter, r *http.Request) error {
	data, full, err := a.Store.LogTile(r.Context(), r.PathValue("slug"), "tile/"+r.PathValue("path"))
	if err != nil {
		return err
	}
	cache := "public, max-age=60"
	if full {
		cache = "public, max-age=31536000, immutable"
	}
	writeLogData(w, "application/octet-stream", cache, data)
	return nil
}

func writeLogData(w http.ResponseWriter, contentType, cache string, data []byte) {
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Cache-Control", cache)
	w.Header().Set("Access-Control-Allow-Origin", "*")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusOK)
	w.Write(data)
}
