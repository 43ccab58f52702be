package intake

import (
	"context"
	"errors"
	"io"
	"mime/multipart"
	"net/http"
	"slices"
	"strconv"
	"time"

	"atelier/internal/files"
	"atelier/internal/httpx"
	"atelier/internal/imaging"
	"atelier/internal/store"
	"atelier/internal/studio"
)

// photoFields maps the multipart file fields to the angle they show.
var photoFields = map[string]studio.Angle{
	"photo_front": studio.Front, "photo_left_profile": studio.LeftProfile, "photo_right_profile": studio.RightProfile,
	"photo_three_quarter": studio.ThreeQuarter, "photo_back": studio.Back, "photo_other": studio.OtherAngle,
}

// upload is a multipart upload read to the end: the text fields, and the
// photos spooled to disk with their headers checked; decode checks them in
// full once the text fields have passed.
type upload struct {
	fields map[string]string
	photos []uploadPhoto
	// pixels is the photos' total, bounded by MaxRequestPixels.
	pixels int64
	limit  int64
}

type uploadPhoto struct {
	angle studio.Angle
	field string
	sp    *files.Spooled
	name  string
	w, h  int
}

// remove deletes the spooled photos; call it when the request ends.
func (in *upload) remove() {
	for _, p := range in.photos {
		p.sp.Remove()
	}
}

// chosen names the photos read, by angle, as the sender's device named them.
func (in *upload) chosen() map[studio.Angle][]string {
	out := map[studio.Angle][]string{}
	for _, p := range in.photos {
		out[p.angle] = append(out[p.angle], p.name)
	}
	return out
}

// spools lists the spooled uploads, for files.SaveAll.
func (in *upload) spools() []*files.Spooled {
	out := make([]*files.Spooled, len(in.photos))
	for i, p := range in.photos {
		out[i] = p.sp
	}
	return out
}

// newPhotos turns the checked uploads into what the store records.
func (in *upload) newPhotos() []store.NewPhoto {
	out := make([]store.NewPhoto, len(in.photos))
	for i, p := range in.photos {
		out[i] = store.NewPhoto{Angle: p.angle, SHA256: p.sp.SHA256, Size: p.sp.Size, ContentType: p.sp.ContentType,
			Name: p.name, Width: p.w, Height: p.h}
	}
	return out
}

// read streams a multipart body: text fields into memory, each photo to
// disk while hashed, its header checked as an image within the pixel limit
// and the request's total; nothing is decoded yet (see decode). allowed
// says which text fields the endpoint takes. On error nothing stays on
// disk.
func (d *Desk) read(r *http.Request, allowed []string, photos map[string]studio.Angle, pixelLimit int64) (in *upload, err error) {
	in = &upload{fields: map[string]string{}, limit: pixelLimit}
	defer func() {
		if err != nil {
			in.remove()
		}
	}()
	mr, err := r.MultipartReader()
	if err != nil {
		return in, httpx.WithStatus(studio.Errorf(studio.Invalid, "Send the form as multipart/form-data."), http.StatusBadRequest)
	}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return in, nil
		}
		if err != nil {
			return in, bodyError(err)
		}
		if err := d.readPart(in, part, allowed, photos, pixelLimit); err != nil {
			return in, err
		}
	}
}

func (d *Desk) readPart(in *upload, part *multipart.Part, allowed []string, photos map[string]studio.Angle, pixelLimit int64) error {
	defer part.Close()
	name := part.FormName()
	angle, isPhoto := photos[name]
	if !isPhoto {
		if !slices.Contains(allowed, name) {
			return studio.FieldError(name, "is not a field this endpoint accepts")
		}
		v, err := io.ReadAll(io.LimitReader(part, maxFieldBytes+1))
		if err != nil {
			return bodyError(err)
		}
		if len(v) > maxFieldBytes {
			return studio.FieldError(name, "is too long")
		}
		if name == "keep_held" && in.fields[name] != "" {
			// One box a kept photo: the ticked ones' indexes.
			in.fields[name] += "," + string(v)
			return nil
		}
		in.fields[name] = string(v)
		return nil
	}
	if part.FileName() == "" {
		// A browser sends an empty part for a file input left empty.
		if n, _ := io.Copy(io.Discard, io.LimitReader(part, 1)); n == 0 {
			return nil
		}
		return studio.FieldError(name, "must be a file upload")
	}
	if len(in.photos) == MaxPhotos {
		return &studio.Error{Code: studio.Invalid, Message: "Send at most " + strconv.Itoa(MaxPhotos) + " photos at once.",
			Fields: map[string]string{name: "one photo too many: at most " + strconv.Itoa(MaxPhotos) + " in all"}}
	}
	sp, err := d.Files.Spool(part, MaxPhotoBytes)
	if err != nil {
		return fieldOf(err, name)
	}
	w, h, err := inspectPhoto(sp, in.limit)
	if err == nil && in.pixels+int64(w)*int64(h) > MaxRequestPixels {
		err = studio.Errorf(studio.TooLarge, "these photos hold more than %d megapixels together; send fewer or smaller ones", MaxRequestPixels/1_000_000)
	}
	if err != nil {
		sp.Remove()
		return fieldOf(err, name)
	}
	in.pixels += int64(w) * int64(h)
	in.photos = append(in.photos, uploadPhoto{angle: angle, field: name, sp: sp, name: part.FileName(), w: w, h: h})
	return nil
}

// decode checks every photo in full, one decode at a time within the
// process's decoding budget, which the thumbnail jobs share; a request
// that cannot get its turn soon is told to come back.
func (d *Desk) decode(ctx context.Context, in *upload) error {
	for _, p := range in.photos {
		release, err := imaging.Decodes.Reserve(ctx, int64(p.w)*int64(p.h), DecodeWait)
		if errors.Is(err, imaging.ErrBusy) {
			return &studio.Error{Code: studio.Unavailable, Message: "The server is busy with other photos. Please send them again in a moment.",
				Data: map[string]any{studio.RetryAfter: int(DecodeWait / time.Second)}}
		}
		if err != nil {
			return err
		}
		err = verifyPhoto(p.sp, in.limit)
		release()
		if err != nil {
			return fieldOf(err, p.field)
		}
	}
	return nil
}

// fieldOf names the field an upload error is about, keeping its code.
func fieldOf(err error, field string) error {
	e, ok := errors.AsType[*studio.Error](err)
	if !ok {
		return err
	}
	out := *e
	out.Message = field + ": " + e.Message
	out.Fields = map[string]string{field: e.Message}
	return &out
}

// bodyError explains a body that could not be read.
func bodyError(err error) error {
	if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
		return studio.Errorf(studio.TooLarge, "The upload is larger than this endpoint accepts (at most %d photos of 10 MiB).", MaxPhotos)
	}
	return httpx.WithStatus(studio.Errorf(studio.Invalid, "The upload could not be read as multipart/form-data."), http.StatusBadRequest)
}
