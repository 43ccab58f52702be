package server

import (
	"bytes"
	"context"
	"fmt"
	"html"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"atelier/internal/store"
	"atelier/internal/store/storetest"
)

// questionnaire is a multipart body of fields in order (a name may come
// again, as ticked boxes do) and photos.
func questionnaire(t *testing.T, fields [][2]string, parts ...part) (string, *bytes.Buffer) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for _, f := range fields {
		mw.WriteField(f[0], f[1])
	}
	for _, p := range parts {
		w, err := mw.CreateFormFile(p.name, p.file)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(p.data)
	}
	mw.Close()
	return mw.FormDataContentType(), &buf
}

func validQuestionnaire() [][2]string {
	return [][2]string{{"subject_name", "Grandma Rose"}, {"contact_name", "Lea"}, {"contact_email", "lea@example.com"},
		{"target_height", "1.5"}, {"height_unit", "in"}}
}

var heldField = regexp.MustCompile(`name="held" value="([^"]+)"`)

// heldNote is the sealed note a refused questionnaire carries back.
func heldNote(t *testing.T, body string) string {
	t.Helper()
	m := heldField.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("the refused form carries no note of its kept photos:\n%s", body)
	}
	return html.UnescapeString(m[1])
}

// inquiryPhotos lists the photos of the studio's commissions as angle:width.
func inquiryPhotos(t *testing.T, s *store.Store) []string {
	t.Helper()
	ctx := context.Background()
	st, err := s.StudioBySlug(ctx, "ana")
	if err != nil {
		t.Fatal(err)
	}
	list, err := s.Commissions(ctx, st.ID, store.CommissionFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, c := range list {
		d, err := s.Commission(ctx, st.ID, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range d.Photos {
			out = append(out, fmt.Sprintf("%s:%d", p.Angle, p.Width))
		}
	}
	slices.Sort(out)
	return out
}

// TestWebRefusedQuestionnaireKeepsItsPhotosForTheNextTry: a questionnaire
// refused for its text keeps the photos it carried: the page lists them
// as kept, each with a ticked box, and the form sent again with the text
// corrected and no file chosen makes the inquiry with those photos and
// the ones chosen now; an unticked one is left out.
func TestWebRefusedQuestionnaireKeepsItsPhotosForTheNextTry(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		_, ts := setUpStudio(t, s)
		client := newBrowser(t, ts.URL)
		bad := [][2]string{{"subject_name", ""}, {"contact_name", "Lea"}, {"contact_email", "lea@example.com"}, {"target_height", "1.5"}, {"height_unit", "in"}}
		ct, form := questionnaire(t, bad, part{"photo_front", "front.jpg", testJPEG(t, 64, 80)}, part{"photo_back", "back.jpg", testJPEG(t, 60, 80)})
		res, body := client.send("POST", "/s/ana/commission", form, http.Header{"Content-Type": {ct}})
		want(t, res, body, 422, "Your photos are kept for the next try: Front (front.jpg), Back (back.jpg).",
			`name="keep_held" value="0" checked data-held-angle="front"> Kept: front.jpg`, `value="1" checked data-held-angle="back"> Kept: back.jpg`)
		if strings.Contains(body, "Choose again") {
			t.Error("the kept photos are also named to choose again")
		}
		note := heldNote(t, body)
		if got := inquiryPhotos(t, s); len(got) != 0 {
			t.Fatalf("a refused questionnaire made an inquiry with %v", got)
		}

		// Sent again: the front kept, the back's box unticked, a profile chosen now.
		fields := append(validQuestionnaire(), [2]string{"held", note}, [2]string{"keep_held", "0"})
		ct, form = questionnaire(t, fields, part{"photo_left_profile", "side.jpg", testJPEG(t, 50, 80)})
		res, body = client.send("POST", "/s/ana/commission", form, http.Header{"Content-Type": {ct}})
		want(t, res, body, 303, "/p/")
		if got, wantPhotos := inquiryPhotos(t, s), []string{"front:64", "left_profile:50"}; !slices.Equal(got, wantPhotos) {
			t.Errorf("the inquiry has photos %v, want %v", got, wantPhotos)
		}
	})
}

