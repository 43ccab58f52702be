package intake

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/draw"
	"image/png"
	"io"
	"math"
	"net/http"
	"strconv"
	"time"

	"atelier/internal/imaging"
	"atelier/internal/pdf"
	"atelier/internal/store"
	"atelier/internal/studio"
)

// The cut-out of a reference photo's figure, its guide lines, and the
// silhouette sheet drawn from them. The masks are in the pixels of the
// upright photo (turned as its EXIF orientation says), which is what the
// artist sees; a photo's stored width and height are its header's and may
// be the other way round.

// MaskRequest is a cut-out request as the API and the page send it: the
// rectangle and the strokes, in the upright photo's pixels.
type MaskRequest struct {
	Rect    MaskRect     `json:"rect"`
	Strokes []MaskStroke `json:"strokes,omitempty"`
}

// MaskRect is the rectangle around the figure.
type MaskRect struct {
	X int `json:"x"`
	Y int `json:"y"`
	W int `json:"w"`
	H int `json:"h"`
}

// MaskStroke is a line the artist drew over figure or background. The
// points may have fractions, as a pointer on a scaled picture gives them;
// each is rounded to the nearest pixel.
type MaskStroke struct {
	// Kind is "figure" or "background".
	Kind   string      `json:"kind"`
	Points [][]float64 `json:"points"`
	Width  int         `json:"width"`
}

// Cutout converts the request to the cut-out's, or says which field is
// wrong (a stroke of neither kind).
func (m MaskRequest) Cutout() (imaging.CutoutRequest, error) {
	req := imaging.CutoutRequest{Rect: imaging.CutoutRect{X: m.Rect.X, Y: m.Rect.Y, W: m.Rect.W, H: m.Rect.H}}
	for i, s := range m.Strokes {
		if s.Kind != "figure" && s.Kind != "background" {
			return req, studio.FieldError("strokes", fmt.Sprintf(`must each be of kind "figure" or "background" (stroke %d is not)`, i+1))
		}
		st := imaging.CutoutStroke{Figure: s.Kind == "figure", Width: s.Width, Points: make([]image.Point, len(s.Points))}
		for j, p := range s.Points {
			// Far outside any photo is as outside as just outside, and
			// cannot overflow the conversion.
			if len(p) != 2 || !(math.Abs(p[0]) < 1e7 && math.Abs(p[1]) < 1e7) {
				return req, studio.FieldError("strokes", fmt.Sprintf("must list their points as [x, y] inside the photo (stroke %d, point %d is not)", i+1, j+1))
			}
			st.Points[j] = image.Pt(int(math.Round(p[0])), int(math.Round(p[1])))
		}
		req.Strokes = append(req.Strokes, st)
	}
	return req, nil
}

// MaskRequestOf is the request in its JSON form, as it is kept with the
// mask so that an edit can start from it.
func MaskRequestOf(req imaging.CutoutRequest) MaskRequest {
	m := MaskRequest{Rect: MaskRect{X: req.Rect.X, Y: req.Rect.Y, W: req.Rect.W, H: req.Rect.H}}
	for _, s := range req.Strokes {
		kind := "background"
		if s.Figure {
			kind = "figure"
		}
		st := MaskStroke{Kind: kind, Width: s.Width, Points: make([][]float64, len(s.Points))}
		for j, p := range s.Points {
			st.Points[j] = []float64{float64(p.X), float64(p.Y)}
		}
		m.Strokes = append(m.Strokes, st)
	}
	return m
}

// maxMaskBytes bounds a mask's PNG: a 50-megapixel mask with a ragged
// edge compresses far below this.
const maxMaskBytes = 64 << 20

