package api

import (
	"net/http"
	"strconv"
	"time"

	"atelier/internal/httpx"
	"atelier/internal/requestid"
	"atelier/internal/store"
	"atelier/internal/studio"
)

// Wrong transfer codes are limited per certificate, so that no one guesses
// one certificate's code from many addresses, and per address, so that no
// one tries a few codes on each of many certificates. Every attempt is
// counted in the database before the code is compared, and only a
// transfer that does not fail on its code is taken back.
const (
	WrongTransferCodesPerSerial  = 5
	WrongTransferCodesPerAddress = 20
	WrongTransferCodesWindow     = time.Hour
)

// transfersCreate hands a certificate on to a new owner with the code its
// present owner holds, and answers the new owner's code.
func (a *API) transfersCreate(w http.ResponseWriter, r *http.Request) error {
	var body struct {
		Serial       string `json:"serial"`
		Code         string `json:"code"`
		NewOwnerName string `json:"new_owner_name"`
		ShowName     bool   `json:"show_name"`
	}
	if err := decode(r, &body); err != nil {
		return err
	}
	requestid.Secret(r.Context(), body.Code)
	t := studio.Transfer{Serial: body.Serial, Code: body.Code, NewOwnerName: body.NewOwnerName, ShowName: body.ShowName}
	if err := t.Validate(); err != nil {
		return err
	}
	serialKey := "transfer:serial:" + store.NormalizeSerial(t.Serial)
	ipKey := "transfer:ip:" + httpx.ClientIP(r)
	adm, err := a.Store.Admit(r.Context(), "wrong transfer codes",
		store.Limit{Key: serialKey, Max: WrongTransferCodesPerSerial, Window: WrongTransferCodesWindow},
		store.Limit{Key: ipKey, Max: WrongTransferCodesPerAddress, Window: WrongTransferCodesWindow})
	if err != nil {
		return err
	}
	code, err := a.Store.TransferCertificate(r.Context(), t)
	// A wrong code, or a serial no one issued, stays counted: both are
	// what guessing looks like.
	if c := studio.ErrorCode(err); c != studio.Forbidden && c != studio.NotFound {
		if err := a.Store.Release(r.Context(), adm, serialKey, ipKey); err != nil {
			return err
		}
	}
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]string{"transfer_code": code})
	return nil
}

// ownerJSON is an owner a certificate was transferred to, as its studio
// sees it: the name is null once erased.
type ownerJSON struct {
	Index    int64     `json:"index"`
	At       time.Time `json:"at"`
	Name     *string   `json:"name"`
	ShowName bool      `json:"show_name"`
	Erased   bool      `json:"erased"`
}

// certificatesOwners lists a certificate's owners, oldest first.
func (a *API) certificatesOwners(w http.ResponseWriter, r *http.Request, p studio.Principal) error {
	owners, err := a.Store.CertificateOwners(r.Context(), p.Studio.ID, r.PathValue("serial"))
	if err != nil {
		return err
	}
	out := make([]ownerJSON, len(owners))
	for i, o := range owners {
		out[i] = ownerJSON{Index: o.Index, At: o.At, ShowName: o.ShowName, Erased: o.Erased}
		if !o.Erased {
			out[i].Name = &o.Name
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"owners": out})
	return nil
}

// certificatesOwnerErase erases an owner's name, as the owner may ask.
func (a *API) certificatesOwnerErase(w http.ResponseWriter, r *http.Request, p studio.Principal) error {
	index, err := strconv.ParseInt(r.PathValue("index"), 10, 64)
	if err != nil || index < 0 {
		return studio.Errorf(studio.NotFound, "This certificate has no such owner.")
	}
	if err := a.Store.EraseOwner(r.Context(), p.Studio.ID, r.PathValue("serial"), index); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// provenanceJSON is one step of a certificate's history: its issue by the
// studio (owner: the studio's name), then each transfer (owner: the name
// when its owner chose to show it, else null; erased when the studio has
// erased it). index is the step's leaf in the studio's log.
type provenanceJSON struct {
	Kind   string    `json:"kind"`
	At     time.Time `json:"at"`
	Owner  *string   `json:"owner"`
	Index  *int64    `json:"index"`
	Erased bool      `json:"erased"`
}

func provenanceView(entries []store.ProvenanceEntry) []provenanceJSON {
	out := make([]provenanceJSON, len(entries))
	for i, e := range entries {
		out[i] = provenanceJSON{Kind: e.Kind, At: e.At, Owner: optString(e.Owner), Erased: e.Erased}
		if e.Index >= 0 {
			out[i].Index = &e.Index
		}
	}
	return out
}
