package server

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"net/url"
	"strings"
	"testing"

	"atelier/internal/files"
	"atelier/internal/imaging"
	"atelier/internal/store"
	"atelier/internal/store/storetest"
	"atelier/internal/studio"
)

// fourColours are the colours of paletteImage and their shares of it: a
// skin, a dark hair, a light collar and a blue shirt.
var fourColours = []struct {
	hex, role string
	share     float64
}{{"#E0AC8A", "base", 0.5}, {"#4A2C1F", "shadow", 0.25}, {"#F5E6DA", "highlight", 0.15}, {"#2E5EAA", "accent", 0.1}}

// paletteImage is a PNG of exactly the four colours: the left half skin,
// the top right quarter hair, the bottom right quarter collar and shirt.
func paletteImage(t *testing.T) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, 200, 100))
	cs := make([]color.NRGBA, len(fourColours))
	for i, c := range fourColours {
		lab, _ := imaging.ParseHex(c.hex)
		cs[i] = lab.RGBA()
	}
	for y := range 100 {
		for x := range 200 {
			c := cs[0]
			switch {
			case x >= 100 && y < 50:
				c = cs[1]
			case x >= 100 && x < 160:
				c = cs[2]
			case x >= 160:
				c = cs[3]
			}
			img.SetNRGBA(x, y, c)
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// paletteFixture makes a commission from an inquiry with the four-colour
// photo as its front reference, accepts it and walks its piece to the
// colour plan; it returns the piece's id and the photo's.
func paletteFixture(t *testing.T, f *fixture, s *store.Store) (pieceID, photoID string) {
	t.Helper()
	res, out := f.inquiry(t, "ana", inquiryFields(), part{"photo_front", "front.png", paletteImage(t)})
	if res.StatusCode != 201 {
		t.Fatalf("inquiry %d %v", res.StatusCode, out)
	}
	cid := out["id"].(string)
	f.mustCall(t, "POST", "/api/v1/commissions/"+cid+"/status", "owner", `{"status":"quoted","price_cents":45000,"deposit_cents":0,"promised_date":"2099-01-01"}`, 200)
	f.mustCall(t, "POST", "/api/v1/commissions/"+cid+"/status", "owner", `{"status":"accepted"}`, 200)
	ctx := context.Background()
	piece, err := s.PieceOfCommission(ctx, f.ana.ID, cid)
	if err != nil {
		t.Fatal(err)
	}
	storetest.WalkPiece(t, s, f.ana.ID, piece.ID, studio.ColourPlan)
	c, err := s.Commission(ctx, f.ana.ID, cid)
	if err != nil {
		t.Fatal(err)
	}
	return piece.ID, c.Photos[0].ID
}

// A palette suggested through the API gives the four colours of a
// synthetic photo back within ΔE00 1, in their roles and shares, names the
// studio's nearest paint, previews the photo in it, and is adopted as the
// piece's palette; bad counts, foreign photos and another studio's piece
// are refused.
func TestPaletteSuggestThroughTheAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		ctx := context.Background()
		id, photo := paletteFixture(t, f, s)
		if _, err := s.CreateMaterial(ctx, f.ana.ID, "", studio.Material{Name: "Cobalt blue", Category: studio.CatPainting, Unit: studio.UnitMl, Colour: "#2E5FAB"}); err != nil {
			t.Fatal(err)
		}
		base := "/api/v1/pieces/" + id + "/palette/"
		for _, body := range []string{`{"count":2}`, `{"count":5}`, `{}`, `{"count":"4"}`} {
			f.mustCall(t, "POST", base+"suggest", "assistant", body, 422)
		}
		f.mustCall(t, "POST", base+"suggest", "ben", `{"count":4}`, 404)
		out := f.mustCall(t, "POST", base+"suggest", "assistant", `{"count":4,"photo_ids":["nosuch"]}`, 422)
		if !strings.Contains(errMessage(out), "photo_ids") && !strings.Contains(errMessage(out), "not a photo of this piece") {
			t.Fatalf("a foreign photo: %v", out)
		}

		got := f.mustCall(t, "POST", base+"suggest", "assistant", `{"count":4,"photo_ids":["`+photo+`"]}`, 201)
		colors := got["colors"].([]any)
		if len(colors) != 4 {
			t.Fatalf("colours: %v", got)
		}
		for i, want := range fourColours {
			c := colors[i].(map[string]any)
			a, _ := imaging.ParseHex(c["hex"].(string))
			b, _ := imaging.ParseHex(want.hex)
			if de := imaging.DeltaE00(a, b); de > 1 || c["role"] != want.role || c["share"].(float64) < want.share-0.01 || c["share"].(float64) > want.share+0.01 {
				t.Errorf("colour %d: %v, want %s %s %.2f (ΔE00 %.2f)", i, c, want.hex, want.role, want.share, de)
			}
		}
		if accent := colors[3].(map[string]any); accent["paint"] != "Cobalt blue" || accent["paint_delta_e"].(float64) > 1 {
			t.Errorf("the accent's paint: %v", accent)
		}
		if de := got["delta_e00"].(map[string]any); de["mean"].(float64) > 1 || de["p95"].(float64) > 1 {
			t.Errorf("the error left by the four colours themselves: %v", de)
		}
		// The default photos are the references: the same palette.
		again := f.mustCall(t, "POST", base+"suggest", "assistant", `{"count":3}`, 201)
		if len(again["colors"].([]any)) != 3 || again["photo_ids"].([]any)[0] != photo {
			t.Fatalf("by default: %v", again)
		}

		// Inside a figure's mask that leaves the hair out, the hair's
		// colour is gone and the others share the figure.
		maskFigure(t, f, s, photo)
		masked := f.mustCall(t, "POST", base+"suggest", "assistant", `{"count":3}`, 201)
		hair, _ := imaging.ParseHex(fourColours[1].hex)
		for _, c := range masked["colors"].([]any) {
			lab, _ := imaging.ParseHex(c.(map[string]any)["hex"].(string))
			if imaging.DeltaE00(lab, hair) < 5 {
				t.Fatalf("the hair outside the mask is in the palette: %v", masked["colors"])
			}
		}
		if base := masked["colors"].([]any)[0].(map[string]any); base["share"].(float64) < 0.66 || base["share"].(float64) > 0.67 {
			t.Fatalf("the skin's share inside the mask: %v", base)
		}

		sid := got["id"].(string)
		res, _ := f.send(t, "GET", got["preview_url"].(string), "assistant", "", nil)
		if res.StatusCode != 200 || res.Header.Get("Content-Type") != "image/png" {
			t.Fatalf("preview: %d %v", res.StatusCode, res.Header)
		}
		if res, _ := f.send(t, "GET", base+"suggestions/"+sid+"/preview.png", "ben", "", nil); res.StatusCode != 404 {
			t.Fatalf("another studio's preview: %d", res.StatusCode)
		}
		f.mustCall(t, "POST", base+"suggestions/"+sid+"/adopt", "ben", "", 404)
		f.mustCall(t, "POST", base+"suggestions/nosuch/adopt", "assistant", "", 404)
		pal := f.mustCall(t, "POST", base+"suggestions/"+sid+"/adopt", "assistant", "", 200)
		if cs := pal["colors"].([]any); len(cs) != 4 || cs[3].(map[string]any)["name"] != "Cobalt blue" || cs[0].(map[string]any)["name"] != "base" {
			t.Fatalf("adopted: %v", pal)
		}
		piece := f.mustCall(t, "GET", "/api/v1/pieces/"+id, "assistant", "", 200)
		if cs := piece["palette"].(map[string]any)["colors"].([]any); len(cs) != 4 || !strings.EqualFold(cs[0].(map[string]any)["hex"].(string), fourColours[0].hex) {
			t.Fatalf("the piece's palette: %v", piece["palette"])
		}
	})
}

