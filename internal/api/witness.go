package api

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"atelier/internal/provenance"
	"atelier/internal/store"
	"atelier/internal/studio"
)

// MaxAddCheckpointBytes bounds an add-checkpoint request: a checkpoint
// with its signatures and 63 proof lines is a few kilobytes.
const MaxAddCheckpointBytes = 64 << 10

// witnessName is the install's name as a witness: its public address's
// host and path, then /witness (C2SP names are schema-less URLs).
func (a *API) witnessName() string {
	u, err := url.Parse(a.BaseURL)
	if err != nil || u.Host == "" {
		return "atelier.invalid/witness"
	}
	return u.Host + strings.TrimRight(u.Path, "/") + "/witness"
}

// witnessKeyShow publishes the install's cosigning key, for the studios
// that list it as a witness.
func (a *API) witnessKeyShow(w http.ResponseWriter, r *http.Request) error {
	id, err := a.Store.WitnessIdentity(r.Context(), a.witnessName())
	if err != nil {
		return err
	}
	writeText(w, http.StatusOK, "text/plain; charset=utf-8", id.Verifier+"\n")
	return nil
}

// witnessAddCheckpoint is C2SP tlog-witness's add-checkpoint, answered in
// its own words: signature lines, or a status with a line of text (409
// with the size this witness cosigned last, as text/x.tlog.size).
func (a *API) witnessAddCheckpoint(w http.ResponseWriter, r *http.Request) error {
	body, err := readBody(r, "request too large")
	if studio.ErrorCode(err) == studio.TooLarge {
		writeText(w, http.StatusRequestEntityTooLarge, "text/plain; charset=utf-8", "request too large\n")
		return nil
	}
	if err != nil {
		return err
	}
	req, err := provenance.ParseAddCheckpoint(body)
	if err == nil {
		var lines []byte
		if lines, err = a.Store.Witness(r.Context(), a.witnessName(), req); err == nil {
			writeText(w, http.StatusOK, "text/plain; charset=utf-8", string(lines))
			return nil
		}
	}
	var conflict *provenance.SizeConflict
	switch {
	case errors.As(err, &conflict):
		writeText(w, http.StatusConflict, "text/x.tlog.size", fmt.Sprintf("%d\n", conflict.Size))
	case errors.Is(err, provenance.ErrMalformedRequest), errors.Is(err, provenance.ErrOldSizeAboveSize):
		writeText(w, http.StatusBadRequest, "text/plain; charset=utf-8", err.Error()+"\n")
	case errors.Is(err, provenance.ErrNotTrusted):
		writeText(w, http.StatusForbidden, "text/plain; charset=utf-8", err.Error()+"\n")
	case errors.Is(err, provenance.ErrInconsistent):
		writeText(w, http.StatusUnprocessableEntity, "text/plain; charset=utf-8", err.Error()+"\n")
	case studio.ErrorCode(err) == studio.NotFound:
		writeText(w, http.StatusNotFound, "text/plain; charset=utf-8", "unknown log\n")
	default:
		return err
	}
	return nil
}

func writeText(w http.ResponseWriter, status int, contentType, body string) {
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	io.WriteString(w, body)
}

// witnessedLogJSON is a log this install witnesses.
type witnessedLogJSON struct {
	Origin      string `json:"origin"`
	VerifierKey string `json:"verifier_key"`
	Size        int64  `json:"size"`
	Root        []byte `json:"root"`
}

func (a *API) witnessLogsList(w http.ResponseWriter, r *http.Request, p studio.Principal) error {
	logs, err := a.Store.WitnessedLogs(r.Context())
	if err != nil {
		return err
	}
	id, err := a.Store.WitnessIdentity(r.Context(), a.witnessName())
	if err != nil {
		return err
	}
	out := []witnessedLogJSON{}
	for _, l := range logs {
		out = append(out, witnessedLogJSON{Origin: l.Origin, VerifierKey: l.Verifier, Size: l.Tree.N, Root: l.Tree.Hash[:]})
	}
	writeJSON(w, http.StatusOK, map[string]any{"witness": map[string]string{"name": id.Origin, "verifier_key": id.Verifier,
		"submission_url": strings.TrimRight(a.BaseURL, "/") + "/witness"}, "logs": out})
	return nil
}

func (a *API) witnessLogsAdd(w http.ResponseWriter, r *http.Request, p studio.Principal) error {
	var body struct {
		VerifierKey string `json:"verifier_key"`
	}
	if err := decode(r, &body); err != nil {
		return err
	}
	if err := studio.TextError("verifier_key", body.VerifierKey, studio.TextRule{Max: 500, Required: true}); err != nil {
		return err
	}
	l, err := a.Store.AddWitnessedLog(r.Context(), body.VerifierKey)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, witnessedLogJSON{Origin: l.Origin, VerifierKey: l.Verifier, Size: 0, Root: l.Tree.Hash[:]})
	return nil
}

// studioWitnessJSON is a witness the studio submits its checkpoints to.
type studioWitnessJSON struct {
	URL         string `json:"url"`
	VerifierKey string `json:"verifier_key"`
	KnownSize   int64  `json:"known_size"`
	Cosigned    bool   `json:"cosigned"`
	LastError   string `json:"last_error"`
}

func (a *API) studioWitnessesShow(w http.ResponseWriter, r *http.Request, p studio.Principal) error {
	quorum, list, err := a.Store.StudioWitnesses(r.Context(), p.Studio.ID)
	if err != nil {
		return err
	}
	out := []studioWitnessJSON{}
	for _, x := range list {
		out = append(out, studioWitnessJSON{URL: x.URL, VerifierKey: x.Verifier, KnownSize: x.KnownSize, Cosigned: x.Cosigned, LastError: x.LastError})
	}
	writeJSON(w, http.StatusOK, map[string]any{"quorum": quorum, "witnesses": out})
	return nil
}

func (a *API) studioWitnessesSet(w http.ResponseWriter, r *http.Request, p studio.Principal) error {
	var body struct {
		Quorum    int `json:"quorum"`
		Witnesses []struct {
			URL         string `json:"url"`
			VerifierKey string `json:"verifier_key"`
		} `json:"witnesses"`
	}
	if err := decode(r, &body); err != nil {
		return err
	}
	list := make([]store.StudioWitness, 0, len(body.Witnesses))
	for _, x := range body.Witnesses {
		list = append(list, store.StudioWitness{URL: strings.TrimSpace(x.URL), Verifier: strings.TrimSpace(x.VerifierKey)})
	}
	if err := a.Store.SetStudioWitnesses(r.Context(), p.Studio.ID, body.Quorum, list); err != nil {
		return err
	}
	return a.studioWitnessesShow(w, r, p)
}
