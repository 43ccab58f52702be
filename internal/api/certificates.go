package api

import (
	"bytes"
	"io"
	"net/http"
	"strings"
	"time"

	"atelier/internal/intake"
	"atelier/internal/pdf"
	"atelier/internal/provenance"
	"atelier/internal/store"
	"atelier/internal/studio"
)

// certificateJSON is a certificate's fields, as signed.
type certificateJSON struct {
	Serial        string    `json:"serial"`
	Studio        string    `json:"studio"`
	StudioName    string    `json:"studio_name"`
	Artist        string    `json:"artist"`
	Subject       string    `json:"subject"`
	EditionID     *string   `json:"edition_id"`
	EditionTitle  string    `json:"edition_title"`
	EditionNumber int       `json:"edition_number"`
	EditionSize   int       `json:"edition_size"`
	Edition       string    `json:"edition"`
	HeightMM      float64   `json:"height_mm"`
	WidthMM       float64   `json:"width_mm"`
	DepthMM       float64   `json:"depth_mm"`
	HeightIn      float64   `json:"height_in"`
	WidthIn       float64   `json:"width_in"`
	DepthIn       float64   `json:"depth_in"`
	Clay          string    `json:"clay"`
	Finish        string    `json:"finish"`
	Completed     string    `json:"completed"`
	Story         string    `json:"story"`
	IssuedAt      time.Time `json:"issued_at"`
}

func certificateView(c studio.Certificate) certificateJSON {
	in := func(mm float64) float64 { return float64(int(studio.MMToInches(mm)*100+0.5)) / 100 }
	return certificateJSON{Serial: c.Serial, Studio: c.StudioSlug, StudioName: c.StudioName, Artist: c.Artist, Subject: c.Subject,
		EditionID: optString(c.EditionID), EditionTitle: c.EditionTitle, EditionNumber: c.EditionNumber, EditionSize: c.EditionSize,
		Edition: c.EditionLabel(), HeightMM: c.HeightMM, WidthMM: c.WidthMM, DepthMM: c.DepthMM, HeightIn: in(c.HeightMM),
		WidthIn: in(c.WidthMM), DepthIn: in(c.DepthMM), Clay: c.Clay, Finish: c.Finish, Completed: c.Completed, Story: c.Story,
		IssuedAt: c.IssuedAt}
}

// keyJSON is a studio's public signing key.
type keyJSON struct {
	Name        string `json:"name"`
	Verifier    string `json:"verifier"`
	Fingerprint string `json:"fingerprint"`
	URL         string `json:"url"`
}

func (a *API) keyView(slug string, k store.StudioKey) keyJSON {
	fp, _ := provenance.Fingerprint(k.Verifier) // a stored key always parses
	return keyJSON{Name: k.Name, Verifier: k.Verifier, Fingerprint: fp, URL: strings.TrimRight(a.BaseURL, "/") + "/s/" + slug + "/key"}
}

// issuedJSON is a certificate as its studio sees it.
type issuedJSON struct {
	certificateJSON
	PieceID   string  `json:"piece_id"`
	VerifyURL string  `json:"verify_url"`
	PDFURL    string  `json:"pdf_url"`
	Key       keyJSON `json:"key"`
	// Signed is the signed note, to keep or to check with any signed-note
	// tool against the key.
	Signed string `json:"signed"`
}

func (a *API) issuedView(ic store.IssuedCertificate) issuedJSON {
	return issuedJSON{certificateJSON: certificateView(ic.Certificate), PieceID: ic.PieceID,
		VerifyURL: pdf.VerifyURL(a.BaseURL, ic.Serial), PDFURL: strings.TrimRight(a.BaseURL, "/") + "/api/v1/certificates/" + ic.Serial + ".pdf",
		Key: a.keyView(ic.StudioSlug, ic.Key), Signed: string(ic.Signed)}
}

