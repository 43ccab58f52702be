// Package web is Atelier's HTML side: server-rendered pages and plain
// forms that work without JavaScript, one small script that enhances them,
// and one stylesheet.
package web

import (
	"context"
	"crypto/rand"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/alexedwards/scs/v2"

	"atelier/internal/auth"
	"atelier/internal/httpx"
	"atelier/internal/intake"
	"atelier/internal/store"
	"atelier/internal/studio"
)

// Config is the web side's part of the configuration.
type Config struct {
	BaseURL string
	Log     *slog.Logger
	// AccountLimit and IPLimit bound failed logins; zero values take the defaults.
	AccountLimit, IPLimit Limit
	// MailEnabled says whether the studio's messages are also e-mailed.
	MailEnabled bool
	// Now is the clock, the same the store's times come from; nil means
	// time.Now.
	Now func() time.Time
	// SecretKey signs device cookies; nil makes a random one, which
	// forgets the devices when the process ends.
	SecretKey []byte
}

// Limit is a number of events within a window.
type Limit struct {
	Max    int
	Window time.Duration
}

// Web serves the pages.
type Web struct {
	cfg      Config
	intake   *intake.Desk
	store    *store.Store
	log      *slog.Logger
	sessions *scs.SessionManager
	views    *views
}

// New parses the templates and sets up the session manager. in takes the
// clients' inquiries and photos, as it does for the API.
func New(cfg Config, st *store.Store, in *intake.Desk) (*Web, error) {
	if cfg.AccountLimit.Max == 0 {
		cfg.AccountLimit = Limit{Max: 5, Window: 15 * time.Minute}
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.IPLimit.Max == 0 {
		cfg.IPLimit = Limit{Max: 20, Window: 15 * time.Minute}
	}
	if cfg.SecretKey == nil {
		cfg.SecretKey = make([]byte, auth.SecretKeyLen)
		rand.Read(cfg.SecretKey)
	}
	v, err := parseViews()
	if err != nil {
		return nil, err
	}
	return &Web{cfg: cfg, intake: in, store: st, log: cfg.Log, sessions: newSessions(st, cfg.BaseURL), views: v}, nil
}

// Routes is the web side's part of the route table. Every route but the
// public ones needs a signed-in user, and Owner routes the owner.
func (w *Web) Routes() []httpx.Route {
	routes := []httpx.Route{
		{Pattern: "GET /{$}", Handler: w.public(w.home), Public: true},
		{Pattern: "GET /setup", Handler: w.public(w.setupForm), Public: true},
		{Pattern: "POST /setup", Handler: w.public(w.setupSubmit), Public: true},
		{Pattern: "GET /login", Handler: w.public(w.loginForm), Public: true},
		{Pattern: "POST /login", Handler: w.public(w.loginSubmit), Public: true},
		{Pattern: "POST /logout", Handler: w.public(w.logout), Public: true},
		{Pattern: "GET /forgot", Handler: w.public(w.forgotForm), Public: true},
		{Pattern: "POST /forgot", Handler: w.public(w.forgotSubmit), Public: true},
		{Pattern: "GET /reset/{token}", Handler: w.public(w.resetForm), Public: true},
		{Pattern: "POST /reset/{token}", Handler: w.public(w.resetSubmit), Public: true},
		{Pattern: "GET /dashboard", Handler: w.page(w.dashboard)},
		{Pattern: "GET /archive", Handler: w.page(w.archiveShow)},
		{Pattern: "GET /archive/{id}/photos/{photo}/{size}", Handler: w.page(w.archivePhoto)},
		{Pattern: "GET /team", Handler: w.page(w.teamShow), Owner: true},
		{Pattern: "POST /team/users", Handler: w.page(w.teamAddUser), Owner: true},
		{Pattern: "POST /team/users/{id}/password", Handler: w.page(w.teamResetPassword), Owner: true},
		{Pattern: "POST /team/users/{id}/role", Handler: w.page(w.teamChangeRole), Owner: true},
		{Pattern: "POST /team/users/{id}/remove", Handler: w.page(w.teamRemoveUser), Owner: true},
		{Pattern: "POST /team/tokens", Handler: w.page(w.teamCreateToken), Owner: true},
		{Pattern: "POST /team/tokens/{id}/revoke", Handler: w.page(w.teamRevokeToken), Owner: true},
		{Pattern: "GET /settings", Handler: w.page(w.settingsForm), Owner: true},
		{Pattern: "POST /settings", Handler: w.page(w.settingsSubmit), Owner: true},
		{Pattern: "POST /settings/labels", Handler: w.page(w.settingsLabels), Owner: true},
		{Pattern: "POST /settings/costing", Handler: w.page(w.settingsCosting), Owner: true},
		{Pattern: "GET /settings/export.zip", Handler: w.page(w.exportZip), Owner: true},
		{Pattern: "GET /settings/hours", Handler: w.page(w.hoursShow), Owner: true},
		{Pattern: "POST /settings/hours", Handler: w.page(w.hoursSubmit), Owner: true},
		{Pattern: "GET /calendar", Handler: w.page(w.calendarShow)},
		{Pattern: "POST /calendar/rotate", Handler: w.page(w.calendarRotate)},
		{Pattern: "GET /commissions", Handler: w.page(w.commissionsList)},
		{Pattern: "GET /commissions/new", Handler: w.page(w.commissionNew)},
		{Pattern: "POST /commissions", Handler: w.page(w.commissionCreate)},
		{Pattern: "GET /commissions/{id}", Handler: w.page(w.commissionShow)},
		{Pattern: "POST /commissions/{id}", Handler: w.page(w.commissionUpdate)},
		{Pattern: "GET /commissions/{id}/edit", Handler: w.page(w.commissionEdit)},
		{Pattern: "POST /commissions/{id}/portal", Handler: w.page(w.commissionPortalRenew)},
		{Pattern: "POST /commissions/{id}/portal/mail", Handler: w.page(w.commissionPortalMail)},
		{Pattern: "POST /commissions/{id}/status", Handler: w.page(w.commissionMove)},
		{Pattern: "POST /commissions/{id}/messages", Handler: w.page(w.commissionMessage)},
		{Pattern: "GET /commissions/{id}/photos/{photo}/{size}", Handler: w.page(w.commissionPhoto)},
		{Pattern: "GET /board", Handler: w.page(w.board)},
		{Pattern: "GET /plan", Handler: w.page(w.planShow)},
		{Pattern: "POST /pieces", Handler: w.page(w.pieceCreate)},
		{Pattern: "GET /pieces/{id}", Handler: w.page(w.pieceShow)},
		{Pattern: "POST /pieces/{id}", Handler: w.page(w.pieceUpdate)},
		{Pattern: "POST /pieces/{id}/advance", Handler: w.page(w.pieceAdvance)},
		{Pattern: "POST /pieces/{id}/return", Handler: w.page(w.pieceReturn)},
		{Pattern: "POST /pieces/{id}/checks/{key}", Handler: w.page(w.pieceCheck)},
		{Pattern: "POST /pieces/{id}/sanding", Handler: w.page(w.pieceSanding)},
		{Pattern: "POST /pieces/{id}/palette", Handler: w.page(w.piecePalette)},
		{Pattern: "POST /pieces/{id}/palette/suggest", Handler: w.page(w.paletteSuggest)},
		{Pattern: "POST /pieces/{id}/palette/suggestions/{s}/adopt", Handler: w.page(w.paletteAdopt)},
		{Pattern: "GET /pieces/{id}/palette/suggestions/{s}/preview.png", Handler: w.page(w.palettePreview)},
		{Pattern: "POST /pieces/{id}/coats", Handler: w.page(w.pieceCoat)},
		{Pattern: "POST /pieces/{id}/qc", Handler: w.page(w.pieceQC)},
		{Pattern: "POST /pieces/{id}/work", Handler: w.page(w.pieceWork)},
		{Pattern: "POST /pieces/{id}/photos", Handler: w.page(w.piecePhotosAdd), MaxBody: intake.MaxInquiryBytes},
		{Pattern: "GET /pieces/{id}/photos/{photo}/{size}", Handler: w.page(w.piecePhoto)},
		{Pattern: "POST /pieces/{id}/timelapse", Handler: w.page(w.pieceTimelapseMake)},
		{Pattern: "GET /pieces/{id}/timelapse", Handler: w.page(w.pieceTimelapseStatus)},
		{Pattern: "GET /pieces/{id}/timelapse.mp4", Handler: w.page(w.pieceTimelapseFile(intake.TimelapseMP4))},
		{Pattern: "GET /pieces/{id}/timelapse.gif", Handler: w.page(w.pieceTimelapseFile(intake.TimelapseGIF))},
		{Pattern: "GET /pieces/{id}/timelapse/poster.jpg", Handler: w.page(w.pieceTimelapseFile(intake.TimelapsePoster))},
		{Pattern: "POST /pieces/{id}/bakes", Handler: w.page(w.pieceBake)},
		{Pattern: "POST /pieces/{id}/bakes/{bake}/readings", Handler: w.page(w.bakeReading)},
		{Pattern: "POST /pieces/{id}/bakes/{bake}/finish", Handler: w.page(w.bakeFinish)},
		{Pattern: "POST /pieces/{id}/ovens", Handler: w.page(w.ovenCreate)},
		{Pattern: "POST /pieces/{id}/certificate", Handler: w.page(w.pieceCertificate)},
		{Pattern: "GET /pieces/{id}/certificate.pdf", Handler: w.page(w.pieceCertificatePDF)},
		{Pattern: "GET /pieces/{id}/label.pdf", Handler: w.page(w.pieceLabelPDF)},
		{Pattern: "GET /pieces/{id}/silhouette.pdf", Handler: w.page(w.pieceSilhouettePDF)},
		{Pattern: "GET /photos/{id}/cutout", Handler: w.page(w.cutoutShow)},
		{Pattern: "POST /photos/{id}/cutout", Handler: w.page(w.cutoutSubmit)},
		{Pattern: "POST /photos/{id}/guides", Handler: w.page(w.guidesSubmit)},
		{Pattern: "GET /photos/{id}/mask.png", Handler: w.page(w.maskPNG)},
		{Pattern: "GET /photos/{id}/cutout.jpg", Handler: w.page(w.cutoutJPEG)},
		{Pattern: "POST /pieces/{id}/making-of", Handler: w.page(w.pieceMakingOf)},
		{Pattern: "GET /bakes", Handler: w.page(w.bakesList)},
		{Pattern: "POST /bakes", Handler: w.page(w.bakesCreate)},
		{Pattern: "GET /bakes/{id}", Handler: w.page(w.bakeShow)},
		{Pattern: "POST /bakes/{id}/start", Handler: w.page(w.bakeStart)},
		{Pattern: "POST /bakes/{id}/readings", Handler: w.page(w.bakePageReading)},
		{Pattern: "POST /bakes/{id}/finish", Handler: w.page(w.bakePageFinish)},
		{Pattern: "GET /ovens", Handler: w.page(w.ovensList)},
		{Pattern: "GET /editions", Handler: w.page(w.editionsShow)},
		{Pattern: "GET /editions/new", Handler: w.page(w.editionNew)},
		{Pattern: "POST /editions", Handler: w.page(w.editionCreate)},
		{Pattern: "GET /editions/{id}", Handler: w.page(w.editionShow)},
		{Pattern: "POST /editions/{id}/pieces", Handler: w.page(w.editionPiece)},
		{Pattern: "POST /editions/{id}/reissue", Handler: w.page(w.editionReissue)},
		{Pattern: "GET /editions/{id}/certificates.pdf", Handler: w.page(w.editionCertificatesPDF)},
		{Pattern: "GET /materials", Handler: w.page(w.materialsShow)},
		{Pattern: "POST /materials", Handler: w.page(w.materialCreate)},
		{Pattern: "POST /materials/starter", Handler: w.page(w.materialsStarter)},
		{Pattern: "POST /materials/{id}/moves", Handler: w.page(w.materialMove)},
		{Pattern: "GET /clays", Handler: w.page(w.claysShow)},
		{Pattern: "POST /clays", Handler: w.page(w.claySave), Owner: true},
		{Pattern: "POST /ovens", Handler: w.page(w.ovensCreate)},
		{Pattern: "GET /ovens/{id}", Handler: w.page(w.ovenShow)},
		{Pattern: "POST /ovens/{id}/readings", Handler: w.page(w.ovenReading)},
		{Pattern: "GET /s/{slug}/commission", Handler: w.public(w.questionnaire), Public: true},
		{Pattern: "POST /s/{slug}/commission", Handler: w.public(w.questionnaireSubmit), MaxBody: intake.MaxInquiryBytes, Public: true},
		{Pattern: "GET /s/{slug}/making-of/{piece}", Handler: w.public(w.makingOfShow), Public: true},
		{Pattern: "GET /s/{slug}/making-of/{piece}/photos/{photo}/{size}", Handler: w.public(w.makingOfPhoto), Public: true},
		{Pattern: "GET /s/{slug}/making-of/{piece}/video.mp4", Handler: w.public(w.makingOfFile(intake.TimelapseMP4)), Public: true},
		{Pattern: "GET /s/{slug}/making-of/{piece}/video.gif", Handler: w.public(w.makingOfFile(intake.TimelapseGIF)), Public: true},
		{Pattern: "GET /s/{slug}/making-of/{piece}/poster.jpg", Handler: w.public(w.makingOfFile(intake.TimelapsePoster)), Public: true},
		{Pattern: "GET /p/{token}", Handler: w.public(w.portal), Public: true},
		{Pattern: "POST /p/{token}/photos", Handler: w.public(w.portalPhotos), MaxBody: intake.MaxInquiryBytes, Public: true},
		{Pattern: "POST /p/{token}/messages", Handler: w.public(w.portalMessage), Public: true},
		{Pattern: "GET /p/{token}/photos/{photo}/{size}", Handler: w.public(w.portalPhoto), Public: true},
		{Pattern: "GET /v/{serial}", Handler: w.public(w.verifyShow), Public: true},
		{Pattern: "GET /v/{serial}/bundle", Handler: w.public(w.verifyBundle), Public: true},
		{Pattern: "GET /static/{file}", Handler: http.HandlerFunc(w.static), Public: true},
	}
	for i, rt := range routes {
		if !rt.Public {
			routes[i].Handler = w.signedIn(rt.Handler, rt.Owner)
		}
		routes[i].Page = true
	}
	return routes
}

// pageFunc handles a request of a signed-in user.
type pageFunc func(rw http.ResponseWriter, r *http.Request, p studio.Principal) error

type principalKey struct{}

// signedIn loads the session and the signed-in user before next runs;
// without one it sends the browser to the login page and back here
// afterwards. On an owner route, anyone but the owner is refused here,
// once for all.
func (w *Web) signedIn(next http.Handler, owner bool) http.Handler {
	return w.withSession(func(rw http.ResponseWriter, r *http.Request) {
		p, ok := w.principal(r)
		if !ok {
			http.Redirect(rw, r, "/login?next="+urlQueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
			return
		}
		if owner {
			if err := p.CanManage(); err != nil {
				w.fail(rw, r, &p, err)
				return
			}
		}
		next.ServeHTTP(rw, r.WithContext(context.WithValue(r.Context(), principalKey{}, p)))
	})
}

// page gives h the signed-in user signedIn found.
func (w *Web) page(h pageFunc) http.Handler {
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		p, ok := r.Context().Value(principalKey{}).(studio.Principal)
		if !ok {
			w.fail(rw, r, nil, fmt.Errorf("web: no signed-in user for %s: a page handler on a public route", r.Pattern))
			return
		}
		if err := h(rw, r, p); err != nil {
			w.fail(rw, r, &p, err)
		}
	})
}

