package intake

import (
	"bytes"
	"context"

	"atelier/internal/pdf"
	"atelier/internal/store"
	"atelier/internal/studio"
)

// PrintCertificates renders certificates as the studio prints them, one
// page each, whether the web app or the API asks: the QR code of each
// opens baseURL/v/{serial}, a first print carries the owner's transfer
// code on its stub, and every page embeds its bundle, so that the file
// alone proves it, with its inclusion proof in the log as it stands now.
// It renders into memory, so that a failure is an error, never half a
// file.
func PrintCertificates(ctx context.Context, st *store.Store, baseURL string, size pdf.PageSize, list []store.IssuedCertificate) ([]byte, error) {
	pages := make([]pdf.CertificatePage, 0, len(list))
	for _, ic := range list {
		page, err := pdf.PageOf(ic.Certificate, baseURL, ic.Key.Verifier)
		if err != nil {
			return nil, err
		}
		if page.Bundle, err = st.CertificateBundle(ctx, ic.StudioID, ic.Serial); studio.ErrorCode(err) == studio.NotFound {
			page.Bundle, err = nil, nil // not in the log: printed without a bundle
		}
		if err != nil {
			return nil, err
		}
		page.TransferCode = ic.TransferCode
		pages = append(pages, page)
	}
	var buf bytes.Buffer
	if err := pdf.Certificates(&buf, size, pages); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
