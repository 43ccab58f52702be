package server

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"atelier/internal/files"
	"atelier/internal/store"
	"atelier/internal/store/storetest"
	"atelier/internal/studio"
)

// addTimelapsePhoto records a process photo of the piece, its blob stored.
func addTimelapsePhoto(t *testing.T, s *store.Store, blobs *files.Store, studioID, pieceID, content string) {
	t.Helper()
	sha, size, err := blobs.Put(t.Context(), strings.NewReader(content), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddProcessPhotos(t.Context(), studioID, pieceID, studio.Concept, false, "",
		[]store.NewPhoto{{SHA256: sha, Size: size, ContentType: "image/jpeg", Name: "wip.jpg", Width: 8, Height: 8}}); err != nil {
		t.Fatal(err)
	}
}

// finishTimelapse stands in for the job (tested in package jobs): files
// stored and recorded as made from the piece's photos now.
func finishTimelapse(t *testing.T, s *store.Store, blobs *files.Store, studioID, pieceID string) (mp4 []byte) {
	t.Helper()
	put := func(content []byte, ctype string) *studio.File {
		sha, size, err := blobs.Put(t.Context(), bytes.NewReader(content), 1<<20)
		if err != nil {
			t.Fatal(err)
		}
		return &studio.File{SHA256: sha, Size: size, ContentType: ctype}
	}
	mp4 = bytes.Repeat([]byte("not really a video "), 100)
	_, fp, err := s.TimelapsePhotos(t.Context(), studioID, pieceID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.FinishTimelapse(t.Context(), studioID, pieceID, fp, store.TimelapseFiles{
		MP4: put(mp4, "video/mp4"), GIF: put([]byte("GIF89a"), "image/gif"), Poster: put([]byte("poster"), "image/jpeg")}); err != nil {
		t.Fatal(err)
	}
	return mp4
}

// The time-lapse through the API: refused (422) for a piece without
// process photos, queued (202), its status, the files 404 until made and
// then served (the MP4 with ranges), another studio's piece 404 whatever
// is asked.
func TestTimelapseThroughTheAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		id := f.anaPiece(t)
		base := "/api/v1/pieces/" + id + "/timelapse"

		got := f.mustCall(t, "POST", base, "assistant", "", 422)
		if msg, _ := got["error"].(map[string]any)["message"].(string); !strings.Contains(msg, "no process photos") {
			t.Fatalf("without photos: %v", got)
		}
		f.mustCall(t, "GET", base, "assistant", "", 404)
		addTimelapsePhoto(t, s, f.blobs, f.ana.ID, id, "a photo")

		got = f.mustCall(t, "POST", base, "assistant", "", 202)
		if got["status"] != "queued" || got["progress"] != 0.0 || got["mp4_url"] != nil || got["gif_url"] != nil {
			t.Fatalf("queued: %v", got)
		}
		if got = f.mustCall(t, "GET", base, "owner", "", 200); got["status"] != "queued" {
			t.Fatalf("status: %v", got)
		}
		for _, file := range []string{".mp4", ".gif", "/poster.jpg"} {
			f.mustCall(t, "GET", base+file, "assistant", "", 404)
		}
		for _, call := range [][2]string{{"POST", base}, {"GET", base}, {"GET", base + ".mp4"}, {"GET", base + ".gif"}, {"GET", base + "/poster.jpg"}} {
			f.mustCall(t, call[0], call[1], "ben", "", 404)
		}

		mp4 := finishTimelapse(t, s, f.blobs, f.ana.ID, id)
		got = f.mustCall(t, "GET", base, "assistant", "", 200)
		if got["status"] != "ready" || got["progress"] != 1.0 || got["mp4_url"] != base+".mp4" || got["gif_url"] != base+".gif" || got["poster_url"] != base+"/poster.jpg" {
			t.Fatalf("ready: %v", got)
		}
		res, body := f.do(t, "GET", base+".mp4", "assistant", "")
		if res.StatusCode != 200 || !bytes.Equal(body, mp4) || res.Header.Get("Content-Type") != "video/mp4" || res.Header.Get("Accept-Ranges") != "bytes" {
			t.Fatalf("the MP4: %d %v", res.StatusCode, res.Header)
		}
		req, _ := http.NewRequest("GET", base+".mp4", nil)
		req.Header.Set("Authorization", "Bearer "+f.tokens["assistant"])
		req.Header.Set("Range", "bytes=10-19")
		rec := httptest.NewRecorder()
		f.srv.Handler().ServeHTTP(rec, req)
		if rec.Code != http.StatusPartialContent || !bytes.Equal(rec.Body.Bytes(), mp4[10:20]) {
			t.Fatalf("a range of the MP4: %d %q", rec.Code, rec.Body.Bytes())
		}
		f.mustCall(t, "GET", base+".mp4", "ben", "", 404)

		// A new photo: GET notices the change and queues a remake, the
		// video made before still served meanwhile.
		addTimelapsePhoto(t, s, f.blobs, f.ana.ID, id, "another photo")
		got = f.mustCall(t, "GET", base, "assistant", "", 200)
		if got["status"] != "queued" || got["mp4_url"] != base+".mp4" || got["photos"] != 2.0 {
			t.Fatalf("after a new photo: %v", got)
		}
		f.mustCall(t, "GET", base+".mp4", "assistant", "", 200)
	})
}

// The piece page's time-lapse section: the button, the progress that
// follows the job (with a reload link without the script), the video
// with its poster and the GIF link once made; the page's status answer.
func TestTimelapseOnThePiecePage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		b, _, blobs := serveStudio(t, s, Config{})
		ana := mustSlug(t, s, "ana")
		p, err := s.CreatePiece(ctx, ana.ID, "", studio.NewPieceFields{Subject: "Rose", ClayBrands: []string{"premo"}, TargetHeightMM: 40})
		if err != nil {
			t.Fatal(err)
		}
		page := "/pieces/" + p.ID
		res, body := b.get(page)
		want(t, res, body, 200, `id="timelapse"`, "Add process photos")
		res, body = b.post(page+"/timelapse", url.Values{}, nil)
		want(t, res, body, 422, "no process photos")

		addTimelapsePhoto(t, s, blobs, ana.ID, p.ID, "a photo")
		res, body = b.get(page)
		want(t, res, body, 200, `id="timelapse-make"`, "Make the time-lapse")
		res, body = b.post(page+"/timelapse", url.Values{}, nil)
		want(t, res, body, 303, page+"#timelapse")
		res, body = b.get(page)
		want(t, res, body, 200, `data-timelapse-poll="`+page+`/timelapse"`, `<progress max="100" value="0"`, "Reload the page")
		res, body = b.get(page + "/timelapse")
		want(t, res, body, 200, `"status":"queued"`)
		res, body = b.get(page + "/timelapse.mp4")
		want(t, res, body, 404)

		finishTimelapse(t, s, blobs, ana.ID, p.ID)
		res, body = b.get(page)
		want(t, res, body, 200, `<video controls playsinline`, `poster="`+page+`/timelapse/poster.jpg"`, `src="`+page+`/timelapse.mp4"`,
			`href="`+page+`/timelapse.gif"`, "Make it again")
		if strings.Contains(body, "data-timelapse-poll") {
			t.Fatal("a made time-lapse still polls")
		}
		res, body = b.get(page + "/timelapse.mp4")
		want(t, res, body, 200)
		res, body = b.get(page + "/timelapse/poster.jpg")
		want(t, res, body, 200, "poster")
	})
}
