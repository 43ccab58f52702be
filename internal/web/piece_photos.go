package web

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"

	"atelier/internal/intake"
	"atelier/internal/store"
	"atelier/internal/studio"
)

// photoView is a photo as the piece's page shows it: a sized thumbnail
// that links to the large variant, which app.js opens in its viewer.
type photoView struct {
	ID, Alt, Caption string
	// Thumb and Large are the image addresses; Ready says the variants
	// are made (until then the page says the photo is being prepared).
	Thumb, Large string
	Ready        bool
	// W and H are the thumbnail's size, so that the page does not jump
	// when it arrives.
	W, H   int
	Shared bool
}

// piecePhotos is the photo part of the piece's page: the references to
// judge the work by, and the current stage's process photos with the
// camera form.
type piecePhotos struct {
	// Front and Profile are the commission's reference photos, shown
	// side by side at the stages judged against them.
	Front, Profile *photoView
	// PinRefs says the current stage is judged against the references.
	PinRefs bool
	Stage   []photoView
	// Earlier are the process photos of the other stages, stage by stage.
	Earlier []stageGallery
	// NoShare says why the switch to share with the client is off, "" when
	// the client agreed.
	NoShare string
	// Client names the commission's client, for the link to it.
	Client string
}

// stageGallery is one stage's process photos.
type stageGallery struct {
	Stage  studio.Stage
	Photos []photoView
}

// pinnedStages are judged against the reference photos: the form in clay,
// the colours, and quality control ("proportions match the reference
// photos").
var pinnedStages = []studio.Stage{studio.Sculpt, studio.Paint, studio.QC}

// thumbSize is the variant the page shows; the viewer opens largeSize.
const thumbSize, largeSize = 400, 1600

func newPiecePhotos(d store.PieceDetail, c *store.CommissionDetail) piecePhotos {
	pp := piecePhotos{PinRefs: slices.Contains(pinnedStages, d.Stage)}
	var com *studio.Commission
	if c != nil {
		com, pp.Client = &c.Commission, c.Inquiry.ContactName
		pp.Front, pp.Profile = references(d.ID, c.Photos)
	}
	pp.NoShare = intake.NoShareReason(com)
	for _, ph := range d.Photos {
		if ph.Kind != studio.ProcessPhoto {
			continue
		}
		stage := studio.Stage(ph.Stage)
		v := newPhotoView(d.ID, ph, "Process photo, "+stage.Label())
		if stage == d.Stage {
			pp.Stage = append(pp.Stage, v)
		} else {
			pp.Earlier = addToStage(pp.Earlier, stage, v)
		}
	}
	slices.SortStableFunc(pp.Earlier, func(a, b stageGallery) int { return a.Stage.Index() - b.Stage.Index() })
	return pp
}

// addToStage adds a photo to its stage's gallery, opening one when it is
// the stage's first.
func addToStage(gs []stageGallery, stage studio.Stage, v photoView) []stageGallery {
	for i := range gs {
		if gs[i].Stage == stage {
			gs[i].Photos = append(gs[i].Photos, v)
			return gs
		}
	}
	return append(gs, stageGallery{Stage: stage, Photos: []photoView{v}})
}

// references picks the front view and a profile among a commission's
// photos, the first of each angle.
func references(pieceID string, photos []studio.Photo) (front, profile *photoView) {
	for _, ph := range photos {
		if ph.Kind != studio.ReferencePhoto {
			continue
		}
		switch {
		case ph.Angle == studio.Front && front == nil:
			front = ptr(newPhotoView(pieceID, ph, "Reference: front"))
		case (ph.Angle == studio.LeftProfile || ph.Angle == studio.RightProfile) && profile == nil:
			profile = ptr(newPhotoView(pieceID, ph, "Reference: "+angleLabels[ph.Angle]))
		}
	}
	return front, profile
}

func newPhotoView(pieceID string, ph studio.Photo, alt string) photoView {
	base := "/pieces/" + pieceID + "/photos/" + ph.ID + "/"
	v := photoView{ID: ph.ID, Alt: alt, Caption: ph.Caption, Thumb: base + strconv.Itoa(thumbSize), Large: base + strconv.Itoa(largeSize),
		Ready: ph.Variants[thumbSize] != "" && ph.Variants[largeSize] != "", Shared: ph.Shared, W: thumbSize, H: thumbSize}
	// The variant keeps the original's proportions within its long side.
	if ph.Width > 0 && ph.Height > 0 {
		if ph.Width >= ph.Height {
			v.H = max(1, thumbSize*ph.Height/ph.Width)
		} else {
			v.W = max(1, thumbSize*ph.Width/ph.Height)
		}
	}
	return v
}

// piecePhoto serves a photo shown on the piece's page: its own process
// photos and its commission's references, in a derived size or, for the
// studio, the original.
func (w *Web) piecePhoto(rw http.ResponseWriter, r *http.Request, p studio.Principal) error {
	d, err := w.store.Piece(r.Context(), p.Studio.ID, r.PathValue("id"))
	if err != nil {
		return err
	}
	photos := d.Photos
	if d.CommissionID != "" {
		c, err := w.store.Commission(r.Context(), p.Studio.ID, d.CommissionID)
		if err != nil {
			return err
		}
		for _, ph := range c.Photos {
			if ph.Kind == studio.ReferencePhoto {
				photos = append(photos, ph)
			}
		}
	}
	return w.intake.ServePhoto(rw, r, p.Studio.ID, photos, true)
}

// piecePhotosAdd takes process photos from the camera form of the piece's
// page, through the same intake as the API's upload, so that a photo and
// the client's consent are checked one way.
func (w *Web) piecePhotosAdd(rw http.ResponseWriter, r *http.Request, p studio.Principal) error {
	d, err := w.intake.AddProcessPhotos(r, p)
	if e, status, ok := formError(rw, err); ok {
		return w.renderPiece(rw, r, p, r.PathValue("id"), pieceAnswer{status: status, message: friendly(e), errs: e.Fields, form: "photos"})
	}
	if err != nil {
		return err
	}
	n := 0
	for _, ph := range d.Photos {
		if ph.Kind == studio.ProcessPhoto {
			n++
		}
	}
	w.sessions.Put(r.Context(), "flash", fmt.Sprintf("Photo saved: %d process photo%s of the piece so far.", n, plural(n)))
	http.Redirect(rw, r, "/pieces/"+d.ID+"#photos", http.StatusSeeOther)
	return nil
}
