package server

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"atelier/internal/files"
	"atelier/internal/store"
	"atelier/internal/store/storetest"
	"atelier/internal/studio"
)

// putJPEG stores a generated JPEG as a blob and describes it as a file.
func putJPEG(t *testing.T, blobs *files.Store, w, h int) studio.File {
	t.Helper()
	data := testJPEG(t, w, h)
	sha, size, err := blobs.Put(context.Background(), bytes.NewReader(data), int64(len(data))+1)
	if err != nil {
		t.Fatal(err)
	}
	return studio.File{SHA256: sha, Size: size, ContentType: "image/jpeg"}
}

// commissionedPiece makes a commission of studio ana with a front and a
// left-profile reference, accepts it, and walks its piece to stage; the
// client agreed to see the process or not.
func commissionedPiece(t *testing.T, s *store.Store, blobs *files.Store, consent bool, stage studio.Stage) (piece, commission string) {
	t.Helper()
	ctx, ana := context.Background(), mustSlug(t, s, "ana").ID
	in := studio.InquiryFields{SubjectName: "Grandma Rose", Relationship: "grandmother", ContactName: "Lea Berger", ContactEmail: "lea@example.com",
		Story: "She baked every Sunday.", ConsentShowProcess: consent}
	var photos []store.NewPhoto
	for _, a := range []studio.Angle{studio.Front, studio.LeftProfile} {
		f := putJPEG(t, blobs, 64, 48)
		photos = append(photos, store.NewPhoto{Angle: a, SHA256: f.SHA256, Size: f.Size, ContentType: f.ContentType, Width: 64, Height: 48})
	}
	c, _, err := s.CreateInquiry(ctx, ana, in, photos)
	if err != nil {
		t.Fatal(err)
	}
	price, deposit := int64(45000), int64(15000)
	if _, err := s.MoveCommission(ctx, ana, c.ID, "", studio.Move{To: studio.Quoted, PriceCents: &price, DepositCents: &deposit, PromisedDate: "2099-01-01"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.MoveCommission(ctx, ana, c.ID, "", studio.Move{To: studio.Accepted}); err != nil {
		t.Fatal(err)
	}
	p, err := s.PieceOfCommission(ctx, ana, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	storetest.WalkPiece(t, s, ana, p.ID, stage)
	drawVariants(t, s, blobs)
	return p.ID, c.ID
}

// drawVariants does the thumbnail job's work for every photo of studio
// ana without variants: a stored JPEG for each size.
func drawVariants(t *testing.T, s *store.Store, blobs *files.Store) {
	t.Helper()
	ctx, ana := context.Background(), mustSlug(t, s, "ana").ID
	rows, err := s.DB().QueryContext(ctx, `SELECT id FROM photos WHERE studio_id = $1 AND id NOT IN (SELECT photo_id FROM photo_variants)`, ana)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for rows.Next() {
		var id string
		rows.Scan(&id)
		ids = append(ids, id)
	}
	rows.Close()
	for _, id := range ids {
		var vs []store.PhotoVariant
		for _, size := range studio.VariantSizes {
			vs = append(vs, store.PhotoVariant{Size: size, Width: 64, Height: 48, File: putJPEG(t, blobs, 64, 48)})
		}
		if err := s.AddPhotoVariants(ctx, ana, id, vs); err != nil {
			t.Fatal(err)
		}
	}
}

var imgSrc = regexp.MustCompile(`<img[^>]* src="([^"]+)"`)

// imagesAnswer fetches every image a page shows (within part, when given)
// and fails unless each answers 200 with an image; it returns how many.
func imagesAnswer(t *testing.T, b *browser, html string) int {
	t.Helper()
	srcs := imgSrc.FindAllStringSubmatch(html, -1)
	for _, m := range srcs {
		res, body := b.get(m[1])
		if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "image/") {
			t.Fatalf("the image %s answers %d %s: %.200s", m[1], res.StatusCode, res.Header.Get("Content-Type"), body)
		}
	}
	return len(srcs)
}

// between is the part of a page from the element with the given id to the
// next marker.
func between(t *testing.T, html, id, end string) string {
	t.Helper()
	i := strings.Index(html, `id="`+id+`"`)
	if i < 0 {
		t.Fatalf("no #%s on the page", id)
	}
	rest := html[i:]
	if j := strings.Index(rest, end); j >= 0 {
		rest = rest[:j]
	}
	return rest
}

// uploadPhoto posts the camera form of the piece's page.
func uploadPhoto(t *testing.T, b *browser, piece string, fields map[string]string, parts ...part) (*http.Response, string) {
	t.Helper()
	ct, body := multipartBody(t, fields, parts...)
	return b.send("POST", "/pieces/"+piece+"/photos", body, http.Header{"Content-Type": {ct}})
}

// The reference photos are pinned where the work is judged against them
// (sculpt, paint, quality control) and not elsewhere, each image answering;
// the camera form takes a process photo of the stage, shares it only when
// the client agreed, and the board shows it as the piece's thumbnail.
func TestWebPiecePhotosPinnedAndCameraUpload(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		b, _, blobs := serveStudio(t, s, Config{})
		ctx, ana := context.Background(), mustSlug(t, s, "ana").ID
		agreed, commission := commissionedPiece(t, s, blobs, true, studio.Sculpt)
		refused, _ := commissionedPiece(t, s, blobs, false, studio.Armature)

		res, body := b.get("/pieces/" + agreed)
		want(t, res, body, 200, `id="references"`, `alt="Reference: front"`, `alt="Reference: Left profile"`, `data-viewer="refs"`, `loading="lazy"`,
			`href="/commissions/`+commission+`"`, "The commission for Lea Berger",
			`capture="environment"`, `accept="image/*"`, `enctype="multipart/form-data"`, `name="stage" value="sculpt"`, `id="shared">`)
		if n := imagesAnswer(t, b, between(t, body, "references", "</div>")); n != 2 {
			t.Fatalf("%d reference images at sculpt, want the front and a profile", n)
		}
		for _, large := range regexp.MustCompile(`href="(/pieces/[^"]+/1600)"`).FindAllStringSubmatch(body, -1) {
			if res, _ := b.get(large[1]); res.StatusCode != 200 {
				t.Fatalf("the large photo %s answers %d", large[1], res.StatusCode)
			}
		}

		// A photo from the camera lands at the stage, shared as asked.
		res, body = uploadPhoto(t, b, agreed, map[string]string{"stage": "sculpt", "shared": "true"}, part{"photo", "IMG_0001.jpg", testJPEG(t, 80, 60)})
		want(t, res, body, 303, "/pieces/"+agreed+"#photos")
		d, err := s.Piece(ctx, ana, agreed)
		if err != nil || len(d.Photos) != 1 || d.Photos[0].Stage != "sculpt" || !d.Photos[0].Shared || d.Photos[0].Kind != studio.ProcessPhoto {
			t.Fatalf("after the upload the piece's photos are %+v (%v)", d.Photos, err)
		}
		drawVariants(t, s, blobs)
		res, body = b.get("/pieces/" + agreed)
		want(t, res, body, 200, "Photo saved: 1 process photo of the piece so far.", `alt="Process photo, Sculpt"`, "Shared</span>")
		if n := imagesAnswer(t, b, between(t, body, "photos", "</form>")); n != 1 {
			t.Fatalf("%d process photos shown at sculpt", n)
		}

		// No photo, or no consent: the page again, the message beside the field.
		res, body = uploadPhoto(t, b, agreed, map[string]string{"stage": "sculpt"})
		want(t, res, body, 422, `id="photo-error"`, "send at least one photo")
		res, body = b.get("/pieces/" + refused)
		want(t, res, body, 200, `id="shared" disabled`, "The client did not agree to see process photos")
		if strings.Contains(body, `id="references"`) {
			t.Fatal("the references are pinned at Armature")
		}
		res, body = uploadPhoto(t, b, refused, map[string]string{"shared": "true"}, part{"photo", "a.jpg", testJPEG(t, 50, 50)})
		want(t, res, body, 422, `id="shared-error"`, "did not agree to see process photos")
		if d, _ := s.Piece(ctx, ana, refused); len(d.Photos) != 0 {
			t.Fatalf("a photo was kept after sharing was refused: %+v", d.Photos)
		}
		res, body = uploadPhoto(t, b, refused, nil, part{"photo", "a.jpg", testJPEG(t, 50, 50)})
		want(t, res, body, 303)
		if d, _ := s.Piece(ctx, ana, refused); len(d.Photos) != 1 || d.Photos[0].Shared || d.Photos[0].Stage != "armature" {
			t.Fatalf("the private photo: %+v", d.Photos)
		}
		drawVariants(t, s, blobs)

		// The board: a thumbnail on each card, the latest process photo.
		res, body = b.get("/board")
		want(t, res, body, 200)
		if n := imagesAnswer(t, b, body); n != 2 {
			t.Fatalf("%d thumbnails on the board, want one per piece", n)
		}
		latest, _ := s.Piece(ctx, ana, agreed)
		want(t, res, body, 200, `src="/pieces/`+agreed+`/photos/`+latest.Photos[0].ID+`/160"`)

		// Paint and quality control show the references; sanding does not.
		storetest.WalkPiece(t, s, ana, agreed, studio.Sanding)
		res, body = b.get("/pieces/" + agreed)
		want(t, res, body, 200, `id="photos"`, `id="references-side"`, `<h2 id="process-photos">Process photos</h2>`, `alt="Process photo, Sculpt"`)
		if n := imagesAnswer(t, b, body); n != 3 {
			t.Fatalf("%d images at sanding, want the two references and the sculpt's photo", n)
		}
		if strings.Contains(body, `id="references"`) {
			t.Fatal("the references are pinned at Sanding")
		}
		for _, stage := range []studio.Stage{studio.Paint, studio.QC} {
			storetest.WalkPiece(t, s, ana, agreed, stage)
			res, body = b.get("/pieces/" + agreed)
			want(t, res, body, 200, `id="references"`)
			if n := imagesAnswer(t, b, between(t, body, "references", "</div>")); n != 2 {
				t.Fatalf("%d reference images at %s", n, stage)
			}
		}
	})
}

