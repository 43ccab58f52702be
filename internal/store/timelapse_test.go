package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"atelier/internal/store"
	"atelier/internal/store/storetest"
	"atelier/internal/studio"
)

// The time-lapse's row through its life: refused without photos, queued
// with them, running, its progress, ready with its files, remade when a
// photo is added while the previous files stay, an attempt failing back
// to queued and, the last time, to failed; and never another studio's.
func TestTimelapseLifecycle(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		st, _ := s.CreateStudio(ctx, studio.NewStudio("ana", "Ana", "Ana"))
		other, _ := s.CreateStudio(ctx, studio.NewStudio("ben", "Ben", "Ben"))
		p, err := s.CreatePiece(ctx, st.ID, "", studio.NewPieceFields{Subject: "Rose", ClayBrands: []string{"premo"}, TargetHeightMM: 40})
		if err != nil {
			t.Fatal(err)
		}

		tl, err := s.Timelapse(ctx, st.ID, p.ID)
		if err != nil || tl.Status != "" || tl.Photos != 0 {
			t.Fatalf("before any: %+v, %v", tl, err)
		}
		_, err = s.RequestTimelapse(ctx, st.ID, p.ID)
		if studio.ErrorCode(err) != studio.Invalid || !strings.Contains(err.Error(), "no process photos") {
			t.Fatalf("without photos: %v", err)
		}
		if _, err := s.AddProcessPhotos(ctx, st.ID, p.ID, studio.Concept, false, "", []store.NewPhoto{{SHA256: tlSHA('a'), Size: 10, ContentType: "image/jpeg", Width: 8, Height: 8}}); err != nil {
			t.Fatal(err)
		}
		if tl, _ := s.Timelapse(ctx, st.ID, p.ID); tl.Status != "" {
			t.Fatalf("a photo added to a piece never asked for a time-lapse queued one: %+v", tl)
		}
		if _, err := s.Timelapse(ctx, other.ID, p.ID); studio.ErrorCode(err) != studio.NotFound {
			t.Fatalf("another studio's piece: %v", err)
		}
		if _, err := s.RequestTimelapse(ctx, other.ID, p.ID); studio.ErrorCode(err) != studio.NotFound {
			t.Fatalf("another studio asking: %v", err)
		}

		tl, err = s.RequestTimelapse(ctx, st.ID, p.ID)
		if err != nil || tl.Status != store.TimelapseQueued || tl.Photos != 1 || tl.MP4 != nil {
			t.Fatalf("requested: %+v, %v", tl, err)
		}
		photos, fp, err := s.TimelapsePhotos(ctx, st.ID, p.ID)
		if err != nil || len(photos) != 1 || photos[0].Stage != studio.Concept || fp != tl.Current || fp == "" {
			t.Fatalf("photos: %+v %q, %v", photos, fp, err)
		}
		if tl, err := s.RequestTimelapse(ctx, st.ID, p.ID); err != nil || tl.Status != store.TimelapseQueued || timelapseJobs(t, s) != 1 {
			t.Fatalf("asked again while queued: %+v, %v, %d jobs", tl, err, timelapseJobs(t, s))
		}
		// A row that says queued for longer than a job ever takes lost its
		// job: asking again enqueues a new one.
		if _, err := s.DB().ExecContext(ctx, `UPDATE timelapses SET updated_at = $1`, time.Now().Add(-time.Hour).UTC()); err != nil {
			t.Fatal(err)
		}
		if _, err := s.RequestTimelapse(ctx, st.ID, p.ID); err != nil || timelapseJobs(t, s) != 2 {
			t.Fatalf("asked again after the job was lost: %v, %d jobs", err, timelapseJobs(t, s))
		}
		if ok, err := s.StartTimelapse(ctx, st.ID, p.ID, fp); !ok || err != nil {
			t.Fatalf("start: %v, %v", ok, err)
		}
		if err := s.TimelapseProgress(ctx, st.ID, p.ID, 0.5); err != nil {
			t.Fatal(err)
		}
		if tl, _ := s.Timelapse(ctx, st.ID, p.ID); tl.Status != store.TimelapseRunning || tl.Progress != 0.5 {
			t.Fatalf("running: %+v", tl)
		}
		files := store.TimelapseFiles{
			MP4:    &studio.File{SHA256: tlSHA('m'), Size: 300, ContentType: "video/mp4", Name: "timelapse.mp4"},
			GIF:    &studio.File{SHA256: tlSHA('g'), Size: 200, ContentType: "image/gif", Name: "timelapse.gif"},
			Poster: &studio.File{SHA256: tlSHA('p'), Size: 100, ContentType: "image/jpeg", Name: "timelapse-poster.jpg"},
		}
		tl, err = s.FinishTimelapse(ctx, st.ID, p.ID, fp, files)
		if err != nil || tl.Status != store.TimelapseReady || tl.Progress != 1 || tl.MP4 == nil || tl.MP4.SHA256 != tlSHA('m') ||
			tl.GIF.Size != 200 || tl.Poster.ContentType != "image/jpeg" || tl.Stale() {
			t.Fatalf("finished: %+v, %v", tl, err)
		}
		// The same photos again: a job run twice does nothing the second time.
		if ok, err := s.StartTimelapse(ctx, st.ID, p.ID, fp); ok || err != nil {
			t.Fatalf("a second start of the same photos: %v, %v", ok, err)
		}

		// A new photo queues a remake; the files made stay served.
		if _, err := s.AddProcessPhotos(ctx, st.ID, p.ID, studio.Concept, false, "", []store.NewPhoto{{SHA256: tlSHA('b'), Size: 10, ContentType: "image/jpeg", Width: 8, Height: 8}}); err != nil {
			t.Fatal(err)
		}
		tl, _ = s.Timelapse(ctx, st.ID, p.ID)
		if tl.Status != store.TimelapseQueued || tl.MP4 == nil || tl.Photos != 2 || tl.Current == tl.Fingerprint {
			t.Fatalf("after a new photo: %+v", tl)
		}
		if ok, err := s.StartTimelapse(ctx, st.ID, p.ID, tl.Current); !ok || err != nil {
			t.Fatalf("start of the remake: %v, %v", ok, err)
		}
		if err := s.FailTimelapse(ctx, st.ID, p.ID, "ffmpeg died", false); err != nil {
			t.Fatal(err)
		}
		tl, _ = s.Timelapse(ctx, st.ID, p.ID)
		if tl.Status != store.TimelapseQueued || tl.Error != "ffmpeg died" || tl.MP4 == nil || tl.MP4.SHA256 != tlSHA('m') {
			t.Fatalf("an attempt failed: %+v", tl)
		}
		if err := s.FailTimelapse(ctx, st.ID, p.ID, "ffmpeg died again", true); err != nil {
			t.Fatal(err)
		}
		if tl, _ = s.Timelapse(ctx, st.ID, p.ID); tl.Status != store.TimelapseFailed || tl.MP4 == nil {
			t.Fatalf("the last attempt failed: %+v", tl)
		}
		// Without ffmpeg: a GIF and a poster, the old MP4 no longer referred
		// to and its row gone, so that the sweep reclaims its blob.
		oldMP4 := tl.MP4
		tl, err = s.FinishTimelapse(ctx, st.ID, p.ID, tl.Current, store.TimelapseFiles{GIF: files.GIF, Poster: files.Poster})
		if err != nil || tl.MP4 != nil || tl.GIF == nil || tl.Status != store.TimelapseReady {
			t.Fatalf("a GIF alone: %+v, %v", tl, err)
		}
		if _, err := s.File(ctx, st.ID, oldMP4.ID); studio.ErrorCode(err) != studio.NotFound {
			t.Fatalf("the replaced MP4's row: %v", err)
		}
		if used, err := s.BlobInUse(ctx, oldMP4.SHA256); used || err != nil {
			t.Fatalf("the replaced MP4's blob is still in use: %v, %v", used, err)
		}
		if _, err := s.File(ctx, st.ID, tl.GIF.ID); err != nil {
			t.Fatalf("the GIF kept: %v", err)
		}
	})
}