// The colour plan's page offers the suggestion, shows it beside the photo
// with its preview, and adopts it with one button.
func TestPaletteSuggestOnThePiecePage(t *testing.T) {
	s := storetest.Open(t, store.SQLite, nil)
	b, _, blobs := serveStudio(t, s, Config{})
	ctx := context.Background()
	ana, piece := paletteWebPiece(t, s, blobs)
	page := "/pieces/" + piece
	res, body := b.get(page)
	want(t, res, body, 200, "Suggest a palette from the photos")
	res, body = b.post(page+"/palette/suggest", url.Values{"count": {"5"}}, nil)
	want(t, res, body, 422, "must be 3 or 4")
	res, body = b.post(page+"/palette/suggest", url.Values{"count": {"4"}}, nil)
	want(t, res, body, 303, page+"#palette-suggest")
	res, body = b.get(page)
	want(t, res, body, 200, "Palette suggested: 4 colours", "Use this palette", "/preview.png", "accent")
	ps, err := s.LatestPaletteSuggestion(ctx, ana.ID, piece)
	if err != nil || ps == nil {
		t.Fatalf("no suggestion kept: %v", err)
	}
	res, body = b.get(page + "/palette/suggestions/" + ps.ID + "/preview.png")
	want(t, res, body, 200)
	if _, err := png.Decode(strings.NewReader(body)); err != nil {
		t.Fatalf("the preview is no PNG: %v", err)
	}
	res, body = b.post(page+"/palette/suggestions/"+ps.ID+"/adopt", nil, nil)
	want(t, res, body, 303, page+"#palette-suggest")
	res, body = b.get(page)
	want(t, res, body, 200, "The suggested palette is the piece&#39;s palette now: 4 colours.", "This is the piece's palette.")
	if d, _ := s.Piece(ctx, ana.ID, piece); len(d.Palette) != 4 {
		t.Fatalf("the palette: %+v", d.Palette)
	}
}

