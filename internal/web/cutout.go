package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"atelier/internal/imaging"
	"atelier/internal/intake"
	"atelier/internal/store"
	"atelier/internal/studio"
)

// The cut-out page of a photo (issue 17): the artist drags a rectangle
// round the figure and paints strokes over figure or background, and the
// server cuts the figure out (intake.Desk.SaveMask); then the face's guide
// lines are dragged into place for the silhouette sheet, which the piece's
// page prints. Everything the page draws is sent as a plain form, which
// works typed in without a script.

// cutoutData is the cut-out page.
type cutoutData struct {
	ID string
	// Subject and Angle say whose photo it is; Back leads to the page it
	// was opened from.
	Subject, Angle  string
	Back, BackLabel string
	// Image is the photo, upright and reduced; W and H are the upright
	// original's size, the page's coordinates.
	Image string
	W, H  int
	// Line, Hit and Font are sizes in the photo's pixels for the SVG: a
	// line's width, the band a finger grabs a guide line by, the guides'
	// labels.
	Line, Hit, Font int
	// Strokes are the strokes as the SVG draws them.
	Strokes     []strokeView
	StrokeCount int
	// Mask is the latest cut-out, nil before the first.
	Mask               *store.PhotoMask
	MaskURL, CutoutURL string
	Area, Share        string
	Top, Bottom        int
	// Guides are the face's lines; GuidesSet says the artist placed them
	// (otherwise they are the classic proportions).
	Guides    []guideView
	GuidesSet bool
}

// strokeView is a stroke as an SVG polyline.
type strokeView struct {
	Kind, Points string
	Width        int
}

// guideView is a guide line: its field's name, label and row.
type guideView struct {
	Name, Label string
	Row         float64
	Value       string
}

// cutoutForm is the rectangle and the strokes as the form sends them.
type cutoutForm struct {
	X, Y, W, H string
	// Strokes is the JSON of the API's strokes, as the script keeps it.
	Strokes string
}

// cutoutNames: the form sends the rectangle as four fields, and its
// message sits above them.
var cutoutNames = fieldNames{"rect": "rectangle"}

// cutoutAnswer is what a post of the page failed with, to show again.
type cutoutAnswer struct {
	status  int
	message string
	errs    map[string]string
	form    *cutoutForm
	guides  url.Values
}

func (w *Web) cutoutShow(rw http.ResponseWriter, r *http.Request, p studio.Principal) error {
	return w.renderCutout(rw, r, p, cutoutAnswer{status: http.StatusOK})
}

// renderCutout draws the page, with a refused post's values and messages
// when there is one.
func (w *Web) renderCutout(rw http.ResponseWriter, r *http.Request, p studio.Principal, a cutoutAnswer) error {
	ctx, id := r.Context(), r.PathValue("id")
	ph, err := w.store.StudioPhoto(ctx, p.Studio.ID, id)
	if err != nil {
		return err
	}
	vs, err := w.store.PhotoVariants(ctx, p.Studio.ID, id)
	if err != nil {
		return err
	}
	m, hasMask, err := w.store.LatestPhotoMask(ctx, p.Studio.ID, id)
	if err != nil {
		return err
	}
	d := cutoutData{ID: id, Angle: angleLabels[ph.Angle], Subject: "Photo"}
	d.W, d.H = uprightSize(ph, vs)
	if hasMask {
		d.Mask, d.W, d.H = &m, m.Width, m.Height
	}
	if err := w.photoPlace(r, p, ph, &d); err != nil {
		return err
	}
	short := min(d.W, d.H)
	d.Line, d.Hit, d.Font = max(1, short/300), max(8, short/14), max(10, short/28)

	form := a.form
	if form == nil {
		form = defaultCutoutForm(d.W, d.H)
		if hasMask {
			form = maskForm(m)
		}
	}
	d.Strokes, d.StrokeCount = strokeViews(form.Strokes)
	if hasMask {
		v := strconv.Itoa(m.Version)
		d.MaskURL, d.CutoutURL = "/photos/"+id+"/mask.png?v="+v, "/photos/"+id+"/cutout.jpg?v="+v
		d.Area = groupDigits(m.AreaPx)
		d.Share = fmt.Sprintf("%.0f %%", 100*float64(m.AreaPx)/float64(max(1, m.Width*m.Height)))
		d.Top, d.Bottom = m.TopPx, m.BottomPx
		g, err := w.intake.Guides(ctx, p.Studio.ID, id)
		if err != nil {
			return err
		}
		d.GuidesSet = !g.Default
		d.Guides = guideViews(g, a.guides)
	}
	w.render(rw, r, a.status, "cutout", pageData{Title: "Cut out the figure", Principal: &p, Nav: "commissions",
		Message: a.message, Errors: a.errs, Form: form, Data: d})
	return nil
}

