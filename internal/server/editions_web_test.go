package server

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"atelier/internal/api"
	"atelier/internal/store"
	"atelier/internal/store/storetest"
	"atelier/internal/studio"
)

// editionForm is a valid new-edition form: an edition of two, with its
// reason, in a studio that types lengths in inches.
func editionForm() url.Values {
	return url.Values{"title": {"Grandma <Rose>"}, "subject": {"Grandma Rose"}, "size": {"2"}, "size_reason": {"a trial run"},
		"clay_brands": {"premo"}, "target_height": {"1.5"}, "master_name": {"Rose master"}, "master_location": {"shelf 2"},
		"mould_name_0": {"Head mould"}, "mould_location_0": {"drawer A"}, "mould_name_1": {""}, "mould_location_1": {""},
		"mould_name_2": {"Body mould"}, "mould_location_2": {"drawer B"}}
}

// with is form with some fields set otherwise.
func with(form url.Values, pairs ...string) url.Values {
	out := url.Values{}
	for k, v := range form {
		out[k] = v
	}
	for i := 0; i+1 < len(pairs); i += 2 {
		out.Set(pairs[i], pairs[i+1])
	}
	return out
}

// The new-edition form in the browser's terms, on both databases: the
// empty form with its hint and three mould rows, more rows on request,
// refusals beside their fields with what was typed kept, and a valid form
// that leads to the edition's page.
func TestWebEditionForm(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		b, _ := setUpStudio(t, s)
		res, body := b.get("/editions")
		want(t, res, body, 200, `href="/editions/new"`, "No edition yet")
		res, body = b.get("/editions/new")
		want(t, res, body, 200, `href="/editions" aria-current="page"`, "The guide's editions hold 10 to 20", `name="clay_brands" value="premo"`,
			`id="target_height"`, "Target height (in)", `name="master_name"`, `name="mould_name_2"`, `name="mould_location_2"`, `id="more-moulds"`)
		if strings.Contains(body, `name="mould_name_3"`) {
			t.Fatal("the empty form offers more than three mould rows")
		}

		// More rows keeps what was typed and saves nothing.
		res, body = b.post("/editions", with(editionForm(), "more_moulds", "1"), nil)
		want(t, res, body, 200, `name="mould_name_5"`, `value="Body mould"`, `value="Grandma &lt;Rose&gt;"`, `value="premo" checked`)
		if list, _ := s.Editions(context.Background(), mustSlug(t, s, "ana").ID); len(list) != 0 {
			t.Fatalf("more rows saved %d editions", len(list))
		}

		for _, c := range []struct {
			name string
			form url.Values
			says []string
		}{
			{"no title", with(editionForm(), "title", ""), []string{`id="title-error"`, `value="Rose master"`, `value="drawer B"`}},
			{"a size outside the guide without a reason", with(editionForm(), "size", "25", "size_reason", ""),
				[]string{`id="size_reason-error"`, "is required for an edition of 25: the guide&#39;s editions hold 10 to 20", `value="25"`}},
			{"a size that is no number, and no subject", with(editionForm(), "size", "a dozen", "subject", ""),
				[]string{`id="size-error"`, "must be a whole number of pieces", `id="subject-error"`}},
			{"no height", with(editionForm(), "target_height", ""), []string{`id="target_height-error"`, "how tall each figure will be"}},
			{"a mould kept somewhere without a name", with(editionForm(), "mould_location_1", "box 3"), []string{`id="mould_name_1-error"`, `value="box 3"`}},
			{"a NUL in the title", with(editionForm(), "title", "Rose\x00"), []string{`id="title-error"`}},
			{"a clay the studio lacks", with(editionForm(), "clay_brands", "playdough", "size", "x"), []string{"playdough", `id="size-error"`}},
		} {
			res, body := b.post("/editions", c.form, nil)
			want(t, res, body, 422, append([]string{`role="alert"`}, c.says...)...)
		}

		res, body = b.post("/editions", editionForm(), nil)
		want(t, res, body, 303, "/editions/")
		page := res.Header.Get("Location")
		res, body = b.get(page)
		want(t, res, body, 200, "is started: an edition of 2", "<h1>Grandma &lt;Rose&gt;</h1>", "0 of 2</strong> issued", "Start piece 1/2",
			"a trial run", "Sculpey Premo!", "1.5 in", "Rose master, kept at shelf 2", "Head mould, kept at drawer A", "Body mould, kept at drawer B",
			"No piece yet")
		res, body = b.get("/editions")
		want(t, res, body, 200, `href="`+page+`"`, "0 of 2")
	})
}

