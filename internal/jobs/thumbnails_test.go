package jobs

import (
	"bytes"
	"context"
	"image/color"
	"image/jpeg"
	"io"
	"log/slog"
	"strconv"
	"testing"
	"time"

	"github.com/riverqueue/river/rivertype"

	"atelier/internal/files"
	"atelier/internal/files/filestest"
	"atelier/internal/imaging/imagingtest"
	"atelier/internal/store"
	"atelier/internal/store/storetest"
	"atelier/internal/studio"
)

// thumbSetup is a running job runner on a fresh database with one studio.
type thumbSetup struct {
	st     *store.Store
	blobs  *files.Store
	r      *Runner
	studio studio.Studio
}

// startThumbnails starts a runner on a fresh database of dialect d with
// one studio; log nil discards the runner's log.
func startThumbnails(tb testing.TB, d store.Dialect, log *slog.Logger) thumbSetup {
	tb.Helper()
	ctx := context.Background()
	st := storetest.Open(tb, d, nil)
	blobs, _ := filestest.Open(tb)
	ana, err := st.CreateStudio(ctx, studio.NewStudio("ana", "Ana's Minis", "Ana"))
	if err != nil {
		tb.Fatal(err)
	}
	r, err := New(ctx, st, Config{Files: blobs, Log: log})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := r.Stop(ctx); err != nil {
			tb.Error(err)
		}
	})
	if err := r.Start(ctx); err != nil {
		tb.Fatal(err)
	}
	return thumbSetup{st: st, blobs: blobs, r: r, studio: ana}
}

// photo stores data as an uploaded original and records its photo row.
func (s thumbSetup) photo(tb testing.TB, data []byte, w, h int) string {
	tb.Helper()
	sha, size, err := s.blobs.Put(context.Background(), bytes.NewReader(data), 1<<30)
	if err != nil {
		tb.Fatal(err)
	}
	return storetest.Photo(tb, s.st, studio.File{StudioID: s.studio.ID, SHA256: sha, Size: size, ContentType: "image/jpeg", Name: "grandma.jpg"}, w, h)
}

// enqueue adds the thumbnail job of a photo as an upload does, inside a
// transaction on the store's pool that commits (River's InsertTx, as the
// store's own job client does), and returns its id.
func (s thumbSetup) enqueue(tb testing.TB, photoID string) int64 {
	tb.Helper()
	ctx := context.Background()
	tx, err := s.st.DB().BeginTx(ctx, nil)
	if err != nil {
		tb.Fatal(err)
	}
	defer tx.Rollback()
	res, err := s.r.client.InsertTx(ctx, tx, store.ThumbnailJob{StudioID: s.studio.ID, PhotoID: photoID}, nil)
	if err != nil {
		tb.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		tb.Fatal(err)
	}
	return res.Job.ID
}

// run enqueues the thumbnail job of a photo and waits until River is done
// with it, returning the job as it ended.
func (s thumbSetup) run(tb testing.TB, photoID string) *rivertype.JobRow {
	tb.Helper()
	id := s.enqueue(tb, photoID)
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		job, err := s.r.client.JobGet(context.Background(), id)
		if err != nil {
			tb.Fatal(err)
		}
		if job.FinalizedAt != nil {
			return job
		}
	}
	tb.Fatal("timed out waiting for the thumbnail job")
	return nil
}

func (s thumbSetup) blob(t *testing.T, sha string) []byte {
	t.Helper()
	rc, err := s.blobs.Open(t.Context(), sha)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// nearRed reports whether c is red, give or take JPEG's error.
func nearRed(c color.Color) bool {
	r, g, b, _ := c.RGBA()
	return r>>8 > 200 && g>>8 < 60 && b>>8 < 60
}

// A phone photo stored landscape with orientation 6 and a GPS position
// comes out as three portrait JPEGs without any metadata, the red corner
// (stored top left) turned to the top right.
func TestThumbnailJob(t *testing.T) {
	storetest.EachDialect(t, func(t *testing.T, d store.Dialect) {
		t.Parallel()
		s := startThumbnails(t, d, testLog(t))
		stored := imagingtest.WithEXIF(imagingtest.JPEG(t, imagingtest.Quadrants(2000, 1500), 92), imagingtest.GPSEXIF(6))
		photo := s.photo(t, stored, 1500, 2000)

		if job := s.run(t, photo); job.State != rivertype.JobStateCompleted {
			t.Fatalf("the job ended %s", job.State)
		}
		vs, err := s.st.PhotoVariants(t.Context(), s.studio.ID, photo)
		if err != nil || len(vs) != 3 {
			t.Fatalf("variants %+v, %v", vs, err)
		}
		want := map[int][2]int{1600: {1200, 1600}, 400: {300, 400}, 160: {120, 160}}
		for _, v := range vs {
			data := s.blob(t, v.File.SHA256)
			for _, trace := range []string{"Exif", imagingtest.SpyCam} {
				if bytes.Contains(data, []byte(trace)) {
					t.Errorf("variant %d holds %q", v.Size, trace)
				}
			}
			img, err := jpeg.Decode(bytes.NewReader(data))
			if err != nil {
				t.Fatal(err)
			}
			b := img.Bounds()
			if got := [2]int{b.Dx(), b.Dy()}; got != want[v.Size] || got != [2]int{v.Width, v.Height} {
				t.Errorf("variant %d is %v, recorded %d×%d, want %v", v.Size, got, v.Width, v.Height, want[v.Size])
			}
			if !nearRed(img.At(b.Dx()*3/4, b.Dy()/4)) || nearRed(img.At(b.Dx()/4, b.Dy()/4)) {
				t.Errorf("variant %d is not upright", v.Size)
			}
			if v.File.Size != int64(len(data)) || v.File.ContentType != "image/jpeg" || v.File.Name != "grandma-"+strconv.Itoa(v.Size)+".jpg" {
				t.Errorf("variant %d file %+v", v.Size, v.File)
			}
		}

		// Run again (a retry, or the job enqueued twice): the same rows.
		if job := s.run(t, photo); job.State != rivertype.JobStateCompleted {
			t.Fatalf("the second run ended %s", job.State)
		}
		again, _ := s.st.PhotoVariants(t.Context(), s.studio.ID, photo)
		for i := range again {
			if again[i] != vs[i] {
				t.Errorf("the second run changed variant %d: %+v, then %+v", again[i].Size, vs[i], again[i])
			}
		}
	})
}

func TestThumbnailJobGivesUpOnlyWhenItMust(t *testing.T) {
	storetest.EachDialect(t, func(t *testing.T, d store.Dialect) {
		t.Parallel()
		s := startThumbnails(t, d, testLog(t))

		// A photo deleted since its upload: nothing to do, no error.
		if job := s.run(t, "deleted-photo"); job.State != rivertype.JobStateCompleted {
			t.Errorf("the job of a deleted photo ended %s", job.State)
		}

		// An original that cannot be drawn is not retried for weeks.
		jpg := imagingtest.JPEG(t, imagingtest.Photo(400, 300), 90)
		broken := s.photo(t, jpg[:len(jpg)/2], 400, 300)
		if job := s.run(t, broken); job.State != rivertype.JobStateCancelled {
			t.Errorf("the job of a broken original ended %s", job.State)
		}
		if vs, _ := s.st.PhotoVariants(t.Context(), s.studio.ID, broken); len(vs) != 0 {
			t.Errorf("a broken original got variants: %+v", vs)
		}
	})
}