// public handles a page anyone may open; the session is loaded so that a
// signed-in user is recognised.
func (w *Web) public(h func(rw http.ResponseWriter, r *http.Request) error) http.Handler {
	return w.withSession(func(rw http.ResponseWriter, r *http.Request) {
		if err := h(rw, r); err != nil {
			w.fail(rw, r, nil, err)
		}
	})
}

type sessionLoaded struct{}

// withSession loads the session around h and marks the context, so that
// rendering knows whether there is a session to take a flash message from
// (the not-found page, for one, has none).
func (w *Web) withSession(h http.HandlerFunc) http.Handler {
	return w.sessions.LoadAndSave(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		h(rw, r.WithContext(context.WithValue(r.Context(), sessionLoaded{}, true)))
	}))
}

// Session keys: who is signed in, and since when (a password changed
// later ends the session).
const (
	sessionUser     = "user_id"
	sessionSignedIn = "signed_in_at"
)

// principal is the signed-in user of the request's session, if any.
func (w *Web) principal(r *http.Request) (studio.Principal, bool) {
	id := w.sessions.GetString(r.Context(), sessionUser)
	if id == "" {
		return studio.Principal{}, false
	}
	p, err := w.store.Principal(r.Context(), id)
	if err != nil || !p.User.SessionValid(time.Unix(0, w.sessions.GetInt64(r.Context(), sessionSignedIn))) {
		// The user was removed, their password changed since, or the
		// database failed: whichever, sign in again.
		w.sessions.Remove(r.Context(), sessionUser)
		return studio.Principal{}, false
	}
	return p, true
}