// SaveMask cuts the figure out of a studio's photo as req asks and keeps
// the mask as the photo's next version. The request is checked against
// the upright photo's size before anything is decoded (Invalid, naming
// "rect" or "strokes"); a photo of another studio is NotFound; a cut-out
// that finds no figure is Invalid and nothing is kept.
func (d *Desk) SaveMask(ctx context.Context, p studio.Principal, photoID string, req imaging.CutoutRequest) (store.PhotoMask, error) {
	src, err := d.Store.PhotoOriginal(ctx, p.Studio.ID, photoID)
	if err != nil {
		return store.PhotoMask{}, err
	}
	data, err := d.readFile(ctx, src.File)
	if err != nil {
		return store.PhotoMask{}, err
	}
	w, h, err := imaging.UprightSize(bytes.NewReader(data), src.PixelLimit)
	if err != nil {
		return store.PhotoMask{}, err
	}
	if err := req.Validate(w, h); err != nil {
		return store.PhotoMask{}, err
	}
	mask, area, err := d.cut(ctx, data, src.PixelLimit, w, h, req)
	if err != nil {
		return store.PhotoMask{}, err
	}
	if area == 0 {
		return store.PhotoMask{}, studio.FieldError("rect", "holds no figure the cut-out could find: draw the rectangle closer round the figure, or mark the figure with a stroke")
	}
	top, bottom := figureRows(mask)
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	if err := enc.Encode(&buf, mask); err != nil {
		return store.PhotoMask{}, err
	}
	request, err := json.Marshal(MaskRequestOf(req))
	if err != nil {
		return store.PhotoMask{}, err
	}
	sp, err := d.Files.Spool(&buf, maxMaskBytes)
	if err != nil {
		return store.PhotoMask{}, err
	}
	defer sp.Remove()
	sp.ContentType = "image/png"
	var m store.PhotoMask
	err = d.Files.Save(ctx, sp, func() error {
		m, err = d.Store.SavePhotoMask(ctx, p.Studio.ID, photoID, store.NewPhotoMask{
			Request: request, AreaPx: area, Width: w, Height: h, TopPx: top, BottomPx: bottom, UserID: p.User.ID,
			File: studio.File{SHA256: sp.SHA256, Size: sp.Size, ContentType: "image/png", Name: "mask-" + photoID + ".png"},
		})
		return err
	})
	return m, err
}

// cut decodes the photo upright within the process's decoding budget and
// runs the cut-out on it.
func (d *Desk) cut(ctx context.Context, data []byte, limit int64, w, h int, req imaging.CutoutRequest) (*image.Gray, int, error) {
	release, err := d.reserveDecode(ctx, int64(w)*int64(h))
	if err != nil {
		return nil, 0, err
	}
	defer release()
	up, err := imaging.DecodeUpright(bytes.NewReader(data), limit)
	if err != nil {
		return nil, 0, err
	}
	return imaging.Cutout(ctx, up.Image, req)
}

// reserveDecode waits a moment for room in the decoding budget, which the
// uploads and the thumbnail jobs share, or says to come back.
func (d *Desk) reserveDecode(ctx context.Context, pixels int64) (func(), error) {
	release, err := imaging.Decodes.Reserve(ctx, pixels, DecodeWait)
	if errors.Is(err, imaging.ErrBusy) {
		return nil, &studio.Error{Code: studio.Unavailable, Message: "The server is busy with other photos. Please try again in a moment.",
			Data: map[string]any{studio.RetryAfter: int(DecodeWait / time.Second)}}
	}
	return release, err
}

// readFile reads a stored file whole; photos and masks are bounded at a
// few MiB, and the decoders read them more than once.
func (d *Desk) readFile(ctx context.Context, f studio.File) ([]byte, error) {
	rc, err := d.Files.Open(ctx, f.SHA256)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	data := make([]byte, f.Size)
	if _, err := io.ReadFull(rc, data); err != nil {
		return nil, fmt.Errorf("intake: reading blob %s of %d bytes: %w", f.SHA256, f.Size, err)
	}
	return data, nil
}

// figureRows is the first row holding a figure pixel and the row below
// the last (0, 0 for an empty mask).
func figureRows(m *image.Gray) (top, bottom int) {
	top = -1
	w := m.Rect.Dx()
	for y := range m.Rect.Dy() {
		row := m.Pix[y*m.Stride : y*m.Stride+w]
		if !hasNonZero(row) {
			continue
		}
		if top < 0 {
			top = y
		}
		bottom = y + 1
	}
	if top < 0 {
		return 0, 0
	}
	return top, bottom
}