// TestWebQuestionnaireRefusesANoteItCannotTrust: a note that was altered,
// sealed for another studio, or older than the time photos are kept is
// refused with a message that says to choose the photos again, and no
// inquiry is made.
func TestWebQuestionnaireRefusesANoteItCannotTrust(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		var mu sync.Mutex
		now := time.Now()
		clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
		_, ts, _ := serveStudio(t, s, Config{Now: clock})
		client := newBrowser(t, ts.URL)
		bad := [][2]string{{"subject_name", ""}, {"contact_email", "lea@example.com"}}
		ct, form := questionnaire(t, bad, part{"photo_front", "front.jpg", testJPEG(t, 64, 80)})
		res, body := client.send("POST", "/s/ana/commission", form, http.Header{"Content-Type": {ct}})
		want(t, res, body, 422)
		note := heldNote(t, body)
		other, err := s.SealText("held-photos:another-studio", []byte(`{"u":"2999-01-01T00:00:00Z","p":[]}`))
		if err != nil {
			t.Fatal(err)
		}
		for name, n := range map[string]string{"altered": note[:len(note)-2] + "AA", "another studio's": other, "not base64": "%%%"} {
			fields := append(validQuestionnaire(), [2]string{"held", n}, [2]string{"keep_held", "0"})
			ct, form = questionnaire(t, fields)
			res, body = client.send("POST", "/s/ana/commission", form, http.Header{"Content-Type": {ct}})
			if res.StatusCode != 422 || !strings.Contains(body, "please choose them again") {
				t.Errorf("%s note: status %d, want 422 saying to choose the photos again", name, res.StatusCode)
			}
		}
		mu.Lock()
		now = now.Add(46 * time.Minute)
		mu.Unlock()
		fields := append(validQuestionnaire(), [2]string{"held", note}, [2]string{"keep_held", "0"})
		ct, form = questionnaire(t, fields)
		res, body = client.send("POST", "/s/ana/commission", form, http.Header{"Content-Type": {ct}})
		want(t, res, body, 422, "could not be kept (they are kept for 45 minutes); please choose them again")
		if got := inquiryPhotos(t, s); len(got) != 0 {
			t.Errorf("refused notes made inquiries with %v", got)
		}
	})
}

// TestWebQuestionnaireKeptPhotoGoneFromTheStore: a kept photo whose blob
// the sweep removed is refused as lost, not attached as a dangling row.
func TestWebQuestionnaireKeptPhotoGoneFromTheStore(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		_, ts, blobs := serveStudio(t, s, Config{})
		client := newBrowser(t, ts.URL)
		photo := testJPEG(t, 64, 80)
		ct, form := questionnaire(t, [][2]string{{"subject_name", ""}}, part{"photo_front", "front.jpg", photo})
		res, body := client.send("POST", "/s/ana/commission", form, http.Header{"Content-Type": {ct}})
		want(t, res, body, 422)
		note := heldNote(t, body)
		sp, err := blobs.Spool(bytes.NewReader(photo), 1<<20)
		if err != nil {
			t.Fatal(err)
		}
		sp.Remove()
		if err := blobs.Delete(context.Background(), sp.SHA256); err != nil {
			t.Fatal(err)
		}
		fields := append(validQuestionnaire(), [2]string{"held", note}, [2]string{"keep_held", "0"})
		ct, form = questionnaire(t, fields)
		res, body = client.send("POST", "/s/ana/commission", form, http.Header{"Content-Type": {ct}})
		want(t, res, body, 422, "please choose them again")
		if got := inquiryPhotos(t, s); len(got) != 0 {
			t.Errorf("an inquiry was made with %v", got)
		}
	})
}

// The kept photos in a real browser at phone size: the questionnaire
// refused for a wrong address lists the front photo as kept, the line that
// counts the needed views counts it, and the form sent again with the
// address corrected and no file chosen reaches the portal.
func TestBrowserQuestionnaireKeepsPhotosAcrossARefusal(t *testing.T) {
	ctx := headless(t)
	s := storetest.Open(t, store.SQLite, nil)
	_, ts := setUpStudio(t, s)
	front := filepath.Join(t.TempDir(), "front.jpg")
	if err := os.WriteFile(front, testJPEG(t, 64, 80), 0o600); err != nil {
		t.Fatal(err)
	}
	do := func(what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, steps...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	text := func(js string) string {
		t.Helper()
		got, err := chromedp.Run(ctx, chromedp.Evaluate[string](js))
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	do("open the questionnaire", chromedp.EmulateViewport(390, 844), chromedp.Navigate(ts.URL+"/s/ana/commission"),
		chromedp.WaitVisible(chromedp.ID("subject_name")))
	do("fill it with a wrong address", chromedp.SetValue(chromedp.ID("subject_name"), "Grandma Rose"),
		chromedp.SetValue(chromedp.ID("contact_name"), "Lea"), chromedp.SetValue(chromedp.ID("contact_email"), "not-an-address"),
		chromedp.SetUploadFiles(chromedp.ID("photo_front"), []string{front}),
		chromedp.Click(chromedp.CSS(`form[data-upload] button[type=submit]`)), chromedp.WaitVisible(chromedp.CSS(`label.kept`)))
	if got := text(`document.querySelector("label.kept").textContent.trim()`); got != "Kept: front.jpg" {
		t.Errorf("the kept photo reads %q", got)
	}
	if got := text(`document.querySelector("[data-missing]").textContent`); strings.Contains(got, "front") || !strings.Contains(got, "a profile") {
		t.Errorf("with the front kept, the needed views read %q", got)
	}
	do("send it again", chromedp.SetValue(chromedp.ID("contact_email"), "lea@example.com"),
		chromedp.Click(chromedp.CSS(`form[data-upload] button[type=submit]`)), chromedp.WaitVisible(chromedp.CSS(`.portal, main`)))
	var at string
	for range 100 {
		if at = text(`location.pathname`); strings.HasPrefix(at, "/p/") {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if !strings.HasPrefix(at, "/p/") {
		t.Fatalf("the form sent again stayed at %s", at)
	}
	if got := inquiryPhotos(t, s); !slices.Equal(got, []string{"front:64"}) {
		t.Errorf("the inquiry has photos %v, want the kept front", got)
	}
}