// Quality control records a pass or a fail for each check, explicitly: a
// check left unjudged is asked for, not taken as a failure, and a failure
// shows as one.
func TestWebQCRecordsExplicitPassOrFail(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		b, _ := setUpStudio(t, s)
		ctx, ana := context.Background(), mustSlug(t, s, "ana").ID
		id := newWebPiece(t, s, "Uncle Tom")
		storetest.WalkPiece(t, s, ana, id, studio.QC)
		res, body := b.get("/pieces/" + id)
		want(t, res, body, 200, `name="qc_eyes" value="pass"`, `name="qc_eyes" value="fail"`, `class="fail">Fail</label>`, `class="pass">Pass</label>`)

		// Nothing judged is nothing recorded, not six failures.
		res, body = b.post("/pieces/"+id+"/qc", url.Values{"notes": {"looked at it"}}, nil)
		want(t, res, body, 422, `id="qc_proportions-error"`, `id="qc_no_cracks-error"`)
		form := url.Values{}
		for _, c := range studio.QCChecks {
			form.Set("qc_"+c.Key, "pass")
		}
		form.Del("qc_coating")
		form.Set("qc_eyes", "fail")
		res, body = b.post("/pieces/"+id+"/qc", form, nil)
		want(t, res, body, 422, `id="qc_coating-error"`, "choose Pass or Fail", `value="fail" id="qc-eyes-fail" checked`)
		if got := pieceStage(t, s, ana, id); got != studio.QC {
			t.Fatalf("an unjudged check moved the piece to %s", got)
		}
		form.Set("qc_coating", "pass")
		res, body = b.post("/pieces/"+id+"/qc", form, nil)
		want(t, res, body, 303)
		d, err := s.Piece(ctx, ana, id)
		if err != nil || d.Stage != studio.Paint || len(d.QC) != 1 {
			t.Fatalf("after failing the eyes: %s, %d attempts (%v)", d.Stage, len(d.QC), err)
		}
		for _, c := range studio.QCChecks {
			if got, ok := d.QC[0].Checks[c.Key]; !ok || got != (c.Key != "eyes") {
				t.Fatalf("check %s recorded as %v (present %v)", c.Key, got, ok)
			}
		}
		res, body = b.get("/pieces/" + id)
		want(t, res, body, 200, `<li class="qc-failed">`, "<strong>Failed</strong>: Eyes are centred and clear")
		if strings.Contains(body, "qc-passed") {
			t.Fatal("the failed attempt is shown as passed")
		}
	})
}

