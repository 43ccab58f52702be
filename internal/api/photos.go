package api

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"

	"atelier/internal/files"
	"atelier/internal/imaging"
	"atelier/internal/studio"
)

// checkPhoto decides the upload's type by content, refuses it above the
// pixel limit before decoding, then decodes it in full so that a broken
// file is refused now and not in a background job later.
func checkPhoto(sp *files.Spooled, pixelLimit int64) (w, h int, err error) {
	f, err := sp.Open()
	if err != nil {
		return 0, 0, err
	}
	defer f.Close()
	info, err := imaging.Verify(f, pixelLimit)
	if err != nil {
		return 0, 0, err
	}
	sp.ContentType = "image/" + strings.ToLower(info.Format)
	return info.Width, info.Height, nil
}

// serveOriginal sends the original as uploaded, less its location, camera
// and other metadata. Only the studio's own users reach it.
func (a *API) serveOriginal(w http.ResponseWriter, r *http.Request, studioID string, p studio.Photo) error {
	f, err := a.Store.File(r.Context(), studioID, p.FileID)
	if err != nil {
		return err
	}
	rc, err := a.Files.Open(r.Context(), f.SHA256)
	if err != nil {
		return err
	}
	defer rc.Close()
	// Stripped into memory first (at most MaxPhotoBytes), so that a failure
	// is a clean error rather than half an image.
	var buf bytes.Buffer
	if err := imaging.StripMetadata(rc, &buf, formatOf(f.ContentType)); err != nil {
		return err
	}
	w.Header().Set("Content-Type", f.ContentType)
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.Header().Set("Cache-Control", "private, max-age=86400")
	w.Header().Set("Content-Security-Policy", "sandbox; default-src 'none'")
	w.Write(buf.Bytes())
	return nil
}

// formatOf maps a stored content type to the imaging format name.
func formatOf(contentType string) string {
	switch contentType {
	case "image/png":
		return imaging.PNG
	case "image/webp":
		return imaging.WebP
	}
	return imaging.JPEG
}
