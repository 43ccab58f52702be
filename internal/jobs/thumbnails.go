package jobs

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/riverqueue/river"

	"atelier/internal/files"
	"atelier/internal/imaging"
	"atelier/internal/store"
	"atelier/internal/studio"
)

const (
	// maxVariantBytes bounds a variant put in the blob store; a 1600 px
	// JPEG at quality 85 is a few hundred KiB.
	maxVariantBytes = 16 << 20
)

// thumbnailWorker draws the variants of an uploaded photo and records them
// (store.ThumbnailJob, enqueued with the photo).
type thumbnailWorker struct {
	river.WorkerDefaults[store.ThumbnailJob]
	st    *store.Store
	files *files.Store
	log   *slog.Logger
}

func newThumbnailWorker(st *store.Store, cfg Config) *thumbnailWorker {
	return &thumbnailWorker{st: st, files: cfg.Files, log: cfg.Log}
}

// Work is safe to repeat: a run that finds the variants recorded does
// nothing (a job rescued after a crash that came once they were in), and
// otherwise the blobs are stored under their hash and the rows replaced, so
// a retry after a failure half-way, or two runs at once, leave one set of
// variants.
func (w *thumbnailWorker) Work(ctx context.Context, job *river.Job[store.ThumbnailJob]) error {
	a := job.Args
	src, err := w.st.PhotoOriginal(ctx, a.StudioID, a.PhotoID)
	if studio.ErrorCode(err) == studio.NotFound {
		w.log.InfoContext(ctx, "thumbnails: the photo was deleted before its variants were made", "photo", a.PhotoID)
		return nil
	}
	if err != nil {
		return err
	}
	if done, err := w.done(ctx, a); done || err != nil {
		return err
	}
	vs, err := w.draw(ctx, src)
	if studio.ErrorCode(err) == studio.Invalid {
		// The original cannot be drawn and never will be; retrying would
		// only repeat the work. The photo stays, without thumbnails.
		w.log.WarnContext(ctx, "thumbnails: the original cannot be drawn", "photo", a.PhotoID, "err", err)
		return river.JobCancel(err)
	}
	if err != nil {
		return err
	}
	recs, err := w.put(ctx, src.File, vs)
	if err != nil {
		return err
	}
	err = w.st.AddPhotoVariants(ctx, a.StudioID, a.PhotoID, recs)
	if studio.ErrorCode(err) == studio.NotFound {
		// Deleted while drawn: the blobs just stored belong to no row,
		// and the sweep removes them after its grace period.
		return nil
	}
	return err
}

// done reports whether every variant of the photo is recorded already.
func (w *thumbnailWorker) done(ctx context.Context, a store.ThumbnailJob) (bool, error) {
	vs, err := w.st.PhotoVariants(ctx, a.StudioID, a.PhotoID)
	if studio.ErrorCode(err) == studio.NotFound {
		return true, nil
	}
	if err != nil {
		return false, err
	}
	for _, size := range studio.VariantSizes {
		if !slices.ContainsFunc(vs, func(v store.PhotoVariant) bool { return v.Size == size }) {
			return false, nil
		}
	}
	return true, nil
}

// draw reads the original into memory (uploads are at most a few MiB, and
// the decoder reads it several times) and draws the variants once its
// pixels fit the process's decoding budget, which the requests checking
// uploads share: a burst of uploads waits there rather than multiplying
// the decoded originals (18 MB for a 12-megapixel JPEG, up to 200 MB for a
// PNG at the 50-megapixel limit) by River's workers.
func (w *thumbnailWorker) draw(ctx context.Context, src store.PhotoSource) ([]imaging.Variant, error) {
	data, err := w.read(ctx, src.File)
	if err != nil {
		return nil, err
	}
	info, err := imaging.InspectWithin(bytes.NewReader(data), src.PixelLimit)
	if err != nil {
		return nil, err
	}
	release, err := imaging.Decodes.Reserve(ctx, int64(info.Width)*int64(info.Height), 0)
	if err != nil {
		return nil, err
	}
	defer release()
	return imaging.Variants(bytes.NewReader(data), src.PixelLimit, studio.VariantSizes)
}

// read reads the original whole. Its size is known from its row (and was
// bounded at upload), so the buffer is made once at that size.
func (w *thumbnailWorker) read(ctx context.Context, f studio.File) ([]byte, error) {
	rc, err := w.files.Open(ctx, f.SHA256)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	data := make([]byte, f.Size)
	if _, err := io.ReadFull(rc, data); err != nil {
		return nil, fmt.Errorf("thumbnails: reading blob %s of %d bytes: %w", f.SHA256, f.Size, err)
	}
	return data, nil
}

// put stores each variant in the blob store and describes it for the store.
func (w *thumbnailWorker) put(ctx context.Context, orig studio.File, vs []imaging.Variant) ([]store.PhotoVariant, error) {
	recs := make([]store.PhotoVariant, 0, len(vs))
	for _, v := range vs {
		sha, size, err := w.files.Put(ctx, bytes.NewReader(v.JPEG), maxVariantBytes)
		if err != nil {
			return nil, fmt.Errorf("thumbnails: storing the %d px variant: %w", v.Size, err)
		}
		recs = append(recs, store.PhotoVariant{Size: v.Size, Width: v.Width, Height: v.Height,
			File: studio.File{SHA256: sha, Size: size, ContentType: "image/jpeg", Name: variantName(orig.Name, v.Size)}})
	}
	return recs, nil
}

// variantName names a variant after its original, for downloads, with the
// extension of what it is: grandma.png gives grandma-400.jpg.
func variantName(original string, size int) string {
	stem := strings.TrimSuffix(original, path.Ext(original))
	if stem == "" {
		stem = "photo"
	}
	return stem + "-" + strconv.Itoa(size) + ".jpg"
}
