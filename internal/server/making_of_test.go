package server

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"atelier/internal/store"
	"atelier/internal/store/storetest"
	"atelier/internal/studio"
)

// makingOfAPI sends a JSON request with a token of ana's owner.
func makingOfAPI(b *browser, token, method, path, body string) (*http.Response, string) {
	b.t.Helper()
	h := http.Header{"Authorization": {"Bearer " + token}, "Content-Type": {"application/json"}}
	var rd *strings.Reader
	if body != "" {
		rd = strings.NewReader(body)
		return b.send(method, path, rd, h)
	}
	return b.send(method, path, nil, h)
}

// The public making-of page, issue 17 point 5: nothing at its address
// until published; a commission without the client's consent is refused
// (409 saying why) and its page is 404; published, the page is in the
// gallery style with Open Graph tags and the shared photos alone (an
// unshared photo is 404 under its address too); withdrawn, or the consent
// taken back, it is 404 again; another studio's piece is 404 under its
// address and to its API.
func TestMakingOfPage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		b, ts, blobs := serveStudio(t, s, Config{})
		ana := mustSlug(t, s, "ana")
		token, _, err := s.CreateToken(ctx, store.NewToken{Email: "ana@example.com", Name: "making-of"})
		if err != nil {
			t.Fatal(err)
		}
		public := newBrowser(t, ts.URL)

		yes, cid := commissionedPiece(t, s, blobs, true, studio.Paint)
		no, _ := commissionedPiece(t, s, blobs, false, studio.Paint)
		var shared, private string
		for i, on := range []bool{true, false} {
			f := putJPEG(t, blobs, 64, 48)
			d, err := s.AddProcessPhotos(ctx, ana.ID, yes, studio.Sculpt, on, []string{"The head, roughed out", "Not for the public"}[i],
				[]store.NewPhoto{{SHA256: f.SHA256, Size: f.Size, ContentType: f.ContentType, Width: 64, Height: 48}})
			if err != nil {
				t.Fatal(err)
			}
			id := d.Photos[len(d.Photos)-1].ID
			if on {
				shared = id
			} else {
				private = id
			}
		}
		drawVariants(t, s, blobs)
		page := "/s/ana/making-of/" + yes

		// Unpublished: nothing there, and the state says so.
		res, body := public.get(page)
		want(t, res, body, 404)
		res, body = makingOfAPI(b, token, "GET", "/api/v1/pieces/"+yes+"/making-of", "")
		want(t, res, body, 200, `"published":false`, `"published_at":null`, `"public_url":null`, `"consent":true`)

		// No consent: the PUT is a conflict saying why, the page 404, the
		// piece page's card says why, and its button is refused in words.
		res, body = makingOfAPI(b, token, "PUT", "/api/v1/pieces/"+no+"/making-of", `{"published":true}`)
		want(t, res, body, 409, `"code":"conflict"`, "did not agree")
		res, body = makingOfAPI(b, token, "GET", "/api/v1/pieces/"+no+"/making-of", "")
		want(t, res, body, 200, `"published":false`, `"consent":false`)
		res, body = public.get("/s/ana/making-of/" + no)
		want(t, res, body, 404)
		res, body = b.get("/pieces/" + no)
		want(t, res, body, 200, `id="making-of-refusal"`, "did not agree")
		res, body = b.post("/pieces/"+no+"/making-of", url.Values{"published": {"true"}}, nil)
		wantRefused(t, b, res, body, "/pieces/"+no+"#making-of", "did not agree")

		// Bad input to the API.
		for _, bad := range []string{`{}`, `{"published":"yes"}`} {
			res, body = makingOfAPI(b, token, "PUT", "/api/v1/pieces/"+yes+"/making-of", bad)
			want(t, res, body, 422, "published")
		}

		// Published from the piece page's button.
		res, body = b.get("/pieces/" + yes)
		want(t, res, body, 200, `id="making-of-publish"`)
		res, body = b.post("/pieces/"+yes+"/making-of", url.Values{"published": {"true"}}, nil)
		want(t, res, body, 303, "/pieces/"+yes+"#making-of")
		res, body = b.get("/pieces/" + yes)
		want(t, res, body, 200, "The making-of page is public", `id="making-of-url"`, page, `id="making-of-withdraw"`)
		res, body = makingOfAPI(b, token, "GET", "/api/v1/pieces/"+yes+"/making-of", "")
		want(t, res, body, 200, `"published":true`, `"consent":true`)
		var state struct {
			PublishedAt *string `json:"published_at"`
			PublicURL   *string `json:"public_url"`
		}
		if json.Unmarshal([]byte(body), &state); state.PublishedAt == nil || state.PublicURL == nil || !strings.HasSuffix(*state.PublicURL, page) {
			t.Fatalf("the published state: %s", body)
		}

		res, body = public.get(page)
		want(t, res, body, 200, `class="gallery"`, "The making of Grandma Rose", `property="og:title"`, `property="og:description"`,
			`property="og:url" content="`, page+`">`, `property="og:image" content="`, page+`/photos/`+shared+`/1600">`,
			"Sculpt", "The head, roughed out", `datetime="`)
		if !regexp.MustCompile(`property="og:url" content="https?://[^"]+` + page + `"`).MatchString(body) {
			t.Errorf("og:url is not the page's absolute address")
		}
		if strings.Contains(body, private) || strings.Contains(body, "Not for the public") || strings.Contains(body, "og:video") {
			t.Fatalf("the page shows the unshared photo or a video that is not made:\n%s", body)
		}
		if n := imagesAnswer(t, public, body); n != 1 {
			t.Errorf("%d images on the page, want the one shared", n)
		}
		if !regexp.MustCompile(`<time datetime="\d{4}-\d{2}-\d{2}">\d{1,2} [A-Z][a-z]+ \d{4}</time>`).MatchString(body) {
			t.Errorf("the stages are not dated for people:\n%s", body)
		}
		for _, size := range []string{"1600", "400"} {
			res, body = public.get(page + "/photos/" + shared + "/" + size)
			want(t, res, body, 200)
			res, body = public.get(page + "/photos/" + private + "/" + size)
			want(t, res, body, 404)
		}
		res, body = public.get(page + "/photos/" + shared + "/original")
		want(t, res, body, 404)
		// A piece's photo under another piece's published page is not found.
		res, body = public.get("/s/ana/making-of/" + no + "/photos/" + shared + "/400")
		want(t, res, body, 404)

		// The time-lapse shows every process photo: while one is unshared,
		// neither the page nor its addresses show it.
		_, fingerprint, err := s.TimelapsePhotos(ctx, ana.ID, yes)
		if err != nil {
			t.Fatal(err)
		}
		mp4 := []byte("\x00\x00\x00\x20ftypisom not really a video")
		sha, size, err := blobs.Put(ctx, bytes.NewReader(mp4), int64(len(mp4))+1)
		if err != nil {
			t.Fatal(err)
		}
		gif, poster := putJPEG(t, blobs, 40, 50), putJPEG(t, blobs, 48, 60)
		gif.ContentType = "image/gif"
		if _, err := s.FinishTimelapse(ctx, ana.ID, yes, fingerprint, store.TimelapseFiles{MP4: &studio.File{SHA256: sha, Size: size, ContentType: "video/mp4"},
			GIF: &gif, Poster: &poster}); err != nil {
			t.Fatal(err)
		}
		res, body = public.get(page)
		want(t, res, body, 200)
		if strings.Contains(body, "<video") || strings.Contains(body, "og:video") {
			t.Fatalf("the video shows an unshared photo:\n%s", body)
		}
		for _, file := range []string{"/video.mp4", "/video.gif", "/poster.jpg"} {
			res, body = public.get(page + file)
			want(t, res, body, 404)
		}
		shareAll := true
		if _, err := s.UpdatePhoto(ctx, ana.ID, private, &shareAll, nil); err != nil {
			t.Fatal(err)
		}
		res, body = public.get(page)
		want(t, res, body, 200, `<video class="making-of-video" id="making-of-video" autoplay muted loop playsinline poster="`+page+`/poster.jpg"`,
			`<source src="`+page+`/video.mp4" type="video/mp4">`, `property="og:video" content="`, page+`/video.mp4">`, `property="og:image" content="`, page+`/poster.jpg">`)
		for file, ctype := range map[string]string{"/video.mp4": "video/mp4", "/video.gif": "image/gif", "/poster.jpg": "image/jpeg"} {
			res, body = public.get(page + file)
			want(t, res, body, 200)
			if res.Header.Get("Content-Type") != ctype {
				t.Errorf("%s: %s", file, res.Header.Get("Content-Type"))
			}
		}
		res, body = public.get("/s/ana/making-of/" + no + "/video.mp4")
		want(t, res, body, 404)

		// Another studio: its owner's API finds no such piece, and the piece
		// is not found under another studio's address.
		if _, err := s.CreateStudio(ctx, studio.NewStudio("ben", "Ben's Busts", "Ben Okafor")); err != nil {
			t.Fatal(err)
		}
		if _, err := s.CreateUser(ctx, studio.NewUser{StudioSlug: "ben", Email: "ben@example.com", Name: "Ben", Role: studio.Owner, Password: "a long password"}); err != nil {
			t.Fatal(err)
		}
		bens, _, err := s.CreateToken(ctx, store.NewToken{Email: "ben@example.com", Name: "ben"})
		if err != nil {
			t.Fatal(err)
		}
		res, body = makingOfAPI(b, bens, "GET", "/api/v1/pieces/"+yes+"/making-of", "")
		want(t, res, body, 404)
		res, body = makingOfAPI(b, bens, "PUT", "/api/v1/pieces/"+yes+"/making-of", `{"published":false}`)
		want(t, res, body, 404)
		res, body = public.get("/s/ben/making-of/" + yes)
		want(t, res, body, 404)
		res, body = public.get("/s/nobody/making-of/" + yes)
		want(t, res, body, 404)

		// The client takes the consent back: gone at once, photos too.
		d, err := s.Commission(ctx, ana.ID, cid)
		if err != nil {
			t.Fatal(err)
		}
		in := d.Inquiry
		in.ConsentShowProcess = false
		if _, err := s.UpdateInquiry(ctx, ana.ID, cid, "", in); err != nil {
			t.Fatal(err)
		}
		res, body = public.get(page)
		want(t, res, body, 404)
		res, body = public.get(page + "/photos/" + shared + "/400")
		want(t, res, body, 404)
		in.ConsentShowProcess = true
		if _, err := s.UpdateInquiry(ctx, ana.ID, cid, "", in); err != nil {
			t.Fatal(err)
		}
		res, body = public.get(page)
		want(t, res, body, 200)

		// Withdrawn through the API: 404 again.
		res, body = makingOfAPI(b, token, "PUT", "/api/v1/pieces/"+yes+"/making-of", `{"published":false}`)
		want(t, res, body, 200, `"published":false`, `"public_url":null`)
		res, body = public.get(page)
		want(t, res, body, 404)
		res, body = public.get(page + "/photos/" + shared + "/400")
		want(t, res, body, 404)
		res, body = public.get(page + "/video.mp4")
		want(t, res, body, 404)
	})
}
