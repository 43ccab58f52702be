// Package api is the JSON API under /api/v1 and its OpenAPI description.
package api

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strings"

	"atelier/internal/files"
	"atelier/internal/httpx"
	"atelier/internal/intake"
	"atelier/internal/store"
	"atelier/internal/studio"
)

// API serves the JSON endpoints.
type API struct {
	Store *store.Store
	Files *files.Store
	// Intake takes inquiries and photos and serves photos, for the web
	// pages as for the API.
	Intake *intake.Desk
	Log    *slog.Logger
	// BaseURL is the public address, for the links the API hands out.
	BaseURL string
	// MailEnabled says whether the studio's messages are also e-mailed.
	MailEnabled bool
	// SecretKey is the install secret, which seals calendar tokens.
	SecretKey []byte
}

// Routes is the API's part of the route table. Every route but the public
// ones needs a token, and Owner routes the owner's.
func (a *API) Routes() []httpx.Route {
	routes := []httpx.Route{
		{Pattern: "GET /api/v1/me", Handler: a.authed(a.meShow)},
		{Pattern: "POST /api/v1/me/calendar/rotate", Handler: a.authed(a.meCalendarRotate)},
		{Pattern: "GET /api/v1/studio", Handler: a.authed(a.studioShow)},
		{Pattern: "PATCH /api/v1/studio", Handler: a.authed(a.studioUpdate), Owner: true},
		{Pattern: "GET /api/v1/users", Handler: a.authed(a.usersList), Owner: true},
		{Pattern: "POST /api/v1/users", Handler: a.authed(a.usersCreate), Owner: true},
		{Pattern: "PATCH /api/v1/users/{id}", Handler: a.authed(a.usersUpdate), Owner: true},
		{Pattern: "DELETE /api/v1/users/{id}", Handler: a.authed(a.usersRemove), Owner: true},
		{Pattern: "GET /api/v1/tokens", Handler: a.authed(a.tokensList), Owner: true},
		{Pattern: "POST /api/v1/tokens", Handler: a.authed(a.tokensCreate), Owner: true},
		{Pattern: "DELETE /api/v1/tokens/{id}", Handler: a.authed(a.tokensRevoke), Owner: true},
		{Pattern: "POST /api/v1/files", Handler: a.authed(a.filesCreate), MaxBody: MaxUploadBytes + 1},
		{Pattern: "GET /api/v1/files/{id}", Handler: a.authed(a.filesShow)},
		{Pattern: "GET /api/v1/commissions", Handler: a.authed(a.commissionsList)},
		{Pattern: "POST /api/v1/commissions", Handler: a.authed(a.commissionsCreate)},
		{Pattern: "GET /api/v1/commissions/{id}", Handler: a.authed(a.commissionsShow)},
		{Pattern: "PATCH /api/v1/commissions/{id}", Handler: a.authed(a.commissionsUpdate)},
		{Pattern: "POST /api/v1/commissions/{id}/portal", Handler: a.authed(a.commissionsPortalRenew)},
		{Pattern: "POST /api/v1/commissions/{id}/status", Handler: a.authed(a.commissionsStatus)},
		{Pattern: "POST /api/v1/commissions/{id}/messages", Handler: a.authed(a.commissionsMessage)},
		{Pattern: "GET /api/v1/commissions/{id}/photos/{photo}/{size}", Handler: a.authed(a.commissionPhotoShow)},
		{Pattern: "POST /api/v1/public/studios/{slug}/inquiries", Handler: a.public(a.inquiriesCreate), Public: true, MaxBody: intake.MaxInquiryBytes},
		{Pattern: "OPTIONS /api/v1/public/studios/{slug}/inquiries", Handler: a.public(a.inquiriesPreflight), Public: true},
		{Pattern: "GET /api/v1/portal/{token}", Handler: a.public(a.portalShow), Public: true},
		{Pattern: "POST /api/v1/portal/{token}/photos", Handler: a.public(a.portalPhotosAdd), Public: true, MaxBody: intake.MaxInquiryBytes},
		{Pattern: "POST /api/v1/portal/{token}/messages", Handler: a.public(a.portalMessagesAdd), Public: true},
		{Pattern: "GET /api/v1/portal/{token}/photos/{photo}/{size}", Handler: a.public(a.portalPhotoShow), Public: true},
		{Pattern: "POST /api/v1/pieces", Handler: a.authed(a.piecesCreate)},
		{Pattern: "GET /api/v1/pieces/{id}", Handler: a.authed(a.piecesShow)},
		{Pattern: "PATCH /api/v1/pieces/{id}", Handler: a.authed(a.piecesUpdate)},
		{Pattern: "POST /api/v1/pieces/{id}/advance", Handler: a.authed(a.piecesAdvance)},
		{Pattern: "POST /api/v1/pieces/{id}/return", Handler: a.authed(a.piecesReturn)},
		{Pattern: "GET /api/v1/pieces/{id}/checklist", Handler: a.authed(a.piecesChecklist)},
		{Pattern: "PUT /api/v1/pieces/{id}/checklist/{key}", Handler: a.authed(a.piecesCheck)},
		{Pattern: "POST /api/v1/pieces/{id}/sanding", Handler: a.authed(a.piecesSanding)},
		{Pattern: "PUT /api/v1/pieces/{id}/palette", Handler: a.authed(a.piecesPalette)},
		{Pattern: "POST /api/v1/pieces/{id}/palette/suggest", Handler: a.authed(a.paletteSuggest)},
		{Pattern: "POST /api/v1/pieces/{id}/palette/suggestions/{s}/adopt", Handler: a.authed(a.paletteAdopt)},
		{Pattern: "GET /api/v1/pieces/{id}/palette/suggestions/{s}/preview.png", Handler: a.authed(a.palettePreview)},
		{Pattern: "POST /api/v1/pieces/{id}/coats", Handler: a.authed(a.piecesCoats)},
		{Pattern: "POST /api/v1/pieces/{id}/qc", Handler: a.authed(a.piecesQC)},
		{Pattern: "POST /api/v1/pieces/{id}/work", Handler: a.authed(a.piecesWork)},
		{Pattern: "POST /api/v1/pieces/{id}/photos", Handler: a.authed(a.piecesPhotosAdd), MaxBody: intake.MaxInquiryBytes},
		{Pattern: "GET /api/v1/pieces/{id}/photos/{photo}/{size}", Handler: a.authed(a.piecePhotoShow)},
		{Pattern: "POST /api/v1/pieces/{id}/certificate", Handler: a.authed(a.piecesCertify)},
		{Pattern: "GET /api/v1/pieces/{id}/certificate", Handler: a.authed(a.piecesCertificate)},
		{Pattern: "GET /api/v1/pieces/{id}/label.pdf", Handler: a.authed(a.piecesLabel)},
		{Pattern: "GET /api/v1/certificates/{file}", Handler: a.authed(a.certificatesShow)},
		{Pattern: "GET /api/v1/certificates/{serial}/owners", Handler: a.authed(a.certificatesOwners)},
		{Pattern: "DELETE /api/v1/certificates/{serial}/owners/{index}", Handler: a.authed(a.certificatesOwnerErase), Owner: true},
		{Pattern: "POST /api/v1/public/transfers", Handler: a.public(a.transfersCreate), Public: true},
		{Pattern: "GET /api/v1/verify/{serial}", Handler: a.public(a.verifyShow), Public: true},
		{Pattern: "POST /api/v1/verify", Handler: a.public(a.verifySigned), Public: true, MaxBody: MaxSignedCertificateBytes},
		{Pattern: "GET /s/{slug}/key", Handler: a.public(a.studioKeyShow), Public: true},
		{Pattern: "GET /s/{slug}/log/checkpoint", Handler: a.public(a.logCheckpoint), Public: true},
		{Pattern: "GET /s/{slug}/log/tile/{path...}", Handler: a.public(a.logTile), Public: true},
		{Pattern: "GET /witness/key", Handler: a.public(a.witnessKeyShow), Public: true},
		{Pattern: "POST /witness/add-checkpoint", Handler: a.public(a.witnessAddCheckpoint), Public: true, MaxBody: MaxAddCheckpointBytes},
		{Pattern: "GET /api/v1/witness/logs", Handler: a.authed(a.witnessLogsList), Owner: true},
		{Pattern: "POST /api/v1/witness/logs", Handler: a.authed(a.witnessLogsAdd), Owner: true},
		{Pattern: "GET /api/v1/studio/witnesses", Handler: a.authed(a.studioWitnessesShow)},
		{Pattern: "PUT /api/v1/studio/witnesses", Handler: a.authed(a.studioWitnessesSet), Owner: true},
		{Pattern: "GET /api/v1/studio/costing", Handler: a.authed(a.costingShow)},
		{Pattern: "PUT /api/v1/studio/costing", Handler: a.authed(a.costingUpdate), Owner: true},
		{Pattern: "GET /api/v1/studio/stage-times", Handler: a.authed(a.stageTimesShow)},
		{Pattern: "PUT /api/v1/studio/stage-times", Handler: a.authed(a.stageTimesUpdate), Owner: true},
		{Pattern: "GET /api/v1/studio/hours", Handler: a.authed(a.hoursShow)},
		{Pattern: "PUT /api/v1/studio/hours", Handler: a.authed(a.hoursUpdate), Owner: true},
		{Pattern: "GET /api/v1/plan", Handler: a.authed(a.planShow)},
		{Pattern: "POST /api/v1/plan/what-if", Handler: a.authed(a.planWhatIf)},
		{Pattern: "GET /api/v1/pieces/{id}/cost", Handler: a.authed(a.piecesCost)},
		{Pattern: "GET /api/v1/studio/forecast", Handler: a.authed(a.studioForecast)},
		{Pattern: "GET /api/v1/commissions/{id}/cost", Handler: a.authed(a.commissionsCost)},
		{Pattern: "GET /api/v1/editions/{id}/cost", Handler: a.authed(a.editionsCost)},
		{Pattern: "GET /api/v1/studio/labels", Handler: a.authed(a.labelSettingsShow)},
		{Pattern: "PUT /api/v1/studio/labels", Handler: a.authed(a.labelSettingsUpdate), Owner: true},
		{Pattern: "PATCH /api/v1/photos/{id}", Handler: a.authed(a.photosUpdate)},
		{Pattern: "PUT /api/v1/photos/{id}/mask", Handler: a.authed(a.photosMaskPut), MaxBody: MaxMaskBodyBytes},
		{Pattern: "GET /api/v1/photos/{id}/mask.png", Handler: a.authed(a.photosMaskPNG)},
		{Pattern: "GET /api/v1/photos/{id}/cutout.jpg", Handler: a.authed(a.photosCutoutJPEG)},
		{Pattern: "GET /api/v1/photos/{id}/guides", Handler: a.authed(a.photosGuides)},
		{Pattern: "PUT /api/v1/photos/{id}/guides", Handler: a.authed(a.photosGuidesPut)},
		{Pattern: "DELETE /api/v1/photos/{id}/guides", Handler: a.authed(a.photosGuidesDelete)},
		{Pattern: "GET /api/v1/pieces/{id}/silhouette.pdf", Handler: a.authed(a.piecesSilhouette)},
		{Pattern: "GET /api/v1/board", Handler: a.authed(a.board)},
		{Pattern: "GET /api/v1/clays", Handler: a.authed(a.claysList)},
		{Pattern: "POST /api/v1/clays", Handler: a.authed(a.claySave(store.ClayCreate, http.StatusCreated)), Owner: true},
		{Pattern: "PUT /api/v1/clays/{key}", Handler: a.authed(a.claySave(store.ClayUpsert, http.StatusOK)), Owner: true},
		{Pattern: "PATCH /api/v1/clays/{key}", Handler: a.authed(a.claySave(store.ClayChange, http.StatusOK)), Owner: true},
		{Pattern: "GET /api/v1/cure", Handler: a.authed(a.cureShow)},
		{Pattern: "GET /api/v1/ovens", Handler: a.authed(a.ovensList)},
		{Pattern: "POST /api/v1/ovens", Handler: a.authed(a.ovensCreate)},
		{Pattern: "GET /api/v1/ovens/{id}", Handler: a.authed(a.ovensShow)},
		{Pattern: "PATCH /api/v1/ovens/{id}", Handler: a.authed(a.ovensUpdate)},
		{Pattern: "POST /api/v1/ovens/{id}/readings", Handler: a.authed(a.ovensReading)},
		{Pattern: "GET /api/v1/editions", Handler: a.authed(a.editionsList)},
		{Pattern: "POST /api/v1/editions", Handler: a.authed(a.editionsCreate)},
		{Pattern: "GET /api/v1/editions/{id}", Handler: a.authed(a.editionsShow)},
		{Pattern: "POST /api/v1/editions/{id}/pieces", Handler: a.authed(a.editionsPiece)},
		{Pattern: "POST /api/v1/editions/{id}/reissue", Handler: a.authed(a.editionsReissue)},
		{Pattern: "GET /api/v1/editions/{id}/certificates.pdf", Handler: a.authed(a.editionsCertificates)},
		{Pattern: "GET /api/v1/materials", Handler: a.authed(a.materialsList)},
		{Pattern: "POST /api/v1/materials", Handler: a.authed(a.materialsCreate)},
		{Pattern: "POST /api/v1/materials/starter", Handler: a.authed(a.materialsStarter)},
		{Pattern: "GET /api/v1/materials/settings", Handler: a.authed(a.materialsSettings)},
		{Pattern: "PUT /api/v1/materials/settings", Handler: a.authed(a.materialsSettingsUpdate), Owner: true},
		{Pattern: "GET /api/v1/materials/export.csv", Handler: a.authed(a.materialsExport)},
		{Pattern: "GET /api/v1/materials/moves/export.csv", Handler: a.authed(a.materialsMovesExport)},
		{Pattern: "GET /api/v1/materials/{id}", Handler: a.authed(a.materialsShow)},
		{Pattern: "PATCH /api/v1/materials/{id}", Handler: a.authed(a.materialsUpdate)},
		{Pattern: "DELETE /api/v1/materials/{id}", Handler: a.authed(a.materialsDelete)},
		{Pattern: "GET /api/v1/materials/{id}/moves", Handler: a.authed(a.materialsMoves)},
		{Pattern: "POST /api/v1/materials/{id}/moves", Handler: a.authed(a.materialsMove)},
		{Pattern: "GET /api/v1/bakes", Handler: a.authed(a.bakesList)},
		{Pattern: "POST /api/v1/bakes", Handler: a.authed(a.bakesCreate)},
		{Pattern: "GET /api/v1/bakes/{id}", Handler: a.authed(a.bakesShow)},
		{Pattern: "POST /api/v1/bakes/{id}/start", Handler: a.authed(a.bakesStart)},
		{Pattern: "POST /api/v1/bakes/{id}/readings", Handler: a.authed(a.bakesReading)},
		{Pattern: "POST /api/v1/bakes/{id}/finish", Handler: a.authed(a.bakesFinish)},
		{Pattern: "GET /api/v1/checklist", Handler: a.authed(a.checklistList)},
		{Pattern: "PUT /api/v1/checklist/{key}", Handler: a.authed(a.checklistSave), Owner: true},
		{Pattern: "DELETE /api/v1/checklist/{key}", Handler: a.authed(a.checklistDelete), Owner: true},
		{Pattern: "GET /api/openapi.json", Handler: a.public(a.openAPI), Public: true},
	}
	for i, rt := range routes {
		if !rt.Public {
			routes[i].Handler = a.signedIn(rt.Handler, rt.Owner)
		}
	}
	return routes
}

