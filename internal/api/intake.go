package api

import (
	"errors"
	"io"
	"math"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"

	"atelier/internal/files"
	"atelier/internal/store"
	"atelier/internal/studio"
)

// Limits of one inquiry or portal upload.
const (
	MaxPhotos     = 20
	MaxPhotoBytes = 10 << 20
	// MaxInquiryBytes bounds the whole multipart body: every photo at its
	// largest, plus room for the text fields.
	MaxInquiryBytes = MaxPhotos*MaxPhotoBytes + 1<<20
	maxFieldBytes   = 64 << 10
)

// photoFields maps the multipart file fields to the angle they show.
var photoFields = map[string]studio.Angle{
	"photo_front": studio.Front, "photo_left_profile": studio.LeftProfile, "photo_right_profile": studio.RightProfile,
	"photo_three_quarter": studio.ThreeQuarter, "photo_back": studio.Back, "photo_other": studio.OtherAngle,
}

// textFields are the questionnaire's text fields.
var textFields = []string{"subject_name", "relationship", "occasion", "pose", "clothing", "props", "story", "target_height_mm",
	"base_wishes", "box_wishes", "deadline", "budget_cents", "contact_name", "contact_email", "consent_show_process"}

// intake is a multipart upload read to the end: the text fields, and the
// photos spooled to disk and checked.
type intake struct {
	fields map[string]string
	photos []intakePhoto
}

type intakePhoto struct {
	angle studio.Angle
	field string
	sp    *files.Spooled
	name  string
	w, h  int
}

// remove deletes the spooled photos; call it when the request ends.
func (in *intake) remove() {
	for _, p := range in.photos {
		p.sp.Remove()
	}
}

// spools lists the spooled uploads, for files.SaveAll.
func (in *intake) spools() []*files.Spooled {
	out := make([]*files.Spooled, len(in.photos))
	for i, p := range in.photos {
		out[i] = p.sp
	}
	return out
}

// readIntake streams a multipart body: text fields into memory, each photo
// to disk while hashed, checked as an image within the pixel limit before
// it is decoded, then decoded in full. allowed says which text fields the
// endpoint takes. On error nothing stays on disk.
func (a *API) readIntake(r *http.Request, allowed []string, photos map[string]studio.Angle, pixelLimit int64) (in *intake, err error) {
	in = &intake{fields: map[string]string{}}
	defer func() {
		if err != nil {
			in.remove()
		}
	}()
	mr, err := r.MultipartReader()
	if err != nil {
		return in, WithStatus(studio.Errorf(studio.Invalid, "Send the form as multipart/form-data."), http.StatusBadRequest)
	}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return in, nil
		}
		if err != nil {
			return in, bodyError(err)
		}
		if err := a.readPart(in, part, allowed, photos, pixelLimit); err != nil {
			return in, err
		}
	}
}

func (a *API) readPart(in *intake, part *multipart.Part, allowed []string, photos map[string]studio.Angle, pixelLimit int64) error {
	defer part.Close()
	name := part.FormName()
	angle, isPhoto := photos[name]
	if !isPhoto {
		if !containsString(allowed, name) {
			return studio.FieldError(name, "is not a field this endpoint accepts")
		}
		v, err := io.ReadAll(io.LimitReader(part, maxFieldBytes+1))
		if err != nil {
			return bodyError(err)
		}
		if len(v) > maxFieldBytes {
			return studio.FieldError(name, "is too long")
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
		return &studio.Error{Code: studio.Invalid, Message: "Send at most " + itoa(MaxPhotos) + " photos at once.",
			Fields: map[string]string{name: "one photo too many: at most " + itoa(MaxPhotos) + " in all"}}
	}
	sp, err := a.Files.Spool(part, MaxPhotoBytes)
	if err != nil {
		return fieldOf(err, name)
	}
	w, h, err := checkPhoto(sp, pixelLimit)
	if err != nil {
		sp.Remove()
		return fieldOf(err, name)
	}
	in.photos = append(in.photos, intakePhoto{angle: angle, field: name, sp: sp, name: part.FileName(), w: w, h: h})
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
	return WithStatus(studio.Errorf(studio.Invalid, "The upload could not be read as multipart/form-data."), http.StatusBadRequest)
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// newPhotos turns the checked uploads into what the store records.
func (in *intake) newPhotos() []store.NewPhoto {
	out := make([]store.NewPhoto, len(in.photos))
	for i, p := range in.photos {
		out[i] = store.NewPhoto{Angle: p.angle, SHA256: p.sp.SHA256, Size: p.sp.Size, ContentType: p.sp.ContentType,
			Name: p.name, Width: p.w, Height: p.h}
	}
	return out
}

// formFields are what the web questionnaire sends instead of the API's
// machine units: a height in mm or inches, a budget in major units.
var formFields = append([]string{"target_height", "height_unit", "budget"}, textFields...)

// inquiryFields parses the questionnaire's text fields; wrong numbers,
// dates and booleans are reported by field.
func inquiryFields(v map[string]string, currency string) (studio.InquiryFields, error) {
	in := studio.InquiryFields{SubjectName: v["subject_name"], Relationship: v["relationship"], Occasion: v["occasion"],
		Pose: v["pose"], Clothing: v["clothing"], Props: v["props"], Story: v["story"], BaseWishes: v["base_wishes"],
		BoxWishes: v["box_wishes"], Deadline: strings.TrimSpace(v["deadline"]), ContactName: v["contact_name"], ContactEmail: v["contact_email"]}
	f := studio.Fields{}
	if s := strings.TrimSpace(v["target_height_mm"]); s != "" {
		h, err := strconv.ParseFloat(s, 64)
		if err != nil {
			f.Add("target_height_mm", "must be a number of millimetres")
		} else {
			in.TargetHeightMM = &h
		}
	}
	if s := strings.TrimSpace(v["budget_cents"]); s != "" {
		b, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			f.Add("budget_cents", "must be a whole number of cents")
		} else {
			in.BudgetCents = &b
		}
	}
	if s := strings.TrimSpace(v["target_height"]); s != "" && in.TargetHeightMM == nil {
		h, err := strconv.ParseFloat(s, 64)
		if err != nil {
			f.Add("target_height", "must be a number")
		} else {
			if v["height_unit"] == "in" {
				// Hundredths of a millimetre are finer than any sculpting tool.
				h = math.Round(h*studio.MMPerInch*100) / 100
			}
			in.TargetHeightMM = &h
		}
	}
	if s := strings.TrimSpace(v["budget"]); s != "" && in.BudgetCents == nil {
		if b, ok := studio.ParseMoney(s, currency); ok {
			in.BudgetCents = &b
		} else {
			f.Add("budget", "must be an amount such as 250 or 250.00")
		}
	}
	switch strings.TrimSpace(v["consent_show_process"]) {
	case "", "false":
	case "true", "on", "yes":
		in.ConsentShowProcess = true
	default:
		f.Add("consent_show_process", `must be "true" or "false"`)
	}
	return in, f.Err()
}