// The finish at the bench: the finish picker offers the last finish used,
// "Log coat N" waits, disabled, with its countdown while the last coat is
// wet, and reads "Dry — log coat N" once it is dry.
func TestWebCoatButtonWaitsWhileWet(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		b, _ := setUpStudio(t, s)
		ana := mustSlug(t, s, "ana").ID
		id := newWebPiece(t, s, "Cousin Jo")
		storetest.WalkPiece(t, s, ana, id, studio.Finish)
		vienna, _ := time.LoadLocation("Europe/Vienna")
		earlier := time.Now().Add(-3 * time.Hour).In(vienna).Format("2006-01-02T15:04")

		res, body := b.get("/pieces/" + id)
		want(t, res, body, 200, `id="log-coat">Log coat 1</button>`)
		res, body = b.post("/pieces/"+id+"/coats", url.Values{"kind": {"gloss_polyurethane"}, "applied_at": {earlier}}, nil)
		want(t, res, body, 303)
		res, body = b.get("/pieces/" + id)
		want(t, res, body, 200, `id="log-coat">Dry — log coat 2</button>`, `<option value="gloss_polyurethane" selected>`)

		res, body = b.post("/pieces/"+id+"/coats", url.Values{"kind": {"epoxy"}, "sanded_2000_before": {"true"}}, nil)
		want(t, res, body, 303)
		res, body = b.get("/pieces/" + id)
		want(t, res, body, 200, `id="log-coat" disabled data-ready="`, `data-ready-label="Dry — log coat 3"`, "Log coat 3 · dry at ", `<span data-until="`, "Coat 2 is still wet",
			`<option value="epoxy" selected>`)
		// One timer, shown twice (the timers and the coat's line), named alike for one notification.
		due := regexp.MustCompile(`data-ready="([^"]+)"`).FindStringSubmatch(body)[1]
		if n := strings.Count(body, `data-timer="`+id+`@`+due+`"`); n != 2 {
			t.Fatalf("the coat's timer is named %d times, want 2", n)
		}

		// Another piece at the finish starts from the studio's last finish.
		other := newWebPiece(t, s, "Aunt Bea")
		storetest.WalkPiece(t, s, ana, other, studio.Finish)
		res, body = b.get("/pieces/" + other)
		want(t, res, body, 200, `<option value="epoxy" selected>`)
	})
}