func hasNonZero(b []byte) bool {
	for _, v := range b {
		if v != 0 {
			return true
		}
	}
	return false
}

// FigureMask returns the latest mask of a studio's photo, 255 inside the
// figure and 0 outside, the upright photo's size with bounds at 0,0; nil
// and no error when the photo has none. A photo of another studio is
// NotFound.
func (d *Desk) FigureMask(ctx context.Context, studioID, photoID string) (*image.Gray, error) {
	m, ok, err := d.Store.LatestPhotoMask(ctx, studioID, photoID)
	if err != nil || !ok {
		return nil, err
	}
	return d.decodeMask(ctx, m)
}

func (d *Desk) decodeMask(ctx context.Context, m store.PhotoMask) (*image.Gray, error) {
	data, err := d.readFile(ctx, m.File)
	if err != nil {
		return nil, err
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("intake: mask %s: %w", m.ID, err)
	}
	if g, ok := img.(*image.Gray); ok && g.Rect.Min == (image.Point{}) {
		return g, nil
	}
	g := image.NewGray(image.Rect(0, 0, img.Bounds().Dx(), img.Bounds().Dy()))
	draw.Draw(g, g.Rect, img, img.Bounds().Min, draw.Src)
	return g, nil
}

// noMask is the answer for a photo without a cut-out.
func noMask() error {
	return studio.Errorf(studio.NotFound, "This photo has no cut-out yet: cut the figure out first.")
}

// ServeMaskPNG sends the latest mask of a studio's photo as a greyscale
// PNG of the upright photo's size; a photo without one is NotFound.
func (d *Desk) ServeMaskPNG(w http.ResponseWriter, r *http.Request, studioID, photoID string) error {
	m, ok, err := d.Store.LatestPhotoMask(r.Context(), studioID, photoID)
	if err != nil {
		return err
	}
	if !ok {
		return noMask()
	}
	// The address stays while the versions change: the browser asks again
	// each time, and the version tells it whether it has the latest.
	w.Header().Set("ETag", strconv.Quote(m.File.SHA256))
	w.Header().Set("X-Mask-Version", strconv.Itoa(m.Version))
	if r.Header.Get("If-None-Match") == strconv.Quote(m.File.SHA256) {
		w.WriteHeader(http.StatusNotModified)
		return nil
	}
	return d.ServeBlob(w, r, m.File, "private, no-cache", "")
}

// previewSide is the long side of the cut-out preview, the large variant's.
const previewSide = imaging.SizeLarge

// ServeCutoutJPEG sends the photo reduced to at most 1600 pixels on its
// long side with the background dimmed outside the latest mask, for the
// cut-out page. It draws from the large variant when it is made, and from
// the original otherwise. A photo without a mask is NotFound.
func (d *Desk) ServeCutoutJPEG(w http.ResponseWriter, r *http.Request, studioID, photoID string) error {
	ctx := r.Context()
	m, ok, err := d.Store.LatestPhotoMask(ctx, studioID, photoID)
	if err != nil {
		return err
	}
	if !ok {
		return noMask()
	}
	mask, err := d.decodeMask(ctx, m)
	if err != nil {
		return err
	}
	img, err := d.previewSource(ctx, studioID, photoID)
	if err != nil {
		return err
	}
	data, err := imaging.CutoutPreview(img, mask, previewSide)
	if err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", "image/jpeg")
	h.Set("Content-Length", strconv.Itoa(len(data)))
	h.Set("Content-Security-Policy", "sandbox; default-src 'none'")
	h.Set("Cache-Control", "private, no-cache")
	h.Set("X-Mask-Version", strconv.Itoa(m.Version))
	w.Write(data)
	return nil
}

