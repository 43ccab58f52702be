package server

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"atelier/internal/store"
	"atelier/internal/store/storetest"
)

// TestWebRefusedQuestionnaireNamesFieldsByTheirLabels: a questionnaire
// with two bad fields comes back 422 with a summary at the top that names
// both by the labels the client saw, each linking to its field, never by a
// code name; the photo it sent is named, kept for the next try.
func TestWebRefusedQuestionnaireNamesFieldsByTheirLabels(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		_, ts := setUpStudio(t, s)
		client := newBrowser(t, ts.URL)
		fields := map[string]string{"subject_name": "", "contact_name": "Lea", "contact_email": "not-an-address",
			"target_height": "1.5", "height_unit": "in"}
		ct, form := multipartBody(t, fields, part{"photo_front", "front.jpg", testJPEG(t, 64, 80)})
		res, body := client.send("POST", "/s/ana/commission", form, http.Header{"Content-Type": {ct}})
		want(t, res, body, 422, `id="error-summary"`, `role="alert"`,
			`<a href="#subject_name">Name of the person (or pet) `, `<a href="#contact_email">Your e-mail address `,
			"Your photos are kept for the next try: Front (front.jpg).", "Kept: front.jpg")
		summary := body[strings.Index(body, `id="error-summary"`):]
		summary = summary[:strings.Index(summary, "</div>")]
		for _, code := range []string{"subject_name ", "contact_email ", "Please check:"} {
			if strings.Contains(summary, code) {
				t.Errorf("the summary shows %q to the client:\n%s", code, summary)
			}
		}
		if n := strings.Count(body, `role="alert"`); n != 1 {
			t.Errorf("%d alerts, want the summary alone", n)
		}
	})
}

// TestWebRefusedAdvanceAnswersWithTheLinkOfThePiece: advancing a piece
// with its checklist open is a refused button, not a form to correct: 303
// to the piece's page (post/redirect/get), which then says what is open,
// once; a form with a bad field still comes back 422 at once.
func TestWebRefusedAdvanceAnswersWithTheLinkOfThePiece(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		b, _ := setUpStudio(t, s)
		res, body := b.post("/pieces", url.Values{"subject": {"Rose"}, "target_height": {"tall"}}, nil)
		want(t, res, body, 422, `id="error-summary"`, `<a href="#target_height">`, `id="target_height-error"`, `value="tall"`)
		res, body = b.post("/pieces", url.Values{"subject": {"Rose"}, "target_height": {"1.5"}}, nil)
		want(t, res, body, 303, "/pieces/")
		page := res.Header.Get("Location")

		res, body = b.post(page+"/advance", nil, nil)
		want(t, res, body, 303, page+"#stage")
		res, body = b.get(page)
		want(t, res, body, 200, `class="flash flash-error" role="alert">Concept is not finished: Reference set complete`)
		res, body = b.get(page)
		want(t, res, body, 200)
		if strings.Contains(body, "flash-error") {
			t.Error("the refusal shows again on the next visit")
		}
	})
}
