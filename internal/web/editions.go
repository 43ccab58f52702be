package web

import (
	"net/http"

	"atelier/internal/store"
	"atelier/internal/studio"
)

// editionsData is the editions page: each edition with how far it is
// issued, and the registry of masters and moulds.
type editionsData struct {
	Editions []store.EditionDetail
	Masters  []store.RegistryEntry
	Moulds   []store.RegistryEntry
}

// editionsShow lists the studio's editions and where their masters and
// moulds are kept.
func (w *Web) editionsShow(rw http.ResponseWriter, r *http.Request, p studio.Principal) error {
	editions, err := w.store.Editions(r.Context(), p.Studio.ID)
	if err != nil {
		return err
	}
	registry, err := w.store.Registry(r.Context(), p.Studio.ID)
	if err != nil {
		return err
	}
	d := editionsData{Editions: editions}
	for _, e := range registry {
		if e.Kind == "master" {
			d.Masters = append(d.Masters, e)
		} else {
			d.Moulds = append(d.Moulds, e)
		}
	}
	w.render(rw, r, http.StatusOK, "editions", pageData{Title: "Editions", Principal: &p, Nav: "editions", Data: d})
	return nil
}
