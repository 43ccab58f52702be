package api

import (
	"mime"
	"net/http"
	"time"

	"atelier/internal/studio"
)

// MaxUploadBytes is the largest file the generic upload takes.
const MaxUploadBytes = 25 << 20

type fileJSON struct {
	ID          string    `json:"id"`
	SHA256      string    `json:"sha256"`
	Size        int64     `json:"size"`
	ContentType string    `json:"content_type"`
	Name        string    `json:"name"`
	CreatedAt   time.Time `json:"created_at"`
}

func fileView(f studio.File) fileJSON {
	return fileJSON{ID: f.ID, SHA256: f.SHA256, Size: f.Size, ContentType: f.ContentType, Name: f.Name, CreatedAt: f.CreatedAt.UTC()}
}

// filesCreate takes the request body as one file. It is streamed to disk
// while hashed; only a complete upload is stored, and a failure leaves no
// blob and no row.
func (a *API) filesCreate(w http.ResponseWriter, r *http.Request, p studio.Principal) error {
	sp, err := a.Files.Spool(r.Body, MaxUploadBytes)
	if err != nil {
		return err
	}
	defer sp.Remove()
	if sp.Size == 0 {
		return studio.FieldError("body", "is empty; send the file's bytes as the request body")
	}
	name := r.URL.Query().Get("name")
	if name == "" {
		if _, params, err := mime.ParseMediaType(r.Header.Get("Content-Disposition")); err == nil {
			name = params["filename"]
		}
	}
	var f studio.File
	err = a.Files.Save(r.Context(), sp, func() error {
		var err error
		f, err = a.Store.CreateFile(r.Context(), studio.File{StudioID: p.Studio.ID, SHA256: sp.SHA256, Size: sp.Size, ContentType: sp.ContentType, Name: name})
		return err
	})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, fileView(f))
	return nil
}

func (a *API) filesShow(w http.ResponseWriter, r *http.Request, p studio.Principal) error {
	f, err := a.Store.File(r.Context(), p.Studio.ID, r.PathValue("id"))
	if err != nil {
		return err
	}
	return a.Intake.ServeBlob(w, r, f, "private, max-age=31536000, immutable",
		mime.FormatMediaType("attachment", map[string]string{"filename": f.Name}))
}