// previewSource is the photo upright: its large variant when made (a
// fraction of the original's pixels), else the original decoded.
func (d *Desk) previewSource(ctx context.Context, studioID, photoID string) (image.Image, error) {
	vs, err := d.Store.PhotoVariants(ctx, studioID, photoID)
	if err != nil {
		return nil, err
	}
	for _, v := range vs {
		if v.Size != previewSide {
			continue
		}
		data, err := d.readFile(ctx, v.File)
		if err != nil {
			return nil, err
		}
		up, err := imaging.DecodeUpright(bytes.NewReader(data), 0)
		if err != nil {
			return nil, err
		}
		return up.Image, nil
	}
	src, err := d.Store.PhotoOriginal(ctx, studioID, photoID)
	if err != nil {
		return nil, err
	}
	data, err := d.readFile(ctx, src.File)
	if err != nil {
		return nil, err
	}
	info, err := imaging.InspectWithin(bytes.NewReader(data), src.PixelLimit)
	if err != nil {
		return nil, err
	}
	release, err := d.reserveDecode(ctx, info.Pixels())
	if err != nil {
		return nil, err
	}
	defer release()
	up, err := imaging.DecodeUpright(bytes.NewReader(data), src.PixelLimit)
	if err != nil {
		return nil, err
	}
	return up.Image, nil
}

// Guides returns the face's guide lines on a studio's photo, in rows of
// the upright photo: the artist's, or (Default set) the classic
// proportions over the figure's height in the latest mask, or over the
// whole photo when it has none. A photo of another studio is NotFound.
func (d *Desk) Guides(ctx context.Context, studioID, photoID string) (store.FaceGuides, error) {
	g, ok, err := d.Store.PhotoFaceGuides(ctx, studioID, photoID)
	if err != nil || ok {
		return g, err
	}
	top, bottom, err := d.figureSpan(ctx, studioID, photoID)
	if err != nil {
		return g, err
	}
	c, span := pdf.ClassicGuides, float64(bottom-top)
	at := func(f float64) float64 { return math.Round((float64(top)+f*span)*10) / 10 }
	return store.FaceGuides{PhotoID: photoID, Eyes: at(c.Eyes), NoseBase: at(c.NoseBase), Mouth: at(c.Mouth), Chin: at(c.Chin), Default: true}, nil
}

// figureSpan is the figure's rows in the latest mask, or the upright
// photo's when it has none.
func (d *Desk) figureSpan(ctx context.Context, studioID, photoID string) (top, bottom int, err error) {
	m, ok, err := d.Store.LatestPhotoMask(ctx, studioID, photoID)
	if err != nil {
		return 0, 0, err
	}
	if ok {
		return m.TopPx, m.BottomPx, nil
	}
	_, h, err := d.uprightSize(ctx, studioID, photoID)
	return 0, h, err
}

// uprightSize is the photo's size once turned upright: the latest mask's
// when it has one, else read from the original's header.
func (d *Desk) uprightSize(ctx context.Context, studioID, photoID string) (w, h int, err error) {
	m, ok, err := d.Store.LatestPhotoMask(ctx, studioID, photoID)
	if err != nil {
		return 0, 0, err
	}
	if ok {
		return m.Width, m.Height, nil
	}
	src, err := d.Store.PhotoOriginal(ctx, studioID, photoID)
	if err != nil {
		return 0, 0, err
	}
	data, err := d.readFile(ctx, src.File)
	if err != nil {
		return 0, 0, err
	}
	return imaging.UprightSize(bytes.NewReader(data), src.PixelLimit)
}

// PutGuides sets the face's guide lines on a studio's photo, checked
// against the upright photo's height (Invalid naming the field).
func (d *Desk) PutGuides(ctx context.Context, p studio.Principal, photoID string, g store.FaceGuides) (store.FaceGuides, error) {
	_, h, err := d.uprightSize(ctx, p.Studio.ID, photoID)
	if err != nil {
		return g, err
	}
	if err := g.Problem(h); err != nil {
		return g, err
	}
	g.UserID = p.User.ID
	return d.Store.PutFaceGuides(ctx, p.Studio.ID, photoID, g)
}

// DeleteGuides returns a photo to the classic proportions.
func (d *Desk) DeleteGuides(ctx context.Context, studioID, photoID string) error {
	return d.Store.DeleteFaceGuides(ctx, studioID, photoID)
}