// paletteWebPiece makes, in the studio set up through the pages, a
// commission whose front reference is the four-colour photo (its blob
// stored), accepted, its piece walked to the colour plan.
func paletteWebPiece(t *testing.T, s *store.Store, blobs *files.Store) (studio.Studio, string) {
	t.Helper()
	ctx := context.Background()
	ana, err := s.StudioBySlug(ctx, "ana")
	if err != nil {
		t.Fatal(err)
	}
	data := paletteImage(t)
	sha, size, err := blobs.Put(ctx, bytes.NewReader(data), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	c, _, err := s.CreateInquiry(ctx, ana.ID, studio.InquiryFields{SubjectName: "Grandma Rose", ContactName: "Lea", ContactEmail: "lea@example.com"},
		[]store.NewPhoto{{Angle: studio.Front, SHA256: sha, Size: size, ContentType: "image/png", Width: 200, Height: 100}})
	if err != nil {
		t.Fatal(err)
	}
	price := int64(45000)
	if _, err := s.MoveCommission(ctx, ana.ID, c.ID, "", studio.Move{To: studio.Quoted, PriceCents: &price, DepositCents: new(int64), PromisedDate: "2099-01-01"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.MoveCommission(ctx, ana.ID, c.ID, "", studio.Move{To: studio.Accepted}); err != nil {
		t.Fatal(err)
	}
	piece, err := s.PieceOfCommission(ctx, ana.ID, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	storetest.WalkPiece(t, s, ana.ID, piece.ID, studio.ColourPlan)
	return ana, piece.ID
}

// maskFigure gives the photo a cut-out of everything but the hair (the
// top right quarter of paletteImage).
func maskFigure(t *testing.T, f *fixture, s *store.Store, photoID string) {
	t.Helper()
	m := image.NewGray(image.Rect(0, 0, 200, 100))
	for y := range 100 {
		for x := range 200 {
			if x < 100 || y >= 50 {
				m.Pix[y*m.Stride+x] = 255
			}
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, m); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	sha, size, err := f.blobs.Put(ctx, bytes.NewReader(buf.Bytes()), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.SavePhotoMask(ctx, f.ana.ID, photoID, store.NewPhotoMask{Request: []byte(`{"rect":{"x":0,"y":0,"w":200,"h":100}}`), AreaPx: 15000,
		Width: 200, Height: 100, TopPx: 0, BottomPx: 100, File: studio.File{SHA256: sha, Size: size, ContentType: "image/png", Name: "mask.png"}})
	if err != nil {
		t.Fatal(err)
	}
}