type principalKey struct{}

// authedFunc is a handler for a signed-in request.
type authedFunc func(w http.ResponseWriter, r *http.Request, p studio.Principal) error

// signedIn resolves the bearer token to a principal before next runs; on
// an owner route, anyone but the owner is refused here, once for all.
func (a *API) signedIn(next http.Handler, owner bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, err := a.authenticate(r)
		if err == nil && owner {
			err = p.CanManage()
		}
		if err != nil {
			a.Error(w, r, err)
			return
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), principalKey{}, p)))
	})
}

// authed gives h the principal signedIn found.
func (a *API) authed(h authedFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, ok := r.Context().Value(principalKey{}).(studio.Principal)
		if !ok {
			a.Error(w, r, fmt.Errorf("api: no principal for %s: a signed-in handler on a public route", r.Pattern))
			return
		}
		if err := h(w, r, p); err != nil {
			a.Error(w, r, err)
		}
	})
}

// public wraps a handler that needs no principal.
func (a *API) public(h func(w http.ResponseWriter, r *http.Request) error) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			a.Error(w, r, err)
		}
	})
}

func (a *API) authenticate(r *http.Request) (studio.Principal, error) {
	h := r.Header.Get("Authorization")
	scheme, token, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(token) == "" {
		return studio.Principal{}, studio.Errorf(studio.Unauthorized, "Send an API token as \"Authorization: Bearer <token>\".")
	}
	return a.Store.Authenticate(r.Context(), strings.TrimSpace(token))
}
