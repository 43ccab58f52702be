package server

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"math"
	"math/rand/v2"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"atelier/internal/files"
	"atelier/internal/imaging"
	"atelier/internal/imaging/imagingtest"
	"atelier/internal/store"
	"atelier/internal/store/storetest"
	"atelier/internal/studio"
)

// figureScene is a synthetic reference photo: a head and shoulders, in
// skin, hair and shirt colours, on a mottled green wall, optionally with
// clutter in the figure's own colours; truth says which pixels are the
// figure's. The rectangle an artist would drag is rect.
type figureScene struct {
	img   *image.RGBA
	truth []bool
	rect  imaging.CutoutRect
}

func newFigureScene(w, h int, cluttered bool) figureScene {
	rng := rand.New(rand.NewPCG(7, 17))
	sc := figureScene{img: image.NewRGBA(image.Rect(0, 0, w, h)), truth: make([]bool, w*h)}
	noise := func(c color.RGBA, n int) color.RGBA {
		ch := func(v uint8) uint8 { return uint8(min(255, max(0, int(v)+rng.IntN(2*n+1)-n))) }
		return color.RGBA{ch(c.R), ch(c.G), ch(c.B), 255}
	}
	for y := range h {
		for x := range w {
			t := 30 * math.Sin(float64(x)/7) * math.Cos(float64(y)/9)
			sc.img.SetRGBA(x, y, noise(color.RGBA{uint8(150 + t), uint8(180 - t/2), uint8(140 + t/3), 255}, 15))
		}
	}
	skin, hair, shirt := color.RGBA{224, 172, 140, 255}, color.RGBA{84, 52, 32, 255}, color.RGBA{58, 84, 150, 255}
	if cluttered {
		// Shelves of clay and fabric in the corners, away from the figure.
		for k := range 16 {
			c := noise([]color.RGBA{skin, hair, shirt}[k%3], 20)
			x0, y0 := rng.IntN(w/6), rng.IntN(h)
			if k%2 == 1 {
				x0 = w - 1 - x0
			}
			r := 4 + rng.IntN(h/20)
			for y := max(0, y0-r); y < min(h, y0+r); y++ {
				for x := max(0, x0-r); x < min(w, x0+r); x++ {
					sc.img.SetRGBA(x, y, noise(c, 8))
				}
			}
		}
	}
	fh, cx := float64(h), float64(w)/2
	sq := func(v float64) float64 { return v * v }
	for y := range h {
		for x := range w {
			fx, fy := float64(x)+0.5, float64(y)+0.5
			dx := fx - cx
			var c color.RGBA
			switch {
			case sq(dx/(0.11*fh))+sq((fy-0.33*fh)/(0.14*fh)) <= 1:
				c = skin
				if fy < 0.27*fh {
					c = hair
				}
			case math.Abs(dx) <= 0.045*fh && fy >= 0.4*fh && fy <= 0.62*fh:
				c = skin
			case sq(dx/(0.32*fh))+sq((fy-1.02*fh)/(0.44*fh)) <= 1:
				c = shirt
			default:
				continue
			}
			sc.truth[y*w+x] = true
			sc.img.SetRGBA(x, y, noise(c, 12))
		}
	}
	m, top := int(0.38*fh), int(0.12*fh)
	sc.rect = imaging.CutoutRect{X: max(0, int(cx)-m), Y: top, W: min(w, 2*m), H: h - top}
	return sc
}

// maskIoU is the intersection over union of a mask PNG's figure and the
// scene's.
func maskIoU(t *testing.T, pngData []byte, truth []bool, w, h int) float64 {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(pngData))
	if err != nil {
		t.Fatalf("the mask is not a PNG: %v", err)
	}
	if b := img.Bounds(); b.Dx() != w || b.Dy() != h {
		t.Fatalf("the mask is %v, the photo %d × %d", b, w, h)
	}
	inter, union := 0, 0
	for i, in := range truth {
		r, _, _, _ := img.At(i%w, i/w).RGBA()
		m := r > 0x7fff
		if m && in {
			inter++
		}
		if m || in {
			union++
		}
	}
	return float64(inter) / float64(union)
}