// photoPlace finds what the photo belongs to, for the page's title and
// its way back, and the address of its large variant.
func (w *Web) photoPlace(r *http.Request, p studio.Principal, ph studio.Photo, d *cutoutData) error {
	var base string
	switch {
	case ph.CommissionID != "" && ph.Kind == studio.ReferencePhoto:
		c, err := w.store.Commission(r.Context(), p.Studio.ID, ph.CommissionID)
		if err != nil {
			return err
		}
		d.Subject, d.Back, d.BackLabel = c.Inquiry.SubjectName, "/commissions/"+ph.CommissionID, "The commission"
		base = "/commissions/" + ph.CommissionID + "/photos/" + ph.ID + "/"
	case ph.PieceID != "":
		pc, err := w.store.Piece(r.Context(), p.Studio.ID, ph.PieceID)
		if err != nil {
			return err
		}
		d.Subject, d.Back, d.BackLabel = pc.Subject, "/pieces/"+ph.PieceID, "The piece"
		base = "/pieces/" + ph.PieceID + "/photos/" + ph.ID + "/"
	default:
		d.Back, d.BackLabel = "/dashboard", "Today"
		base = ""
	}
	if d.Angle == "" {
		d.Angle = "process photo"
	}
	switch {
	case base == "":
	case ph.Variants[largeSize] != "":
		d.Image = base + strconv.Itoa(largeSize)
	default:
		// Before the variants are made, the original (the studio's own
		// users may see it; the browser turns it upright).
		d.Image = base + "original"
	}
	return nil
}

// uprightSize is the photo's size as the artist sees it: its header's,
// turned as its large variant (drawn upright) shows it.
func uprightSize(ph studio.Photo, vs []store.PhotoVariant) (w, h int) {
	w, h = ph.Width, ph.Height
	for _, v := range vs {
		if v.Size == largeSize && v.Width != v.Height && (v.Width > v.Height) != (w > h) && w != h {
			return h, w
		}
	}
	return w, h
}

// defaultCutoutForm is a first rectangle: the middle of the photo, with a
// tenth of it left on every side, which an artist then drags into place.
func defaultCutoutForm(w, h int) *cutoutForm {
	x, y := w/10, h/10
	return &cutoutForm{X: strconv.Itoa(x), Y: strconv.Itoa(y), W: strconv.Itoa(max(1, w-2*x)), H: strconv.Itoa(max(1, h-2*y))}
}

// maskForm starts an edit from what the last cut-out was asked.
func maskForm(m store.PhotoMask) *cutoutForm {
	var req intake.MaskRequest
	if err := json.Unmarshal(m.Request, &req); err != nil {
		return defaultCutoutForm(m.Width, m.Height)
	}
	f := &cutoutForm{X: strconv.Itoa(req.Rect.X), Y: strconv.Itoa(req.Rect.Y), W: strconv.Itoa(req.Rect.W), H: strconv.Itoa(req.Rect.H)}
	if len(req.Strokes) > 0 {
		if b, err := json.Marshal(req.Strokes); err == nil {
			f.Strokes = string(b)
		}
	}
	return f
}

// strokeViews draws the form's strokes; strokes that cannot be read are
// not drawn (the post says why).
func strokeViews(raw string) ([]strokeView, int) {
	var ss []intake.MaskStroke
	if strings.TrimSpace(raw) == "" || json.Unmarshal([]byte(raw), &ss) != nil {
		return nil, 0
	}
	out := make([]strokeView, 0, len(ss))
	for _, s := range ss {
		pts := make([]string, 0, len(s.Points))
		for _, p := range s.Points {
			if len(p) == 2 {
				pts = append(pts, strconv.FormatFloat(p[0], 'f', -1, 64)+","+strconv.FormatFloat(p[1], 'f', -1, 64))
			}
		}
		kind := "background"
		if s.Kind == "figure" {
			kind = "figure"
		}
		out = append(out, strokeView{Kind: kind, Points: strings.Join(pts, " "), Width: s.Width})
	}
	return out, len(ss)
}

// guideOrder is the face's lines, down the face.
var guideOrder = []struct{ name, label string }{
	{"eyes", "Eyes"}, {"nose_base", "Base of the nose"}, {"mouth", "Mouth"}, {"chin", "Chin"}}