// NoFrontMask is the message for a silhouette asked of a piece whose
// front photo has no cut-out.
const NoFrontMask = "The piece has no front photo with a cut-out yet: open its front reference photo, cut the figure out, then ask for the silhouette again."

// Silhouette writes the piece's silhouette sheet as a PDF: the front view
// traced from the cut-out of its front photo and, when a profile photo has
// one too, the profile beside it, heightMM tall (0: the piece's target
// height) on paper "a4" or "letter". A piece without a masked front photo,
// a height outside the studio's limits or a bad paper is Invalid; nothing
// is written to w on error.
func (d *Desk) Silhouette(ctx context.Context, studioID, pieceID string, heightMM float64, paper string, w io.Writer) error {
	piece, masked, err := d.Store.PieceMaskedPhotos(ctx, studioID, pieceID)
	if err != nil {
		return err
	}
	if heightMM == 0 {
		heightMM = piece.TargetHeightMM
	}
	if !(heightMM >= studio.MinHeightMM && heightMM <= studio.MaxHeightMM) {
		return studio.FieldError("height_mm", fmt.Sprintf("must be between %d and %d mm", studio.MinHeightMM, studio.MaxHeightMM))
	}
	if paper != "" && paper != "a4" && paper != "letter" {
		return studio.FieldError("paper", `must be "a4" or "letter"`)
	}
	// The latest photo of each angle: a new front photo with a cut-out
	// replaces the older one.
	var front, profile *store.MaskedPhoto
	for i := range masked {
		switch masked[i].Photo.Angle {
		case studio.Front:
			front = &masked[i]
		case studio.LeftProfile, studio.RightProfile:
			profile = &masked[i]
		}
	}
	if front == nil {
		return studio.Errorf(studio.Invalid, NoFrontMask)
	}
	sheet := pdf.SilhouetteSheet{Subject: piece.Subject, Date: d.now().UTC().Format("2 January 2006"), HeightMM: heightMM, Paper: paper}
	if sheet.Front, err = d.silhouetteView(ctx, studioID, *front); err != nil {
		return err
	}
	if profile != nil {
		v, err := d.silhouetteView(ctx, studioID, *profile)
		if err != nil {
			return err
		}
		sheet.Profile = &v
	}
	var buf bytes.Buffer
	if err := pdf.Silhouette(&buf, sheet); err != nil {
		return err
	}
	_, err = w.Write(buf.Bytes())
	return err
}

// silhouetteView traces a photo's mask and places the artist's guide
// lines, if any, as fractions of the traced figure's height.
func (d *Desk) silhouetteView(ctx context.Context, studioID string, mp store.MaskedPhoto) (pdf.SilhouetteView, error) {
	mask, err := d.decodeMask(ctx, mp.Mask)
	if err != nil {
		return pdf.SilhouetteView{}, err
	}
	o, err := imaging.TraceOutline(mask)
	if err != nil {
		return pdf.SilhouetteView{}, err
	}
	v := pdf.SilhouetteView{Outline: o}
	g, ok, err := d.Store.PhotoFaceGuides(ctx, studioID, mp.Photo.ID)
	if err != nil || !ok {
		return v, err
	}
	// Rows above or below the traced outline clamp to its top or bottom,
	// which keeps the order the guides were checked in.
	span := o.Bottom - o.Top
	frac := func(y float64) float64 { return min(1, max(0, (y-o.Top)/span)) }
	v.Guides = &pdf.Guides{Eyes: frac(g.Eyes), NoseBase: frac(g.NoseBase), Mouth: frac(g.Mouth), Chin: frac(g.Chin)}
	if *v.Guides == (pdf.Guides{}) {
		// All at the very top would read as "none" and be replaced by the
		// classic lines; a hair below keeps what the artist placed.
		v.Guides.Eyes, v.Guides.NoseBase, v.Guides.Mouth, v.Guides.Chin = 1e-9, 1e-9, 1e-9, 1e-9
	}
	return v, nil
}