// piecesCertify issues the certificate of a collector-grade piece.
func (a *API) piecesCertify(w http.ResponseWriter, r *http.Request, p studio.Principal) error {
	var body struct {
		Story *string `json:"story"`
	}
	if err := decodeOptional(r, &body); err != nil {
		return err
	}
	ic, err := a.Store.IssueCertificate(r.Context(), p.Studio.ID, r.PathValue("id"), body.Story)
	if err != nil {
		return err
	}
	// The owner's transfer code is shown here once, for a shop to hand to
	// the buyer, and again only on the stub of the first print.
	out := struct {
		issuedJSON
		TransferCode string `json:"transfer_code"`
	}{a.issuedView(ic), ic.TransferCode}
	w.Header().Set("Location", out.PDFURL)
	writeJSON(w, http.StatusCreated, out)
	return nil
}

// piecesCertificate shows a piece's certificate; a piece without one is
// not found.
func (a *API) piecesCertificate(w http.ResponseWriter, r *http.Request, p studio.Principal) error {
	ic, ok, err := a.Store.PieceCertificate(r.Context(), p.Studio.ID, r.PathValue("id"))
	if err != nil {
		return err
	}
	if !ok {
		return studio.Errorf(studio.NotFound, "This piece has no certificate yet.")
	}
	writeJSON(w, http.StatusOK, a.issuedView(ic))
	return nil
}

// certificatesShow answers /certificates/{serial} as JSON and
// /certificates/{serial}.pdf as the printed certificate.
func (a *API) certificatesShow(w http.ResponseWriter, r *http.Request, p studio.Principal) error {
	serial, isPDF := strings.CutSuffix(r.PathValue("file"), ".pdf")
	var size pdf.PageSize
	if isPDF {
		var err error
		if size, err = pdf.ParsePageSize(r.URL.Query().Get("size")); err != nil {
			return err
		}
	}
	var ic store.IssuedCertificate
	var err error
	if isPDF && r.Method == http.MethodGet {
		// The first print takes the transfer code for its stub; a HEAD
		// request, which renders nothing, must not.
		ic, ic.TransferCode, err = a.Store.CertificateForPrint(r.Context(), p.Studio.ID, serial)
	} else {
		ic, err = a.Store.StudioCertificate(r.Context(), p.Studio.ID, serial)
	}
	if err != nil {
		return err
	}
	if !isPDF {
		writeJSON(w, http.StatusOK, a.issuedView(ic))
		return nil
	}
	return a.writeCertificates(w, r, size, "certificate-"+ic.Serial+".pdf", []store.IssuedCertificate{ic})
}

// editionsCertificates prints every certificate of an edition in one PDF,
// in number order.
func (a *API) editionsCertificates(w http.ResponseWriter, r *http.Request, p studio.Principal) error {
	size, err := pdf.ParsePageSize(r.URL.Query().Get("size"))
	if err != nil {
		return err
	}
	list, err := a.Store.EditionCertificates(r.Context(), p.Studio.ID, r.PathValue("id"))
	if err != nil {
		return err
	}
	if len(list) == 0 {
		return studio.Errorf(studio.Conflict, "No piece of this edition has a certificate yet.")
	}
	return a.writeCertificates(w, r, size, "edition-"+r.PathValue("id")+"-certificates.pdf", list)
}

func (a *API) writeCertificates(w http.ResponseWriter, r *http.Request, size pdf.PageSize, filename string, list []store.IssuedCertificate) error {
	data, err := intake.PrintCertificates(r.Context(), a.Store, a.BaseURL, size, list)
	if err != nil {
		return err
	}
	writePDF(w, filename, data)
	return nil
}

// writePDF answers a rendered document, shown in the browser.
func writePDF(w http.ResponseWriter, filename string, data []byte) {
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `inline; filename="`+filename+`"`)
	w.Header().Set("Cache-Control", "private, no-store")
	w.WriteHeader(http.StatusOK)
	w.Write(data)
}

// decodeOptional is decode for a body that may be left out: no body is {}.
func decodeOptional(r *http.Request, dst any) error {
	data, err := readBody(r, "The request body is too large.")
	if err != nil {
		return err
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil
	}
	r.Body = io.NopCloser(bytes.NewReader(data))
	return decode(r, dst)
}