// scenePhoto makes a commission of the studio with the scene as its front
// reference photo, with the variants the thumbnail job would draw; it
// returns the commission and the photo.
func scenePhoto(t *testing.T, s *store.Store, blobs *files.Store, studioID string, sc figureScene) (commission, photo string) {
	t.Helper()
	ctx := context.Background()
	jpg := imagingtest.JPEG(t, sc.img, 92)
	put := func(data []byte) studio.File {
		sha, size, err := blobs.Put(ctx, bytes.NewReader(data), int64(len(data))+1)
		if err != nil {
			t.Fatal(err)
		}
		return studio.File{SHA256: sha, Size: size, ContentType: "image/jpeg"}
	}
	f := put(jpg)
	b := sc.img.Bounds()
	c, _, err := s.CreateInquiry(ctx, studioID, studio.InquiryFields{SubjectName: "Grandma Rose", ContactName: "Lea Berger",
		ContactEmail: "lea@example.com", ConsentShowProcess: true},
		[]store.NewPhoto{{Angle: studio.Front, SHA256: f.SHA256, Size: f.Size, ContentType: f.ContentType, Width: b.Dx(), Height: b.Dy()}})
	if err != nil {
		t.Fatal(err)
	}
	d, err := s.Commission(ctx, studioID, c.ID)
	if err != nil || len(d.Photos) != 1 {
		t.Fatalf("the commission's photos: %v, %v", d.Photos, err)
	}
	vs, err := imaging.Variants(bytes.NewReader(jpg), studio.DefaultPixelLimit, studio.VariantSizes)
	if err != nil {
		t.Fatal(err)
	}
	var pvs []store.PhotoVariant
	for _, v := range vs {
		pvs = append(pvs, store.PhotoVariant{Size: v.Size, Width: v.Width, Height: v.Height, File: put(v.JPEG)})
	}
	if err := s.AddPhotoVariants(ctx, studioID, d.Photos[0].ID, pvs); err != nil {
		t.Fatal(err)
	}
	return c.ID, d.Photos[0].ID
}

