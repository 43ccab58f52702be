package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"atelier/internal/intake"
	"atelier/internal/pdf"
	"atelier/internal/store"
	"atelier/internal/studio"
)

// verifyData is the public verification page: the verdict, and what the
// record on file claims, genuine or not, so that a reader sees what was
// altered.
type verifyData struct {
	Genuine bool
	// Reason says, in words, why the record is not genuine.
	Reason string
	C      studio.Certificate
	// Studio names the studio: as signed on a genuine record, else the one
	// that holds it; Slug is the holder's, whose key verified.
	Studio, Slug    string
	Dimensions      string
	Serial          string
	Certified       int
	KeyName, Finger string
	// Completed is the day the piece was finished, for people.
	Completed string
	// Provenance is the certificate's history: its issue, then each change
	// of hands; Logged says the studio's log holds it, so that its bundle
	// can be downloaded.
	Provenance []store.ProvenanceEntry
	Logged     bool
	LogIndex   int64
	LogSize    int64
}

// verifyBundle hands anyone the certificate's bundle: the signed record,
// its inclusion proof in the studio's log with the signed, cosigned
// checkpoint, and the studio's key, to keep and check offline with
// atelier verify FILE.
func (w *Web) verifyBundle(rw http.ResponseWriter, r *http.Request) error {
	bundle, err := w.store.PublicCertificateBundle(r.Context(), r.PathValue("serial"))
	if e, ok := errors.AsType[*studio.Error](err); ok && e.Code == studio.NotFound {
		w.NotFound(rw, r)
		return nil
	}
	if err != nil {
		return err
	}
	h := rw.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", pdf.BundleName(r.PathValue("serial"))))
	h.Set("Cache-Control", "no-store")
	rw.WriteHeader(http.StatusOK)
	rw.Write(bundle)
	return nil
}

// verifyShow is the page a certificate's QR code opens: anyone, signed in
// or not, sees whether the record on file is genuine, and what it says.
func (w *Web) verifyShow(rw http.ResponseWriter, r *http.Request) error {
	cc, err := w.store.CheckCertificate(r.Context(), r.PathValue("serial"))
	if e, ok := errors.AsType[*studio.Error](err); ok && e.Code == studio.NotFound {
		w.NotFound(rw, r)
		return nil
	}
	if err != nil {
		return err
	}
	d := verifyData{Genuine: cc.Genuine, C: cc.Certificate, Serial: pdf.GroupSerial(r.PathValue("serial")),
		Dimensions: pdf.Dimensions(cc.Certificate), Certified: cc.Certified, Studio: cc.StudioName, KeyName: cc.Key.Name}
	if !cc.Genuine {
		d.Reason = sentence(cc.Reason)
	}
	d.Completed, d.Provenance = cc.Completed, cc.Provenance
	if cc.Log != nil {
		d.Logged, d.LogIndex, d.LogSize = true, cc.Log.Index, cc.Log.Tree.N
	}
	if day, err := time.Parse(time.DateOnly, cc.Completed); err == nil {
		d.Completed = day.Format("2 January 2006")
	}
	if page, err := pdf.PageOf(cc.Certificate, w.cfg.BaseURL, cc.Key.Verifier); err == nil {
		d.KeyName, d.Finger = page.KeyName, page.Fingerprint
	} else {
		w.log.ErrorContext(r.Context(), "fingerprinting a studio key", "studio", cc.StudioID, "err", err)
	}
	// The key is the studio's that holds the record; a record that is not
	// genuine may claim another studio's name, or none.
	holder, err := w.store.Studio(r.Context(), cc.StudioID)
	if err != nil {
		return err
	}
	d.Slug = holder.Slug
	if !d.Genuine || d.Studio == "" {
		d.Studio = holder.Name
	}
	title := "Not genuine"
	if d.Genuine {
		title = "Certificate of authenticity"
	}
	if d.Studio != "" {
		title += " · " + d.Studio
	}
	w.render(rw, r, http.StatusOK, "verify", pageData{Title: title, Gallery: true, Data: d})
	return nil
}

// sentence starts s with a capital and ends it with a full stop.
func sentence(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return "The record on file does not verify."
	}
	s = strings.ToUpper(s[:1]) + s[1:]
	if !strings.HasSuffix(s, ".") {
		s += "."
	}
	return s
}

// certificateCard is the piece page's certificate card.
type certificateCard struct {
	// Issued is the certificate, when the piece has one; Serial grouped.
	Issued *store.IssuedCertificate
	Serial string
	// Certifiable says the piece may have its certificate issued now;
	// Story is the would-be story the form starts from.
	Certifiable bool
	Story       string
	// Unreadable says the record on file no longer verifies.
	Unreadable bool
}