func tlSHA(c byte) string { return strings.Repeat(string(c), 64) }

// timelapseJobs counts the time-lapse jobs enqueued.
func timelapseJobs(t *testing.T, s *store.Store) int {
	t.Helper()
	var n int
	if err := s.DB().QueryRowContext(t.Context(), `SELECT count(*) FROM river_job WHERE kind = 'timelapse'`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// A restore brings the files of the time-lapses made (the blobs travel
// with the files table) and enqueues again the job of one that was queued
// or running: River's jobs are not in the archive.
func TestTimelapseRestoreRequeues(t *testing.T) {
	storetest.EachDialect(t, func(t *testing.T, d store.Dialect) {
		src := storetest.Open(t, d, nil)
		st, _ := src.CreateStudio(ctx, studio.NewStudio("ana", "Ana", "Ana"))
		var pieces []string
		for range 2 {
			p, err := src.CreatePiece(ctx, st.ID, "", studio.NewPieceFields{Subject: "Rose", ClayBrands: []string{"premo"}, TargetHeightMM: 40})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := src.AddProcessPhotos(ctx, st.ID, p.ID, studio.Concept, false, "", []store.NewPhoto{{SHA256: tlSHA('a'), Size: 10, ContentType: "image/jpeg", Width: 8, Height: 8}}); err != nil {
				t.Fatal(err)
			}
			pieces = append(pieces, p.ID)
		}
		made, queued := pieces[0], pieces[1]
		_, fp, _ := src.TimelapsePhotos(ctx, st.ID, made)
		if _, err := src.FinishTimelapse(ctx, st.ID, made, fp, store.TimelapseFiles{GIF: &studio.File{SHA256: tlSHA('g'), Size: 5, ContentType: "image/gif"}}); err != nil {
			t.Fatal(err)
		}
		if _, err := src.RequestTimelapse(ctx, st.ID, queued); err != nil {
			t.Fatal(err)
		}

		dst := storetest.Open(t, d, nil)
		if err := dst.RestoreStudio(ctx, viaJSON(t, dumpStudio(t, src, "ana"))); err != nil {
			t.Fatal(err)
		}
		if tl, err := dst.Timelapse(ctx, st.ID, made); err != nil || tl.Status != store.TimelapseReady || tl.GIF == nil || tl.GIF.SHA256 != tlSHA('g') || tl.Stale() {
			t.Fatalf("the made time-lapse after the restore: %+v, %v", tl, err)
		}
		if tl, err := dst.Timelapse(ctx, st.ID, queued); err != nil || tl.Status != store.TimelapseQueued {
			t.Fatalf("the queued time-lapse after the restore: %+v, %v", tl, err)
		}
		var jobs int
		if err := dst.DB().QueryRowContext(ctx, `SELECT count(*) FROM river_job WHERE kind = 'timelapse'`).Scan(&jobs); err != nil || jobs != 1 {
			t.Fatalf("%d time-lapse jobs after the restore (%v), want the queued one's", jobs, err)
		}
	})
}