// acceptCommission quotes and accepts a commission, which makes its piece.
func acceptCommission(t *testing.T, s *store.Store, studioID, id string) string {
	t.Helper()
	ctx := context.Background()
	price, deposit := int64(45000), int64(15000)
	if _, err := s.MoveCommission(ctx, studioID, id, "", studio.Move{To: studio.Quoted, PriceCents: &price, DepositCents: &deposit, PromisedDate: "2099-01-01"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.MoveCommission(ctx, studioID, id, "", studio.Move{To: studio.Accepted}); err != nil {
		t.Fatal(err)
	}
	p, err := s.PieceOfCommission(ctx, studioID, id)
	if err != nil {
		t.Fatal(err)
	}
	return p.ID
}

func rectForm(r imaging.CutoutRect) url.Values {
	return url.Values{"x": {itoa(r.X)}, "y": {itoa(r.Y)}, "w": {itoa(r.W)}, "h": {itoa(r.H)}}
}

func itoa(n int) string { return strconv.Itoa(n) }

// The cut-out page without a script: the photo's page opened from the
// commission, the rectangle typed in and refused when it is outside the
// photo, of zero size or not a number, strokes outside the photo or
// unreadable (422, the message in words, nothing saved); then a
// rectangle round the figure cuts it out (303 back, the result and its
// area on the page, the mask close to the figure); the guide lines moved
// out of order (422) and in order, then reset; another studio's photo is
// not found; and the piece's silhouette sheet asks for the cut-out first,
// then prints.
func TestWebCutoutPage(t *testing.T) {
	s := storetest.Open(t, store.SQLite, nil)
	b, _, blobs := serveStudio(t, s, Config{})
	ctx, ana := context.Background(), mustSlug(t, s, "ana").ID
	sc := newFigureScene(240, 320, false)
	commission, photo := scenePhoto(t, s, blobs, ana, sc)
	page := "/photos/" + photo + "/cutout"

	res, body := b.get("/commissions/" + commission)
	want(t, res, body, 200, `href="`+page+`"`, "Cut out the figure")
	res, body = b.get(page)
	want(t, res, body, 200, `id="cutout-canvas"`, `viewBox="0 0 240 320"`, `name="x"`, `name="w"`, `name="strokes"`, "Grandma Rose",
		`/commissions/`+commission+`/photos/`+photo+`/1600`, "cutout.js")
	if strings.Contains(body, `id="cutout-result"`) || strings.Contains(body, `id="guides-form"`) {
		t.Fatal("a result and guide lines before any cut-out")
	}

	saved := func() bool {
		_, ok, err := s.LatestPhotoMask(ctx, ana, photo)
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}
	bad := []struct {
		name string
		form url.Values
		says string
	}{
		{"a rectangle past the right edge", url.Values{"x": {"200"}, "y": {"10"}, "w": {"100"}, "h": {"100"}}, "must lie inside the photo of 240 × 320 pixels"},
		{"a rectangle above the top", url.Values{"x": {"10"}, "y": {"-5"}, "w": {"100"}, "h": {"100"}}, "must lie inside the photo"},
		{"a rectangle of zero size", url.Values{"x": {"10"}, "y": {"10"}, "w": {"0"}, "h": {"100"}}, "must have a positive width and height"},
		{"a rectangle in words", url.Values{"x": {"left"}, "y": {"10"}, "w": {"100"}, "h": {"100"}}, "must be a whole number of pixels"},
		{"a rectangle left out", url.Values{"x": {""}, "y": {"10"}, "w": {"100"}, "h": {"100"}}, "is needed"},
		{"a stroke outside the photo", url.Values{"x": {"10"}, "y": {"10"}, "w": {"100"}, "h": {"100"},
			"strokes": {`[{"kind":"figure","points":[[50,50],[900,50]],"width":8}]`}}, "must lie inside the photo (stroke 1 has the point 900,50)"},
		{"a stroke of no kind", url.Values{"x": {"10"}, "y": {"10"}, "w": {"100"}, "h": {"100"},
			"strokes": {`[{"kind":"hair","points":[[50,50]],"width":8}]`}}, `must each be of kind`},
		{"strokes that cannot be read", url.Values{"x": {"10"}, "y": {"10"}, "w": {"100"}, "h": {"100"}, "strokes": {`[{"kind":`}}, "could not be read"},
	}
	for _, c := range bad {
		res, body := b.post(page, c.form, nil)
		want(t, res, body, 422, c.says, `id="error-summary"`)
		if saved() {
			t.Fatalf("%s: a mask was saved", c.name)
		}
		// The form comes back as it was sent, to correct.
		if c.form.Get("x") != "" && !strings.Contains(body, `name="x" type="number" inputmode="numeric" min="0" max="240" step="1" value="`+c.form.Get("x")+`"`) {
			t.Fatalf("%s: the form did not come back as sent\n%s", c.name, between(t, body, "cutout-form", "</form>"))
		}
	}

	// Typed in, as without a script.
	res, body = b.post(page, rectForm(sc.rect), nil)
	want(t, res, body, 303, page+"#cutout-result")
	res, body = b.get(page)
	want(t, res, body, 200, "Cut out: the figure covers", `id="cutout-result"`, "Version 1", `id="cutout-area"`, `id="guides-form"`,
		`/photos/`+photo+`/mask.png?v=1`, `/photos/`+photo+`/cutout.jpg?v=1`, "(they are at the classic proportions now)")
	imagesAnswer(t, b, body)
	res, maskPNG := b.get("/photos/" + photo + "/mask.png")
	want(t, res, "", 200)
	if got := res.Header.Get("Content-Type"); got != "image/png" {
		t.Fatalf("the mask is served as %q", got)
	}
	if iou := maskIoU(t, []byte(maskPNG), sc.truth, 240, 320); iou < 0.9 {
		t.Fatalf("the cut-out from a typed rectangle: IoU %.3f", iou)
	}
	// The form starts the next edit from the rectangle the mask was cut with.
	if !strings.Contains(body, `name="w" type="number" inputmode="numeric" min="1" max="240" step="1" value="`+itoa(sc.rect.W)+`"`) {
		t.Fatal("the form does not start from the last rectangle")
	}

	// The guide lines: out of order, then placed, then reset.
	res, body = b.post("/photos/"+photo+"/guides", url.Values{"eyes": {"200"}, "nose_base": {"120"}, "mouth": {"130"}, "chin": {"150"}}, nil)
	want(t, res, body, 422, "must not be above eyes")
	res, body = b.post("/photos/"+photo+"/guides", url.Values{"eyes": {"abc"}, "nose_base": {"120"}, "mouth": {"130"}, "chin": {"150"}}, nil)
	want(t, res, body, 422, "must be a row of the photo")
	res, body = b.post("/photos/"+photo+"/guides", url.Values{"eyes": {"100"}, "nose_base": {"120"}, "mouth": {"130"}, "chin": {"150"}}, nil)
	want(t, res, body, 303, page+"#guides")
	res, body = b.get(page)
	want(t, res, body, 200, "Guide lines saved", `name="nose_base" type="number" inputmode="numeric" min="0" max="320" step="1" value="120"`, `id="reset-guides"`)
	if g, ok, err := s.PhotoFaceGuides(ctx, ana, photo); err != nil || !ok || g.Eyes != 100 || g.Chin != 150 {
		t.Fatalf("the guides saved: %+v %v %v", g, ok, err)
	}
	res, body = b.post("/photos/"+photo+"/guides", url.Values{"reset": {"classic"}}, nil)
	want(t, res, body, 303, page+"#guides")
	if _, ok, _ := s.PhotoFaceGuides(ctx, ana, photo); ok {
		t.Fatal("the guides were not reset")
	}

	// Another studio's photo is not found, for every address of the page.
	ben, err := s.CreateStudio(ctx, studio.NewStudio("ben", "Ben's Busts", "Ben Okafor"))
	if err != nil {
		t.Fatal(err)
	}
	_, theirs := scenePhoto(t, s, blobs, ben.ID, newFigureScene(60, 80, false))
	for _, path := range []string{"/photos/" + theirs + "/cutout", "/photos/" + theirs + "/mask.png", "/photos/" + theirs + "/cutout.jpg", "/photos/nope/cutout"} {
		res, body := b.get(path)
		want(t, res, body, 404)
	}
	res, body = b.post("/photos/"+theirs+"/cutout", url.Values{"x": {"1"}, "y": {"1"}, "w": {"20"}, "h": {"20"}}, nil)
	want(t, res, body, 404)
	res, body = b.post("/photos/"+theirs+"/guides", url.Values{"reset": {"classic"}}, nil)
	want(t, res, body, 404)
	if _, ok, _ := s.LatestPhotoMask(ctx, ben.ID, theirs); ok {
		t.Fatal("a mask was saved on another studio's photo")
	}

	// The silhouette sheet: a piece whose front photo has no cut-out is
	// told to cut it out first, with the way there; with one, it prints.
	other, otherPhoto := scenePhoto(t, s, blobs, ana, newFigureScene(120, 160, false))
	otherPiece := acceptCommission(t, s, ana, other)
	res, body = b.get("/pieces/" + otherPiece)
	want(t, res, body, 200, `id="silhouette"`, `action="/pieces/`+otherPiece+`/silhouette.pdf"`, `name="height_mm"`, `value="a4"`, `value="letter"`,
		`href="/photos/`+otherPhoto+`/cutout"`)
	res, body = b.get("/pieces/" + otherPiece + "/silhouette.pdf?height_mm=120&paper=a4")
	want(t, res, body, 422, "Cut out the figure first", "cut the figure out", `href="/photos/`+otherPhoto+`/cutout"`)
	piece := acceptCommission(t, s, ana, commission)
	res, body = b.get("/pieces/" + piece + "/silhouette.pdf?height_mm=abc")
	want(t, res, body, 422, "Height of the figure: must be a number of millimetres")
	res, body = b.get("/pieces/" + piece + "/silhouette.pdf?height_mm=5000")
	want(t, res, body, 422, "Height of the figure: must be between")
	res, body = b.get("/pieces/" + piece + "/silhouette.pdf?height_mm=120&paper=legal")
	want(t, res, body, 422, "Paper: must be")
	res, body = b.get("/pieces/" + piece + "/silhouette.pdf?height_mm=120&paper=letter")
	want(t, res, "", 200)
	if res.Header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(body, "%PDF-") {
		t.Fatalf("the silhouette: %s %.20q", res.Header.Get("Content-Type"), body)
	}
	// Empty fields, as a form sends them untouched: the target height, A4.
	res, body = b.get("/pieces/" + piece + "/silhouette.pdf?height_mm=&paper=")
	want(t, res, "", 200)
}

// crawlMask gives the crawl's reference photo (640 × 480) a cut-out that
// is a real mask PNG, an oval figure, as its latest version: the seed's
// versions carry the photo's own blob, which the page's preview could not
// decode.
func crawlMask(t *testing.T, s *store.Store, blobs *files.Store, studioID, photo string) {
	t.Helper()
	const w, h = 640, 480
	mask := image.NewGray(image.Rect(0, 0, w, h))
	area, top, bottom := 0, -1, 0
	for y := range h {
		for x := range w {
			if dx, dy := float64(x-320)/150, float64(y-250)/200; dx*dx+dy*dy <= 1 {
				mask.Pix[y*mask.Stride+x] = 255
				area++
				if top < 0 {
					top = y
				}
				bottom = y + 1
			}
		}
	}
	data := imagingtest.PNG(t, mask)
	sha, size, err := blobs.Put(context.Background(), bytes.NewReader(data), int64(len(data))+1)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.SavePhotoMask(context.Background(), studioID, photo, store.NewPhotoMask{Request: []byte(`{"rect":{"x":160,"y":40,"w":320,"h":420}}`),
		AreaPx: area, Width: w, Height: h, TopPx: top, BottomPx: bottom, File: studio.File{SHA256: sha, Size: size, ContentType: "image/png", Name: "mask.png"}}); err != nil {
		t.Fatal(err)
	}
}