// The edition's page on both databases: pieces started one number at a
// time and linked, the full edition saying so and refusing another by a
// 303 back to its page, which says why, the reissue behind a tick box and
// linked both ways, another studio's or an unknown edition not found, and
// forms from other sites
// refused.
func TestWebEditionPage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		b, _ := setUpStudio(t, s)
		res, body := b.post("/editions", editionForm(), nil)
		want(t, res, body, 303, "/editions/")
		page := res.Header.Get("Location")

		var pieces []string
		for n := 1; n <= 2; n++ {
			res, body = b.post(page+"/pieces", url.Values{}, nil)
			want(t, res, body, 303, "/pieces/")
			pieces = append(pieces, res.Header.Get("Location"))
			res, body = b.get(pieces[n-1])
			want(t, res, body, 200, fmt.Sprintf("Number %d of 2 of “Grandma &lt;Rose&gt;” is started.", n))
		}
		res, body = b.get(page)
		want(t, res, body, 200, "2 of 2</strong> issued", `<a href="`+pieces[0]+`">No. 1/2</a>`, `<a href="`+pieces[1]+`">No. 2/2</a>`,
			`id="edition-full">All 2 numbers are issued.`)
		if strings.Contains(body, `id="start-piece"`) {
			t.Fatal("a full edition offers to start a piece")
		}
		res, body = b.post(page+"/pieces", url.Values{}, nil)
		wantRefused(t, b, res, body, page, "is complete: all 2 are issued", "All 2 numbers are issued.")

		// The reissue: refused without the tick, or with a size the guide
		// does not hold and no reason; the form stays open with what was typed.
		res, body = b.post(page+"/reissue", url.Values{"size": {""}}, nil)
		want(t, res, body, 422, `id="confirm-error"`, `<details class="confirm card" open>`)
		res, body = b.post(page+"/reissue", url.Values{"confirm": {"true"}, "size": {"30"}}, nil)
		want(t, res, body, 422, `id="size_reason-error"`, "is required for an edition of 30", `value="30"`, `value="true" checked`)
		res, body = b.post(page+"/reissue", url.Values{"confirm": {"true"}, "size": {""}}, nil)
		want(t, res, body, 303, "/editions/")
		second := res.Header.Get("Location")
		if second == page {
			t.Fatal("the reissue leads back to the first edition")
		}
		res, body = b.get(second)
		want(t, res, body, 200, "is reissued: a new edition of 2", `id="reissue-of">Reissue of <a href="`+page+`">Grandma &lt;Rose&gt;, an edition of 2 started`,
			"0 of 2</strong> issued", "Start piece 1/2", "Rose master, kept at shelf 2", "Head mould, kept at drawer A")
		res, body = b.get(page)
		want(t, res, body, 200, "Reissued as", `<a href="`+second+`">Grandma &lt;Rose&gt;, an edition of 2 started`)
		res, body = b.get("/editions")
		want(t, res, body, 200, `href="`+second+`"`, "(reissue)")

		// Another studio's edition, and one that does not exist.
		ben, err := s.CreateStudio(ctx, studio.NewStudio("ben", "Ben", "Ben"))
		if err != nil {
			t.Fatal(err)
		}
		theirs, err := s.CreateEdition(ctx, ben.ID, studio.Edition{Title: "Ben's", Subject: "x", Size: 12, TargetHeightMM: 40})
		if err != nil {
			t.Fatal(err)
		}
		for _, other := range []string{"/editions/" + theirs.ID, "/editions/nosuch"} {
			res, body = b.get(other)
			want(t, res, body, 404, "Not found")
			res, body = b.post(other+"/pieces", url.Values{}, nil)
			want(t, res, body, 404, "Not found")
			res, body = b.post(other+"/reissue", url.Values{"confirm": {"true"}}, nil)
			want(t, res, body, 404, "Not found")
		}
		if e, err := s.Edition(ctx, ben.ID, theirs.ID); err != nil || e.Issued != 0 {
			t.Fatalf("the other studio's edition after the attempts: %d issued, %v", e.Issued, err)
		}

		// Forms sent from another site change nothing.
		crossSite := http.Header{"Sec-Fetch-Site": {"cross-site"}}
		res, body = b.post("/editions", editionForm(), crossSite)
		want(t, res, body, 403, "sent from another site")
		res, body = b.post(second+"/pieces", url.Values{}, crossSite)
		want(t, res, body, 403, "sent from another site")
		res, body = b.post(page+"/reissue", url.Values{"confirm": {"true"}}, crossSite)
		want(t, res, body, 403, "sent from another site")
		list, err := s.Editions(ctx, mustSlug(t, s, "ana").ID)
		if err != nil || len(list) != 2 || list[0].Issued != 0 {
			t.Fatalf("after the cross-site forms: %d editions, %v", len(list), err)
		}
	})
}