// guideViews are the lines at g's rows, or as a refused form sent them.
func guideViews(g store.FaceGuides, sent url.Values) []guideView {
	rows := []float64{g.Eyes, g.NoseBase, g.Mouth, g.Chin}
	out := make([]guideView, len(guideOrder))
	for i, o := range guideOrder {
		out[i] = guideView{Name: o.name, Label: o.label, Row: rows[i], Value: strconv.FormatFloat(math.Round(rows[i]), 'f', -1, 64)}
		if sent != nil {
			out[i].Value = sent.Get(o.name)
			if v, err := strconv.ParseFloat(sent.Get(o.name), 64); err == nil && !math.IsNaN(v) && !math.IsInf(v, 0) {
				out[i].Row = v
			}
		}
	}
	return out
}

// groupDigits writes n with thin spaces between thousands: 1 234 567.
func groupDigits(n int) string {
	s := strconv.Itoa(n)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString("\u202f")
		}
		b.WriteRune(c)
	}
	return b.String()
}

// cutoutSubmit cuts the figure out as the form asks.
func (w *Web) cutoutSubmit(rw http.ResponseWriter, r *http.Request, p studio.Principal) error {
	vals, err := postForm(r)
	if err != nil {
		return err
	}
	form := &cutoutForm{X: strings.TrimSpace(vals.Get("x")), Y: strings.TrimSpace(vals.Get("y")), W: strings.TrimSpace(vals.Get("w")),
		H: strings.TrimSpace(vals.Get("h")), Strokes: strings.TrimSpace(vals.Get("strokes"))}
	req, err := form.request()
	if err == nil {
		_, err = w.intake.SaveMask(r.Context(), p, r.PathValue("id"), req)
	}
	if e, status, ok := formError(rw, err); ok {
		return w.renderCutout(rw, r, p, cutoutAnswer{status: status, message: friendly(e), errs: errorsIn(cutoutNames, e), form: form})
	}
	if err != nil {
		return err
	}
	m, _, err := w.store.LatestPhotoMask(r.Context(), p.Studio.ID, r.PathValue("id"))
	if err != nil {
		return err
	}
	w.sessions.Put(r.Context(), "flash", fmt.Sprintf("Cut out: the figure covers %s pixels (version %d).", groupDigits(m.AreaPx), m.Version))
	http.Redirect(rw, r, "/photos/"+r.PathValue("id")+"/cutout#cutout-result", http.StatusSeeOther)
	return nil
}

// request reads the form as a cut-out request: whole numbers for the
// rectangle, the strokes as the API's JSON.
func (f *cutoutForm) request() (imaging.CutoutRequest, error) {
	fields := studio.Fields{}
	num := func(name, v string) int {
		if v == "" {
			fields.Add(name, "is needed: a whole number of pixels")
			return 0
		}
		n, err := strconv.Atoi(v)
		if err != nil {
			fields.Add(name, "must be a whole number of pixels, such as 120")
		}
		return n
	}
	mr := intake.MaskRequest{Rect: intake.MaskRect{X: num("x", f.X), Y: num("y", f.Y), W: num("w", f.W), H: num("h", f.H)}}
	if f.Strokes != "" {
		dec := json.NewDecoder(strings.NewReader(f.Strokes))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&mr.Strokes); err != nil {
			fields.Add("strokes", "could not be read: clear the strokes and draw them again")
		}
	}
	if err := fields.Err(); err != nil {
		return imaging.CutoutRequest{}, err
	}
	return mr.Cutout()
}

// guidesSubmit saves the face's guide lines as dragged or typed, or
// returns them to the classic proportions.
func (w *Web) guidesSubmit(rw http.ResponseWriter, r *http.Request, p studio.Principal) error {
	vals, err := postForm(r)
	if err != nil {
		return err
	}
	id := r.PathValue("id")
	if vals.Get("reset") != "" {
		if err := w.intake.DeleteGuides(r.Context(), p.Studio.ID, id); err != nil {
			return err
		}
		w.sessions.Put(r.Context(), "flash", "The guide lines are back at the classic proportions.")
		http.Redirect(rw, r, "/photos/"+id+"/cutout#guides", http.StatusSeeOther)
		return nil
	}
	fields := studio.Fields{}
	row := func(name string) float64 {
		v, err := strconv.ParseFloat(strings.TrimSpace(vals.Get(name)), 64)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
			fields.Add(name, "must be a row of the photo: a number of pixels from its top")
		}
		return v
	}
	g := store.FaceGuides{Eyes: row("eyes"), NoseBase: row("nose_base"), Mouth: row("mouth"), Chin: row("chin")}
	err = fields.Err()
	if err == nil {
		_, err = w.intake.PutGuides(r.Context(), p, id, g)
	}
	if e, status, ok := formError(rw, err); ok {
		return w.renderCutout(rw, r, p, cutoutAnswer{status: status, message: friendly(e), errs: e.Fields, guides: vals})
	}
	if err != nil {
		return err
	}
	w.sessions.Put(r.Context(), "flash", "Guide lines saved: the silhouette sheet prints them there.")
	http.Redirect(rw, r, "/photos/"+id+"/cutout#guides", http.StatusSeeOther)
	return nil
}

