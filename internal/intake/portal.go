package intake

import (
	"net/http"
	"slices"
	"time"

	"atelier/internal/httpx"
	"atelier/internal/store"
	"atelier/internal/studio"
)

// Portal requests per address, so that portal secrets cannot be guessed.
var portalLimit = struct {
	max    int
	window time.Duration
}{300, 10 * time.Minute}

// ChecklistItem is one view of the reference set, and whether it arrived.
type ChecklistItem struct {
	Angle string
	Label string
	Done  bool
}

// Checklist is the reference set a studio needs, ticked by what arrived.
func Checklist(missing []string) []ChecklistItem {
	items := []ChecklistItem{{"front", "Front view", true}, {"profile", "A profile (left or right)", true}, {"three_quarter", "Three-quarter view", true}}
	for i := range items {
		items[i].Done = !slices.Contains(missing, items[i].Angle)
	}
	return items
}

// PortalPhotos is what a client may see: their references and the process
// photos the artist chose to share.
func PortalPhotos(d store.CommissionDetail) []studio.Photo {
	var out []studio.Photo
	for _, p := range d.Photos {
		if p.Kind == studio.ReferencePhoto || p.Shared {
			out = append(out, p)
		}
	}
	return out
}

// Portal opens a commission by the portal secret in the request's path,
// counting the request against the sender's limit.
func (d *Desk) Portal(r *http.Request) (studio.Studio, store.CommissionDetail, error) {
	limit := store.Limit{Key: "portal:ip:" + httpx.ClientIP(r), Max: portalLimit.max, Window: portalLimit.window}
	if _, err := d.Store.Admit(r.Context(), "requests", limit); err != nil {
		return studio.Studio{}, store.CommissionDetail{}, err
	}
	return d.Store.CommissionByPortal(r.Context(), r.PathValue("token"))
}

// AddClientPhotos reads photo fields from a multipart body and attaches
// them to the commission as references.
func (d *Desk) AddClientPhotos(r *http.Request, st studio.Studio, c store.CommissionDetail) (store.CommissionDetail, error) {
	in, err := d.read(r, nil, photoFields, st.PixelLimit)
	if err != nil {
		return c, err
	}
	defer in.remove()
	if len(in.photos) == 0 {
		return c, studio.FieldError("photo_front", "send at least one photo, in a field named after its angle (photo_front, photo_left_profile, …)")
	}
	if err := d.decode(r.Context(), in); err != nil {
		return c, err
	}
	err = d.Files.SaveAll(r.Context(), in.spools(), func() error {
		var err error
		c, err = d.Store.AddReferencePhotos(r.Context(), st.ID, c.ID, in.newPhotos(), studio.ByClient)
		return err
	})
	return c, err
}

// PortalPhoto serves one of the photos the portal shows, by the photo and
// size in the request's path; never the original.
func (d *Desk) PortalPhoto(w http.ResponseWriter, r *http.Request) error {
	_, c, err := d.Portal(r)
	if err != nil {
		return err
	}
	return d.ServePhoto(w, r, c.StudioID, PortalPhotos(c), false)
}
