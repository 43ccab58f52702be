package intake

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"atelier/internal/store"
	"atelier/internal/studio"
)

// A browser never fills a file input back in, so a questionnaire refused
// for its text would lose the photos the client chose. Instead they are
// checked, stored, and named in a sealed note the page carries back
// (HeldNote); the resent form attaches them without a second upload.
// Until then the blobs belong to no row, and the sweep removes such blobs
// after its grace of an hour: a note lasts less than that.

// HeldFor is how long a refused questionnaire keeps its photos.
const HeldFor = 45 * time.Minute

// HeldPhoto is a photo a refused questionnaire kept.
type HeldPhoto struct {
	Angle       studio.Angle `json:"a"`
	Name        string       `json:"n"`
	SHA256      string       `json:"s"`
	Size        int64        `json:"z"`
	ContentType string       `json:"t"`
	Width       int          `json:"w"`
	Height      int          `json:"h"`
}

type heldNote struct {
	Until  time.Time   `json:"u"`
	Photos []HeldPhoto `json:"p"`
}

func heldPurpose(studioID string) string { return "held-photos:" + studioID }

var errHeldLost = studio.Errorf(studio.Invalid,
	"The photos you chose before could not be kept (they are kept for %d minutes); please choose them again.", int(HeldFor/time.Minute))

// heldPhotos opens the note a resent questionnaire carries and returns
// the photos whose "keep" box is still ticked (keep_held, their indexes).
func (d *Desk) heldPhotos(studioID string, fields map[string]string) ([]HeldPhoto, error) {
	if fields["held"] == "" {
		return nil, nil
	}
	raw, err := d.Store.OpenText(heldPurpose(studioID), fields["held"])
	var n heldNote
	if err != nil || json.Unmarshal(raw, &n) != nil || d.now().After(n.Until) {
		return nil, errHeldLost
	}
	keep := strings.Split(fields["keep_held"], ",")
	var out []HeldPhoto
	for i, p := range n.Photos {
		if slices.Contains(keep, strconv.Itoa(i)) {
			out = append(out, p)
		}
	}
	return out, nil
}

// keepPhotos answers a questionnaire refused for its text: the new photos
// are checked in full and stored, and taken carries a note naming them
// with those already held, so the page can show them as kept. A photo
// that fails its check is not kept: its error joins the refusal.
func (d *Desk) keepPhotos(ctx context.Context, studioID string, in *upload, held []HeldPhoto, taken *Taken, refusal error) error {
	fresh, err := d.storeForLater(ctx, in)
	if err != nil {
		d.Log.WarnContext(ctx, "photos of a refused questionnaire not kept", "err", err)
		refusal = joinRefusals(refusal, err)
	} else if len(fresh) > 0 {
		taken.Chosen = nil
	}
	all := append(slices.Clone(held), fresh...)
	if len(all) == 0 {
		return refusal
	}
	raw, err := json.Marshal(heldNote{Until: d.now().Add(HeldFor), Photos: all})
	if err == nil {
		taken.HeldNote, err = d.Store.SealText(heldPurpose(studioID), raw)
	}
	if err != nil {
		return errors.Join(refusal, err)
	}
	taken.Held = all
	return refusal
}

// storeForLater checks the upload's photos in full and stores them with no
// row referring to them yet.
func (d *Desk) storeForLater(ctx context.Context, in *upload) ([]HeldPhoto, error) {
	if len(in.photos) == 0 {
		return nil, nil
	}
	if err := d.decode(ctx, in); err != nil {
		return nil, err
	}
	if err := d.Files.SaveAll(ctx, in.spools(), func() error { return nil }); err != nil {
		return nil, err
	}
	out := make([]HeldPhoto, len(in.photos))
	for i, p := range in.photos {
		out[i] = HeldPhoto{Angle: p.angle, Name: p.name, SHA256: p.sp.SHA256, Size: p.sp.Size, ContentType: p.sp.ContentType,
			Width: p.w, Height: p.h}
	}
	return out, nil
}

// joinRefusals adds the fields of a photo's refusal (a file that is no
// image) to the form's, so the page shows both. Any other failure to keep
// the photos leaves the refusal as it was: they are named to choose again.
func joinRefusals(refusal, photo error) error {
	r, ok1 := errors.AsType[*studio.Error](refusal)
	p, ok2 := errors.AsType[*studio.Error](photo)
	if !ok1 || !ok2 || len(p.Fields) == 0 {
		return refusal
	}
	out := *r
	out.Fields = map[string]string{}
	for _, m := range []map[string]string{r.Fields, p.Fields} {
		for k, v := range m {
			out.Fields[k] = v
		}
	}
	return &out
}

// attachHeld turns held photos into what the store records, once their
// blobs are known to be there still.
func (d *Desk) attachHeld(ctx context.Context, held []HeldPhoto) ([]store.NewPhoto, error) {
	out := make([]store.NewPhoto, 0, len(held))
	for _, p := range held {
		ok, err := d.Files.Exists(ctx, p.SHA256)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, errHeldLost
		}
		out = append(out, store.NewPhoto{Angle: p.Angle, SHA256: p.SHA256, Size: p.Size, ContentType: p.ContentType,
			Name: p.Name, Width: p.Width, Height: p.Height})
	}
	return out, nil
}