// maskPNG serves the photo's latest mask to the page.
func (w *Web) maskPNG(rw http.ResponseWriter, r *http.Request, p studio.Principal) error {
	return w.intake.ServeMaskPNG(rw, r, p.Studio.ID, r.PathValue("id"))
}

// cutoutJPEG serves the photo with its background dimmed outside the mask.
func (w *Web) cutoutJPEG(rw http.ResponseWriter, r *http.Request, p studio.Principal) error {
	return w.intake.ServeCutoutJPEG(rw, r, p.Studio.ID, r.PathValue("id"))
}

// silhouetteMissing is the page for a silhouette the piece cannot have
// yet: what to do first, with the way there.
type silhouetteMissing struct {
	PieceID, Message string
	// Cutout is the cut-out page of the front photo, when there is one.
	Cutout string
}

// pieceSilhouettePDF prints the piece's silhouette sheet.
func (w *Web) pieceSilhouettePDF(rw http.ResponseWriter, r *http.Request, p studio.Principal) error {
	ctx, id := r.Context(), r.PathValue("id")
	q := r.URL.Query()
	height := 0.0
	var err error
	if v := strings.TrimSpace(q.Get("height_mm")); v != "" {
		height, err = strconv.ParseFloat(v, 64)
		if err != nil || math.IsNaN(height) || math.IsInf(height, 0) || height <= 0 {
			err = studio.FieldError("height_mm", "must be a number of millimetres, such as 120")
		}
	}
	var buf bytes.Buffer
	if err == nil {
		err = w.intake.Silhouette(ctx, p.Studio.ID, id, height, strings.TrimSpace(q.Get("paper")), &buf)
	}
	if e, ok := errors.AsType[*studio.Error](err); ok && e.Code == studio.Invalid {
		return w.silhouetteRefused(rw, r, p, id, e)
	}
	if err != nil {
		return err
	}
	rw.Header().Set("Content-Type", "application/pdf")
	rw.Header().Set("Content-Disposition", `inline; filename="silhouette.pdf"`)
	rw.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	rw.Header().Set("Cache-Control", "private, no-store")
	rw.Write(buf.Bytes())
	return nil
}

// silhouetteLabels name the silhouette form's fields as the piece's page
// labels them.
var silhouetteLabels = map[string]string{"height_mm": "Height of the figure", "paper": "Paper"}

// silhouetteRefused answers a silhouette the piece cannot have as asked:
// a page that says why, in words, and leads on: to the cut-out of the
// front photo when that is what is missing, else back to the form.
func (w *Web) silhouetteRefused(rw http.ResponseWriter, r *http.Request, p studio.Principal, pieceID string, e *studio.Error) error {
	pc, err := w.store.Piece(r.Context(), p.Studio.ID, pieceID)
	if err != nil {
		return err
	}
	d := silhouetteMissing{PieceID: pieceID, Message: e.Message}
	title := "The silhouette sheet could not be made"
	if len(e.Fields) > 0 {
		var parts []string
		for _, name := range []string{"height_mm", "paper"} {
			if why, ok := e.Fields[name]; ok {
				parts = append(parts, silhouetteLabels[name]+": "+why+".")
			}
		}
		if len(parts) > 0 {
			d.Message = strings.Join(parts, " ")
		}
	}
	if e.Message == intake.NoFrontMask && pc.CommissionID != "" {
		title = "Cut out the figure first"
		c, err := w.store.Commission(r.Context(), p.Studio.ID, pc.CommissionID)
		if err != nil {
			return err
		}
		for _, ph := range c.Photos {
			if ph.Kind == studio.ReferencePhoto && ph.Angle == studio.Front {
				d.Cutout = "/photos/" + ph.ID + "/cutout"
				break
			}
		}
	} else if e.Message == intake.NoFrontMask {
		title = "Cut out the figure first"
	}
	w.render(rw, r, http.StatusUnprocessableEntity, "silhouette-first", pageData{Title: title, Principal: &p, Data: d})
	return nil
}
