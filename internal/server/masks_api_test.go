package server

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"net/http"
	"strings"
	"testing"

	"atelier/internal/imaging/imagingtest"
	"atelier/internal/intake"
	"atelier/internal/store"
	"atelier/internal/store/storetest"
	"atelier/internal/studio"
)

// The upright size of the synthetic reference photo: portrait, as the
// artist sees it, stored landscape with EXIF orientation 6 as a phone
// stores it.
const maskW, maskH = 300, 420

// figureAt says whether the upright pixel is the figure's: a head (an
// ellipse) on shoulders (a rounded block), centred.
func figureAt(x, y int) bool {
	fx, fy := float64(x)+0.5, float64(y)+0.5
	dx, dy := (fx-150)/55, (fy-150)/75
	if dx*dx+dy*dy <= 1 {
		return true
	}
	return fy >= 215 && fy < 390 && fx >= 60 && fx < 240
}

// maskPhoto is the reference photo as uploaded: the upright picture
// turned a quarter to the left, with orientation 6 to turn it back.
func maskPhoto(t *testing.T) []byte {
	t.Helper()
	raw := image.NewRGBA(image.Rect(0, 0, maskH, maskW))
	for y := range maskH {
		for x := range maskW {
			c := color.RGBA{205, 215, 228, 255} // a pale wall
			if figureAt(x, y) {
				c = color.RGBA{190, 90, 60, 255}
			}
			raw.SetRGBA(y, maskW-1-x, c)
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, raw, &jpeg.Options{Quality: 92}); err != nil {
		t.Fatal(err)
	}
	return imagingtest.WithEXIF(buf.Bytes(), imagingtest.GPSEXIF(6))
}

// maskedPiece stores the photo as the front reference of a commission of
// ana's, accepted so that it has a piece; it returns the photo and the
// piece.
func (f *fixture) maskedPiece(t *testing.T) (photoID, pieceID string) {
	t.Helper()
	ctx := t.Context()
	data := maskPhoto(t)
	sp, err := f.blobs.Spool(bytes.NewReader(data), 1<<24)
	if err != nil {
		t.Fatal(err)
	}
	defer sp.Remove()
	if err := f.blobs.Save(ctx, sp, func() error { return nil }); err != nil {
		t.Fatal(err)
	}
	in := studio.InquiryFields{SubjectName: "Grandma Rose", Relationship: "grandmother", ContactName: "Lea", ContactEmail: "lea@example.com",
		Story: "She baked every Sunday."}
	c, _, err := f.store.CreateInquiry(ctx, f.ana.ID, in, []store.NewPhoto{{Angle: studio.Front, SHA256: sp.SHA256, Size: sp.Size,
		ContentType: "image/jpeg", Name: "rose.jpg", Width: maskH, Height: maskW}})
	if err != nil {
		t.Fatal(err)
	}
	price, deposit := int64(45000), int64(15000)
	if _, err := f.store.MoveCommission(ctx, f.ana.ID, c.ID, "", studio.Move{To: studio.Quoted, PriceCents: &price, DepositCents: &deposit, PromisedDate: "2099-01-01"}); err != nil {
		t.Fatal(err)
	}
	d, err := f.store.MoveCommission(ctx, f.ana.ID, c.ID, "", studio.Move{To: studio.Accepted})
	if err != nil {
		t.Fatal(err)
	}
	piece, err := f.store.PieceOfCommission(ctx, f.ana.ID, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	return d.Photos[0].ID, piece.ID
}

// get sends a GET as who and returns the answer whole.
func (f *fixture) get(t *testing.T, path, who string) (*http.Response, []byte) {
	t.Helper()
	return f.do(t, http.MethodGet, path, who, "")
}

func fieldMessage(out map[string]any, field string) string {
	e, _ := out["error"].(map[string]any)
	fs, _ := e["fields"].(map[string]any)
	m, _ := fs[field].(string)
	return m
}

// The cut-out through the API: a rectangle alone cuts the figure out in
// the upright photo's pixels (its stored size is the other way round),
// the mask comes back as a PNG of that size, an edit with strokes is the
// next version, the preview and the guides answer, and the silhouette is
// a sound PDF. Bad input is refused, with nothing kept.
func TestMasksThroughTheAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		photo, piece := f.maskedPiece(t)
		base := "/api/v1/photos/" + photo

		res, _ := f.get(t, base+"/mask.png", "owner")
		if res.StatusCode != 404 {
			t.Fatalf("a mask before any cut-out: %d", res.StatusCode)
		}
		desk := &intake.Desk{Store: s, Files: f.blobs}
		if m, err := desk.FigureMask(t.Context(), f.ana.ID, photo); m != nil || err != nil {
			t.Fatalf("FigureMask before any cut-out: %v %v", m, err)
		}
		status, out := f.call(t, "GET", "/api/v1/pieces/"+piece+"/silhouette.pdf", "owner", "")
		if status != 422 || !strings.Contains(errMessage(out), "front photo") || !strings.Contains(errMessage(out), "cut the figure out") {
			t.Fatalf("a silhouette without a masked front photo: %d %v", status, out)
		}

		out = f.mustCall(t, "PUT", base+"/mask", "assistant", `{"rect":{"x":40,"y":50,"w":220,"h":360}}`, 200)
		if out["version"] != 1.0 || !strings.HasSuffix(fmt.Sprint(out["mask_url"]), base+"/mask.png") {
			t.Fatalf("first cut-out: %v", out)
		}
		res, body := f.get(t, base+"/mask.png", "owner")
		if res.StatusCode != 200 || res.Header.Get("Content-Type") != "image/png" {
			t.Fatalf("mask.png: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
		}
		img, err := png.Decode(bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		if b := img.Bounds(); b.Dx() != maskW || b.Dy() != maskH {
			t.Fatalf("the mask is %v, want the upright %d × %d", b, maskW, maskH)
		}
		inter, union, area := 0, 0, 0
		for y := range maskH {
			for x := range maskW {
				v := color.GrayModel.Convert(img.At(x, y)).(color.Gray).Y
				if v != 0 && v != 255 {
					t.Fatalf("mask value %d at %d,%d", v, x, y)
				}
				in, truth := v == 255, figureAt(x, y)
				if in {
					area++
				}
				if in && truth {
					inter++
				}
				if in || truth {
					union++
				}
			}
		}
		if iou := float64(inter) / float64(union); iou < 0.95 || out["area_px"] != float64(area) {
			t.Fatalf("the figure: IoU %.3f, area %v (mask holds %d)", iou, out["area_px"], area)
		}

		fm, err := desk.FigureMask(t.Context(), f.ana.ID, photo)
		if err != nil || fm.Rect != image.Rect(0, 0, maskW, maskH) || !bytes.Equal(fm.Pix, img.(*image.Gray).Pix) {
			t.Fatalf("FigureMask is not the mask served: %v %v", fm.Rect, err)
		}
		if _, err := desk.FigureMask(t.Context(), "another studio", photo); studio.ErrorCode(err) != studio.NotFound {
			t.Fatalf("FigureMask of another studio's photo: %v", err)
		}

		// An edit with a stroke on each side is the next version.
		out = f.mustCall(t, "PUT", base+"/mask", "owner", `{"rect":{"x":40,"y":50,"w":220,"h":360},
			"strokes":[{"kind":"figure","points":[[150,150],[150.4,300.6]],"width":12},{"kind":"background","points":[[45,60],[45,200]],"width":6}]}`, 200)
		if out["version"] != 2.0 {
			t.Fatalf("the edit: %v", out)
		}

		res, body = f.get(t, base+"/cutout.jpg", "owner")
		if res.StatusCode != 200 || res.Header.Get("Content-Type") != "image/jpeg" {
			t.Fatalf("cutout.jpg: %d %s", res.StatusCode, body)
		}
		prev, err := jpeg.Decode(bytes.NewReader(body))
		if err != nil || prev.Bounds().Dx() != maskW || prev.Bounds().Dy() != maskH {
			t.Fatalf("the preview: %v %v", prev.Bounds(), err)
		}
		// The wall is dimmed, the figure is not.
		if r, _, _, _ := prev.At(10, 10).RGBA(); r>>8 > 120 {
			t.Fatalf("the background is not dimmed: red %d", r>>8)
		}
		if r, _, _, _ := prev.At(150, 300).RGBA(); r>>8 < 160 {
			t.Fatalf("the figure is dimmed: red %d", r>>8)
		}

		// Once the large variant is made (upright, here with a green
		// figure to tell it apart), the preview is drawn from it.
		variant := image.NewRGBA(image.Rect(0, 0, maskW, maskH))
		for y := range maskH {
			for x := range maskW {
				c := color.RGBA{205, 215, 228, 255}
				if figureAt(x, y) {
					c = color.RGBA{40, 200, 60, 255}
				}
				variant.SetRGBA(x, y, c)
			}
		}
		var vbuf bytes.Buffer
		if err := jpeg.Encode(&vbuf, variant, &jpeg.Options{Quality: 90}); err != nil {
			t.Fatal(err)
		}
		vsp, err := f.blobs.Spool(&vbuf, 1<<24)
		if err != nil {
			t.Fatal(err)
		}
		defer vsp.Remove()
		err = f.blobs.Save(t.Context(), vsp, func() error {
			return s.AddPhotoVariants(t.Context(), f.ana.ID, photo, []store.PhotoVariant{{Size: 1600, Width: maskW, Height: maskH,
				File: studio.File{SHA256: vsp.SHA256, Size: vsp.Size, ContentType: "image/jpeg", Name: "v.jpg"}}})
		})
		if err != nil {
			t.Fatal(err)
		}
		res, body = f.get(t, base+"/cutout.jpg", "owner")
		prev, err = jpeg.Decode(bytes.NewReader(body))
		if err != nil || prev.Bounds().Dx() != maskW {
			t.Fatalf("the preview from the variant: %d %v", res.StatusCode, err)
		}
		if _, g, _, _ := prev.At(150, 300).RGBA(); g>>8 < 160 {
			t.Fatalf("the preview is not drawn from the variant: green %d", g>>8)
		}

		// The guides: classic proportions over the figure, then the
		// artist's, then the classic ones again.
		out = f.mustCall(t, "GET", base+"/guides", "owner", "", 200)
		if out["default"] != true || !(out["eyes"].(float64) > 75 && out["eyes"].(float64) < out["chin"].(float64)) {
			t.Fatalf("default guides: %v", out)
		}
		out = f.mustCall(t, "PUT", base+"/guides", "owner", `{"eyes":140,"nose_base":170,"mouth":190,"chin":222.5}`, 200)
		if out["default"] != false || out["chin"] != 222.5 {
			t.Fatalf("put guides: %v", out)
		}
		if out = f.mustCall(t, "GET", base+"/guides", "owner", "", 200); out["default"] != false || out["eyes"] != 140.0 {
			t.Fatalf("guides kept: %v", out)
		}

		res, body = f.get(t, "/api/v1/pieces/"+piece+"/silhouette.pdf?height_mm=60&paper=letter", "owner")
		checkPDF(t, res, string(body))
		res, body = f.get(t, "/api/v1/pieces/"+piece+"/silhouette.pdf", "owner")
		checkPDF(t, res, string(body))

		for _, q := range []string{"height_mm=4.9", "height_mm=300.5", "height_mm=tall", "height_mm=NaN", "paper=a3"} {
			status, out := f.call(t, "GET", "/api/v1/pieces/"+piece+"/silhouette.pdf?"+q, "owner", "")
			field, _, _ := strings.Cut(q, "=")
			if status != 422 || fieldMessage(out, field) == "" {
				t.Errorf("silhouette ?%s: %d %v", q, status, out)
			}
		}

		bad := []struct {
			name, body string
			status     int
			field      string
		}{
			{"rectangle partly outside", `{"rect":{"x":200,"y":50,"w":120,"h":100}}`, 422, "rect"},
			{"rectangle outside below", `{"rect":{"x":0,"y":400,"w":50,"h":21}}`, 422, "rect"},
			{"rectangle left of the photo", `{"rect":{"x":-1,"y":0,"w":50,"h":50}}`, 422, "rect"},
			{"zero width", `{"rect":{"x":10,"y":10,"w":0,"h":50}}`, 422, "rect"},
			{"no rectangle", `{"strokes":[]}`, 422, "rect"},
			{"stroke outside", `{"rect":{"x":40,"y":50,"w":220,"h":360},"strokes":[{"kind":"figure","points":[[150,150],[300,150]],"width":5}]}`, 422, "strokes"},
			{"stroke above", `{"rect":{"x":40,"y":50,"w":220,"h":360},"strokes":[{"kind":"background","points":[[10,-1]],"width":5}]}`, 422, "strokes"},
			{"stroke of no kind", `{"rect":{"x":40,"y":50,"w":220,"h":360},"strokes":[{"kind":"hair","points":[[150,150]],"width":5}]}`, 422, "strokes"},
			{"a point of three numbers", `{"rect":{"x":40,"y":50,"w":220,"h":360},"strokes":[{"kind":"figure","points":[[150,150,1]],"width":5}]}`, 422, "strokes"},
			{"stroke without width", `{"rect":{"x":40,"y":50,"w":220,"h":360},"strokes":[{"kind":"figure","points":[[150,150]]}]}`, 422, "strokes"},
			{"fractional rectangle", `{"rect":{"x":4.5,"y":50,"w":220,"h":360}}`, 422, "rect.x"},
			{"malformed JSON", `{"rect":{"x":40,`, 400, ""},
			{"not an object", `[1,2]`, 400, ""},
		}
		for _, b := range bad {
			status, out := f.call(t, "PUT", base+"/mask", "owner", b.body)
			if status != b.status || (b.field != "" && fieldMessage(out, b.field) == "") {
				t.Errorf("%s: %d %v, want %d naming %q", b.name, status, out, b.status, b.field)
			}
		}
		for _, b := range []string{`{"eyes":140,"nose_base":130,"mouth":190,"chin":222}`, `{"eyes":140,"nose_base":170,"mouth":190,"chin":421}`,
			`{"eyes":140,"nose_base":170,"mouth":190}`, `{"eyes":-1,"nose_base":170,"mouth":190,"chin":200}`} {
			if status, out := f.call(t, "PUT", base+"/guides", "owner", b); status != 422 {
				t.Errorf("guides %s: %d %v", b, status, out)
			}
		}
		if status, out := f.call(t, "PUT", base+"/guides", "owner", `{"eyes":1`); status != 400 {
			t.Errorf("malformed guides: %d %v", status, out)
		}

		// Another studio's photo and piece are not found, and nothing of
		// theirs changes.
		for _, c := range []struct{ method, path, body string }{
			{"PUT", base + "/mask", `{"rect":{"x":40,"y":50,"w":220,"h":360}}`},
			{"GET", base + "/mask.png", ""},
			{"GET", base + "/cutout.jpg", ""},
			{"GET", base + "/guides", ""},
			{"PUT", base + "/guides", `{"eyes":140,"nose_base":170,"mouth":190,"chin":222}`},
			{"DELETE", base + "/guides", ""},
			{"GET", "/api/v1/pieces/" + piece + "/silhouette.pdf", ""},
			{"PUT", "/api/v1/photos/nope/mask", `{"rect":{"x":40,"y":50,"w":220,"h":360}}`},
		} {
			if status, out := f.call(t, c.method, c.path, "ben", c.body); status != 404 {
				t.Errorf("ben %s %s: %d %v", c.method, c.path, status, out)
			}
		}
		if m, ok, err := s.LatestPhotoMask(t.Context(), f.ana.ID, photo); err != nil || !ok || m.Version != 2 {
			t.Fatalf("after the refusals the mask is still version 2: %+v %v %v", m, ok, err)
		}
		if out = f.mustCall(t, "GET", base+"/guides", "owner", "", 200); out["eyes"] != 140.0 {
			t.Fatalf("the guides are the artist's still: %v", out)
		}

		if status, _ := f.call(t, "DELETE", base+"/guides", "owner", ""); status != 204 {
			t.Fatalf("delete guides: %d", status)
		}
		if out = f.mustCall(t, "GET", base+"/guides", "owner", "", 200); out["default"] != true {
			t.Fatalf("after the delete: %v", out)
		}

		// A piece with no photo at all: the silhouette says what to do.
		status, out = f.call(t, "GET", "/api/v1/pieces/"+f.anaPiece(t)+"/silhouette.pdf", "owner", "")
		if status != 422 || !strings.Contains(errMessage(out), "cut the figure out") {
			t.Fatalf("a piece without photos: %d %v", status, out)
		}
	})
}
