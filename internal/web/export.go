package web

import (
	"context"
	"net/http"

	"atelier/internal/export"
	"atelier/internal/studio"
)

// exportSize is what the settings page says of the export before it
// starts: a streamed download has no length for the browser to show, so
// the page gives the counts.
type exportSize struct {
	Records, Photos int64
}

func (w *Web) exportSize(ctx context.Context, p studio.Principal) (exportSize, error) {
	records, photos, err := w.store.ExportSize(ctx, p.Studio.ID)
	return exportSize{Records: records, Photos: photos}, err
}

// exportZip streams the studio's export (package export) as a download.
func (w *Web) exportZip(rw http.ResponseWriter, r *http.Request, p studio.Principal) error {
	return export.Serve(rw, r, w.store, w.intake.Files, p.Studio.Slug, w.log)
}