// Every free-text field of the edition forms refuses a NUL, invalid
// UTF-8, control characters and an over-long value with 422 and the
// rule's words, on both databases, and openapi.json states each field's
// limit as maxLength.
func TestWebEditionTextFields(t *testing.T) {
	fields := []struct {
		route, field string
		form         url.Values
		rule         studio.TextRule
	}{
		{"POST /editions", "title", editionForm(), studio.TitleText},
		{"POST /editions", "subject", editionForm(), studio.TitleText},
		{"POST /editions", "size_reason", editionForm(), studio.NoteText},
		{"POST /editions", "master_name", editionForm(), studio.TitleText},
		{"POST /editions", "master_location", editionForm(), studio.ShortText},
		{"POST /editions", "mould_name_2", editionForm(), studio.TitleText},
		{"POST /editions", "mould_location_0", editionForm(), studio.ShortText},
		{"POST /editions/{id}/reissue", "size_reason", url.Values{"confirm": {"true"}, "size": {"25"}}, studio.NoteText},
	}
	var doc map[string]any
	if err := json.Unmarshal(api.OpenAPI(), &doc); err != nil {
		t.Fatal(err)
	}
	for _, tf := range fields {
		method, path, _ := strings.Cut(tf.route, " ")
		name := regexp.MustCompile(`_\d+$`).ReplaceAllString(tf.field, "_N")
		if got, _ := docProperty(doc, path, strings.ToLower(method), name)["maxLength"].(float64); int(got) != tf.rule.Max {
			t.Errorf("%s %s: maxLength %v in openapi.json, want %d", tf.route, name, got, tf.rule.Max)
		}
	}
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		b, _ := setUpStudio(t, s)
		res, body := b.post("/editions", editionForm(), nil)
		want(t, res, body, 303, "/editions/")
		page := res.Header.Get("Location")
		for _, tf := range fields {
			path := strings.Replace(strings.TrimPrefix(tf.route, "POST "), "/editions/{id}", page, 1)
			for what, v := range badText(tf.rule) {
				res, body := b.post(path, with(tf.form, tf.field, v), nil)
				if why := tf.rule.Problem(v); res.StatusCode != 422 || !strings.Contains(body, htmlEscaped(why)) || !strings.Contains(body, `id="`+tf.field+`-error"`) {
					t.Errorf("%s %s with %s: %d, want 422 saying %q beside the field: %s", tf.route, tf.field, what, res.StatusCode, why, alertOf(body))
				}
			}
		}
		if list, err := s.Editions(context.Background(), mustSlug(t, s, "ana").ID); err != nil || len(list) != 1 {
			t.Fatalf("after the refused forms: %d editions, %v", len(list), err)
		}
	})
}
