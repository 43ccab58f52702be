package web

import (
	"context"
	"net/http"
	"slices"
	"time"

	"atelier/internal/intake"
	"atelier/internal/pdf"
	"atelier/internal/store"
	"atelier/internal/studio"
)

// makingOfData is the public making-of page of a piece.
type makingOfData struct {
	Studio    studio.Studio
	Subject   string
	Stages    []makingOfStage
	Materials []store.UsedMaterial
	// Base is the page's own path, the photos' addresses start from it.
	Base string
	// URL, Image and Description are for the Open Graph tags: absolute
	// addresses, as link previews need them.
	URL, Image, Description string
	// VerifyURL is the certificate's verification page, "" without one.
	VerifyURL string
	Video     *makingOfVideo
}

// makingOfVideo is the time-lapse, once it is ready.
type makingOfVideo struct {
	MP4, GIF, Poster string
	// PosterURL and MP4URL are absolute, for the Open Graph tags.
	PosterURL, MP4URL string
}

// makingOfStage is one stage the piece went through: when it began there,
// in the studio's zone, and its shared photos.
type makingOfStage struct {
	Label  string
	Date   string
	ISO    string
	Photos []studio.Photo
}

func (w *Web) makingOfShow(rw http.ResponseWriter, r *http.Request) error {
	pg, err := w.store.PublicMakingOf(r.Context(), r.PathValue("slug"), r.PathValue("piece"))
	if err != nil {
		return err
	}
	d := w.makingOfData(pg)
	d.Video = w.makingOfVideo(r.Context(), pg, d.Base)
	if d.Video != nil {
		d.Image = d.Video.PosterURL
	}
	w.render(rw, r, http.StatusOK, "making-of", pageData{Title: "The making of " + pg.Piece.Subject + " · " + pg.Studio.Name, Gallery: true,
		Data: d, Clock: pg.Studio.Clock()})
	return nil
}

func (w *Web) makingOfData(pg store.MakingOfPage) makingOfData {
	base := intake.MakingOfPath(pg.Studio.Slug, pg.Piece.ID)
	d := makingOfData{Studio: pg.Studio, Subject: pg.Piece.Subject, Materials: pg.Materials, Base: base,
		URL: intake.MakingOfURL(w.cfg.BaseURL, pg.Studio.Slug, pg.Piece.ID), Stages: makingOfStages(pg, pg.Studio.Clock().Loc),
		Description: "How " + pg.Studio.Artist + " made " + pg.Piece.Subject + ", a polymer-clay miniature, stage by stage."}
	if pg.Serial != "" {
		d.VerifyURL = pdf.VerifyURL(w.cfg.BaseURL, pg.Serial)
	}
	for _, s := range d.Stages {
		for _, ph := range s.Photos {
			if d.Image == "" && ph.Variants[1600] != "" {
				d.Image = w.cfg.BaseURL + base + "/photos/" + ph.ID + "/1600"
			}
		}
	}
	return d
}

// makingOfStages are the stages the piece entered, in the pipeline's
// order, each dated by its first entry (a return to an earlier stage does
// not move it), and those with shared photos though never entered by an
// event (a piece made before the history was kept).
func makingOfStages(pg store.MakingOfPage, loc *time.Location) []makingOfStage {
	first := map[studio.Stage]time.Time{}
	for _, e := range pg.History {
		if at, ok := first[e.To]; e.To != "" && (!ok || e.At.Before(at)) {
			first[e.To] = e.At
		}
	}
	photos := map[studio.Stage][]studio.Photo{}
	for _, ph := range pg.Photos {
		photos[studio.Stage(ph.Stage)] = append(photos[studio.Stage(ph.Stage)], ph)
	}
	var out []makingOfStage
	for _, s := range studio.Stages {
		at, entered := first[s]
		if !entered && len(photos[s]) == 0 {
			continue
		}
		st := makingOfStage{Label: s.Label(), Photos: photos[s]}
		if entered {
			st.Date, st.ISO = at.In(loc).Format("2 January 2006"), at.In(loc).Format("2006-01-02")
		}
		out = append(out, st)
	}
	return out
}

// makingOfPhoto serves a shared process photo of a public making-of page,
// in a derived size only: an unshared photo, or one of a page not public,
// is not found.
func (w *Web) makingOfPhoto(rw http.ResponseWriter, r *http.Request) error {
	pg, err := w.store.PublicMakingOf(r.Context(), r.PathValue("slug"), r.PathValue("piece"))
	if err != nil {
		return err
	}
	return w.intake.ServePhoto(rw, r, pg.Studio.ID, pg.Photos, false)
}

// makingOfCard is the piece page's card of the making-of page.
type makingOfCard struct {
	Public    bool
	Published string
	URL       string
	// Path is the page's path on this server, for the link to open it.
	Path string
	// Refusal says why it may not be published, "" when it may.
	Refusal string
}

func (w *Web) makingOfCardOf(ctx context.Context, p studio.Principal, pieceID string) (makingOfCard, error) {
	m, err := w.store.MakingOf(ctx, p.Studio.ID, pieceID)
	if err != nil {
		return makingOfCard{}, err
	}
	c := makingOfCard{Public: m.Public(), Refusal: m.Consent.Refusal(), URL: intake.MakingOfURL(w.cfg.BaseURL, p.Studio.Slug, pieceID),
		Path: intake.MakingOfPath(p.Studio.Slug, pieceID)}
	if c.Public {
		c.Published = p.Studio.Clock().Date(*m.PublishedAt, w.cfg.Now())
	}
	return c, nil
}

// pieceMakingOf publishes the making-of page or withdraws it, from the
// piece page's one button, and goes back to the card: with a flash, or
// with the refusal in words when the client did not consent.
func (w *Web) pieceMakingOf(rw http.ResponseWriter, r *http.Request, p studio.Principal) error {
	f, err := postForm(r)
	if err != nil {
		return err
	}
	back := "/pieces/" + r.PathValue("id") + "#making-of"
	publish := f.Get("published") == "true"
	if v := f.Get("published"); !slices.Contains([]string{"true", "false"}, v) {
		w.backWith(rw, r, "The button sent neither publish nor withdraw; try it again.", back)
		return nil
	}
	_, err = w.store.PublishMakingOf(r.Context(), p.Studio.ID, r.PathValue("id"), publish)
	if e, _, ok := formError(nil, err); ok {
		w.backWith(rw, r, e.Message, back)
		return nil
	}
	if err != nil {
		return err
	}
	flash := "The making-of page is withdrawn: its address now finds nothing."
	if publish {
		flash = "The making-of page is public: copy its address below to share it."
	}
	w.sessions.Put(r.Context(), "flash", flash)
	http.Redirect(rw, r, back, http.StatusSeeOther)
	return nil
}