// certificateCardOf finds what the certificate card shows.
func (w *Web) certificateCardOf(ctx context.Context, p studio.Principal, d store.PieceDetail, a pieceAnswer) certificateCard {
	ic, ok, err := w.store.PieceCertificate(ctx, p.Studio.ID, d.ID)
	switch {
	case err != nil:
		w.log.ErrorContext(ctx, "reading a piece's certificate", "piece", d.ID, "err", err)
		return certificateCard{Unreadable: true}
	case ok:
		return certificateCard{Issued: &ic, Serial: pdf.GroupSerial(ic.Serial)}
	}
	card := certificateCard{Certifiable: studio.CheckCertifiable(d.Piece) == nil}
	if !card.Certifiable {
		return card
	}
	if a.form == "certificate" {
		card.Story = a.values.Get("story")
		return card
	}
	if c, err := w.store.PieceFacts(ctx, p.Studio.ID, d.ID); err == nil {
		card.Story = c.Story
	} else {
		w.log.ErrorContext(ctx, "reading a piece's facts", "piece", d.ID, "err", err)
	}
	return card
}

// pieceCertificate issues the piece's certificate, with the story as the
// form sent it.
func (w *Web) pieceCertificate(rw http.ResponseWriter, r *http.Request, p studio.Principal) error {
	return w.pieceChange(rw, r, p, "certificate", "#certificate", func(f url.Values) (change, error) {
		var story *string
		if f.Has("story") {
			story = ptr(f.Get("story"))
		}
		ic, err := w.store.IssueCertificate(r.Context(), p.Studio.ID, r.PathValue("id"), story)
		if err != nil {
			return change{}, err
		}
		return change{d: store.PieceDetail{Piece: studio.Piece{ID: ic.PieceID}},
			flash: "Certificate " + pdf.GroupSerial(ic.Serial) + " is issued and signed. Print it, and its QR code leads to its public page."}, nil
	})
}

// pieceCertificatePDF prints the piece's certificate, A6 or A5.
func (w *Web) pieceCertificatePDF(rw http.ResponseWriter, r *http.Request, p studio.Principal) error {
	size, err := pdf.ParsePageSize(r.URL.Query().Get("size"))
	if err != nil {
		return err
	}
	if _, err := w.store.Piece(r.Context(), p.Studio.ID, r.PathValue("id")); err != nil {
		return err
	}
	ic, ok, err := w.store.PieceCertificate(r.Context(), p.Studio.ID, r.PathValue("id"))
	if err != nil {
		return err
	}
	if !ok {
		return studio.Errorf(studio.NotFound, "This piece has no certificate yet: issue it on the piece's page once the piece is collector-grade.")
	}
	if r.Method == http.MethodGet {
		// The first print carries the owner's transfer code on its stub.
		if ic, ic.TransferCode, err = w.store.CertificateForPrint(r.Context(), p.Studio.ID, ic.Serial); err != nil {
			return err
		}
	}
	return w.certificatesPDF(rw, r, size, "certificate-"+ic.Serial+".pdf", []store.IssuedCertificate{ic})
}

// editionCertificatesPDF prints the certificates of an edition's pieces,
// one page each, in number order.
func (w *Web) editionCertificatesPDF(rw http.ResponseWriter, r *http.Request, p studio.Principal) error {
	size, err := pdf.ParsePageSize(r.URL.Query().Get("size"))
	if err != nil {
		return err
	}
	list, err := w.store.EditionCertificates(r.Context(), p.Studio.ID, r.PathValue("id"))
	if err != nil {
		return err
	}
	if len(list) == 0 {
		return studio.Errorf(studio.Conflict, "None of this edition's pieces is certified yet: each piece's certificate is issued on its page once it is collector-grade.")
	}
	return w.certificatesPDF(rw, r, size, "certificates-edition-"+r.PathValue("id")+".pdf", list)
}

// certificatesPDF renders the certificates into a buffer, so that a
// failure is an error page rather than half a file, and sends them.
func (w *Web) certificatesPDF(rw http.ResponseWriter, r *http.Request, size pdf.PageSize, filename string, list []store.IssuedCertificate) error {
	data, err := intake.PrintCertificates(r.Context(), w.store, w.cfg.BaseURL, size, list)
	if err != nil {
		return err
	}
	sendPDF(rw, filename, data)
	return nil
}

// sendPDF answers a PDF for the browser to show, named for saving.
func sendPDF(rw http.ResponseWriter, filename string, body []byte) {
	h := rw.Header()
	h.Set("Content-Type", "application/pdf")
	h.Set("Content-Disposition", fmt.Sprintf("inline; filename=%q", filename))
	h.Set("Cache-Control", "no-store")
	rw.WriteHeader(http.StatusOK)
	rw.Write(body)
}
