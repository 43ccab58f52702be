package intake

import (
	"bytes"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"atelier/internal/files"
	"atelier/internal/imaging"
	"atelier/internal/studio"
)

// inspectPhoto decides the upload's type by content and reads its size
// from its header, refusing it above the pixel limit; nothing is decoded.
func inspectPhoto(sp *files.Spooled, pixelLimit int64) (w, h int, err error) {
	f, err := sp.Open()
	if err != nil {
		return 0, 0, err
	}
	defer f.Close()
	info, err := imaging.InspectWithin(f, pixelLimit)
	if err != nil {
		return 0, 0, err
	}
	sp.ContentType = "image/" + strings.ToLower(info.Format)
	return info.Width, info.Height, nil
}

// verifyPhoto decodes a photo in full, so that a broken file is refused
// now and not in a background job later.
func verifyPhoto(sp *files.Spooled, pixelLimit int64) error {
	f, err := sp.Open()
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = imaging.Verify(f, pixelLimit)
	return err
}

// ServePhoto writes the photo named by the request's path ("photo") among
// photos, in the size the path names ("size"): a derived image without
// metadata, or, when original allows it (the studio's own users only), the
// original stripped of location and camera data.
func (d *Desk) ServePhoto(w http.ResponseWriter, r *http.Request, studioID string, photos []studio.Photo, original bool) error {
	i := slices.IndexFunc(photos, func(p studio.Photo) bool { return p.ID == r.PathValue("photo") })
	if i < 0 {
		return studio.Errorf(studio.NotFound, "No such photo.")
	}
	p, size := photos[i], r.PathValue("size")
	if size == "original" {
		if !original {
			return studio.Errorf(studio.NotFound, "No such photo size.")
		}
		return d.serveOriginal(w, r, studioID, p)
	}
	// The size is one of the exact names: strconv.Atoi would also take
	// "0160" and "+160", more addresses for one image.
	n, err := strconv.Atoi(size)
	if err != nil || !slices.Contains(studio.VariantSizes, n) || strconv.Itoa(n) != size {
		return studio.Errorf(studio.NotFound, "No such photo size; use 1600, 400 or 160.")
	}
	id := p.Variants[n]
	if id == "" {
		w.Header().Set("Retry-After", "2")
		return studio.Errorf(studio.NotFound, "This size of the photo is still being made; try again in a moment.")
	}
	f, err := d.Store.File(r.Context(), studioID, id)
	if err != nil {
		return err
	}
	return d.ServeBlob(w, r, f, "private, max-age=86400", "")
}

// serveOriginal sends the original as uploaded, less its location, camera
// and other metadata. Only the studio's own users reach it.
func (d *Desk) serveOriginal(w http.ResponseWriter, r *http.Request, studioID string, p studio.Photo) error {
	f, err := d.Store.File(r.Context(), studioID, p.FileID)
	if err != nil {
		return err
	}
	rc, err := d.Files.Open(r.Context(), f.SHA256)
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

// ServeBlob streams a stored file with headers that keep it from running
// as a page of this origin. disposition may be empty. The ETag is the
// content's hash, which names it exactly, and byte ranges are answered
// when the store's reader can seek (phones ask for ranges to play a video
// inline).
func (d *Desk) ServeBlob(w http.ResponseWriter, r *http.Request, f studio.File, cache, disposition string) error {
	rc, err := d.Files.Open(r.Context(), f.SHA256)
	if err != nil {
		return err
	}
	defer rc.Close()
	h := w.Header()
	h.Set("Content-Type", f.ContentType)
	h.Set("Content-Security-Policy", "sandbox; default-src 'none'")
	h.Set("Cache-Control", cache)
	h.Set("ETag", strconv.Quote(f.SHA256))
	if disposition != "" {
		h.Set("Content-Disposition", disposition)
	}
	if rs, ok := rc.(io.ReadSeeker); ok {
		http.ServeContent(w, r, "", f.CreatedAt, rs)
		return nil
	}
	// A blob store whose reader cannot seek: the whole file, no ranges.
	h.Set("Content-Length", strconv.FormatInt(f.Size, 10))
	if _, err := io.Copy(w, rc); err != nil {
		d.Log.WarnContext(r.Context(), "download interrupted", "err", err)
	}
	return nil
}
