package server

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"atelier/internal/store"
	"atelier/internal/store/storetest"
	"atelier/internal/studio"
)

// column is the part of the board's page that shows one stage.
func column(t *testing.T, body string, stage studio.Stage) string {
	t.Helper()
	start := strings.Index(body, `id="col-`+string(stage)+`"`)
	if start < 0 {
		t.Fatalf("no column %s on the board", stage)
	}
	rest := body[start+1:]
	if end := strings.Index(rest, `<section class="column`); end >= 0 {
		rest = rest[:end]
	}
	return rest
}

// pieceStage is where the store says the piece is.
func pieceStage(t *testing.T, s *store.Store, studioID, id string) studio.Stage {
	t.Helper()
	d, err := s.Piece(context.Background(), studioID, id)
	if err != nil {
		t.Fatal(err)
	}
	return d.Stage
}

// tickAndAdvance ticks the current stage's required items through the
// piece's page and advances it from there.
func tickAndAdvance(t *testing.T, b *browser, s *store.Store, studioID, id string) {
	t.Helper()
	d, err := s.Piece(context.Background(), studioID, id)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range d.Checklist {
		if c.Stage == d.Stage && c.Required && !c.Done {
			res, body := b.post("/pieces/"+id+"/checks/"+c.Key, url.Values{"done": {"true"}}, nil)
			want(t, res, body, 303, "/pieces/"+id+"#stage")
		}
	}
	res, body := b.post("/pieces/"+id+"/advance", nil, nil)
	want(t, res, body, 303, "/pieces/"+id)
	if got := pieceStage(t, s, studioID, id); got != d.Stage.Next() {
		t.Fatalf("after advancing from %s the piece is at %s", d.Stage, got)
	}
}

// The production pipeline in the browser's forms, on both databases: the
// board, refused and accepted advances, the stages' own forms, a QC
// failure, and what another studio may not see.
func TestWebPipeline(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		b, ts := setUpStudio(t, s)
		var res *http.Response
		var body string
		ana := mustSlug(t, s, "ana") // works in inches, in Vienna

		res, body = b.get("/board")
		want(t, res, body, 200, "No pieces in the making yet", `action="/pieces"`, `value="1.5"`, `href="/board" aria-current="page"`)
		res, body = b.post("/pieces", url.Values{"subject": {" "}, "target_height": {"tall"}}, nil)
		want(t, res, body, 422, `id="subject-error"`, `id="target_height-error"`, "a length in inches, such as 1.5 or 1 3/4", `value="tall"`)
		// An inch and a half, typed as a fraction.
		res, body = b.post("/pieces", url.Values{"subject": {`Rose <script>alert(1)</script>`}, "target_height": {"1 1/2"}}, nil)
		want(t, res, body, 303, "/pieces/")
		id := strings.TrimPrefix(res.Header.Get("Location"), "/pieces/")
		if d, err := s.Piece(ctx, ana.ID, id); err != nil || d.TargetHeightMM != 38.1 || d.Stage != studio.Concept {
			t.Fatalf("created %+v %v", d.Piece, err)
		}
		res, body = b.get("/pieces/" + id)
		want(t, res, body, 200, "is started at Concept", "Rose &lt;script&gt;alert(1)&lt;/script&gt;", "1.5 in", `id="check-silhouette"`, `aria-pressed="false"`)
		if strings.Contains(body, "<script>alert") {
			t.Fatal("unescaped script on the piece's page")
		}

		// The board lists it in its column, escaped.
		res, body = b.get("/board")
		want(t, res, body, 200, "Rose &lt;script&gt;")
		if strings.Contains(body, "<script>alert") || !strings.Contains(column(t, body, studio.Concept), `id="piece-`+id+`"`) {
			t.Fatalf("the board does not show the piece at Concept, escaped:\n%s", body)
		}
		if strings.Contains(body, "No pieces in the making") {
			t.Fatal("the board still says it is empty")
		}

		// Advancing with the checklist open: the board again with what is open, then the piece's page.
		// A refused button answers 303 back to its page (post/redirect/get),
		// which then says why, once.
		res, body = b.post("/pieces/"+id+"/advance", url.Values{"from": {"board"}}, nil)
		want(t, res, body, 303, "/board#piece-"+id)
		res, body = b.get("/board")
		want(t, res, body, 200, "Concept is not finished", "Not finished yet:", "<li>Silhouette sketched at the intended scale</li>", "<li>Props decided</li>", `class="flash flash-error" role="alert"`)
		res, body = b.get("/board")
		if strings.Contains(body, "Concept is not finished") || strings.Contains(body, "Not finished yet:") {
			t.Fatal("the refusal shows again on the next visit to the board")
		}
		res, body = b.post("/pieces/"+id+"/advance", nil, nil)
		want(t, res, body, 303, "/pieces/"+id+"#stage")
		res, body = b.get("/pieces/" + id)
		want(t, res, body, 200, "Concept is not finished: Reference set complete", "<li>4 boxes above still to tick</li>", `id="check-pose"`)
		for _, key := range []string{"reference_set", "silhouette", "pose", "props"} {
			res, body = b.post("/pieces/"+id+"/checks/"+key, url.Values{"done": {"true"}}, nil)
			want(t, res, body, 303, "/pieces/"+id+"#stage")
		}
		res, body = b.post("/pieces/"+id+"/checks/pose", url.Values{"done": {"false"}}, nil)
		want(t, res, body, 303)
		res, body = b.get("/pieces/" + id)
		want(t, res, body, 200, "Before Armature:", "<li>one box above still to tick</li>", `id="check-pose" aria-pressed="false"`, `id="check-props" aria-pressed="true"`)
		res, body = b.post("/pieces/"+id+"/checks/pose", url.Values{"done": {"maybe"}}, nil)
		want(t, res, body, 422, "must be true or false")
		res, body = b.post("/pieces/"+id+"/checks/pose", url.Values{"done": {"true"}}, nil)
		want(t, res, body, 303)
		res, body = b.post("/pieces/"+id+"/advance", url.Values{"from": {"board"}}, nil)
		want(t, res, body, 303, "/board#piece-"+id)
		res, body = b.get("/board")
		want(t, res, body, 200, "moved to Armature.")
		if !strings.Contains(column(t, body, studio.Armature), `id="piece-`+id+`"`) || strings.Contains(column(t, body, studio.Concept), `id="piece-`+id+`"`) {
			t.Fatal("the card did not move to Armature")
		}
		// An item of another stage, or no item at all.
		res, body = b.post("/pieces/"+id+"/checks/silhouette", url.Values{"done": {"true"}}, nil)
		wantRefused(t, b, res, body, "/pieces/"+id, "belongs to Concept")
		res, body = b.post("/pieces/"+id+"/checks/nonsense", url.Values{"done": {"true"}}, nil)
		want(t, res, body, 404)

		// To Texture; it needs clays and thickness, typed in inches.
		tickAndAdvance(t, b, s, ana.ID, id)
		tickAndAdvance(t, b, s, ana.ID, id)
		res, body = b.get("/pieces/" + id)
		want(t, res, body, 200, "Before the bake", `name="clay_brands" value="premo"`, "Maximum thickness: measure it", "Thickest part (in)")
		res, body = b.post("/pieces/"+id, url.Values{"clay_brands_shown": {"1"}, "clay_brands": {"premo"}, "max_thickness": {"thick"}, "subject": {"Rose"}, "target_height": {"1.5"}}, nil)
		want(t, res, body, 422, `id="max_thickness-error"`, `value="thick"`, `value="premo" checked`)
		res, body = b.post("/pieces/"+id, url.Values{"clay_brands_shown": {"1"}, "clay_brands": {"premo"}, "max_thickness": {"0.35"}, "subject": {"Rose"}, "target_height": {"20"}}, nil)
		want(t, res, body, 422, `id="target_height-error"`, "this is a miniature")
		res, body = b.post("/pieces/"+id, url.Values{"clay_brands_shown": {"1"}, "clay_brands": {"premo"}, "max_thickness": {"0.35"}, "subject": {"Rose"}, "target_height": {"1.5"}}, nil)
		want(t, res, body, 303, "/pieces/"+id)
		if d, _ := s.Piece(ctx, ana.ID, id); d.MaxThicknessMM == nil || *d.MaxThicknessMM != 8.89 || strings.Join(d.ClayBrands, ",") != "premo" || d.Subject != "Rose" {
			t.Fatalf("edited %+v", d.Piece)
		}
		res, body = b.get("/pieces/" + id)
		want(t, res, body, 200, "Saved.", "Sculpey Premo!", "0.35 in")
		tickAndAdvance(t, b, s, ana.ID, id) // texture

		// First bake: the clay's temperature in the studio's order, the
		// time from the thickness (0.35 in = 8.89 mm of Premo: 45 min).
		res, body = b.get("/pieces/" + id)
		want(t, res, body, 200, "Sculpey Premo!</strong>: 275 °F / 130 °C", "45 min</strong> for this piece's thickness", `id="add-oven"`)
		res, body = b.post("/pieces/"+id+"/advance", nil, nil)
		want(t, res, body, 303, "/pieces/"+id+"#stage")
		res, body = b.get("/pieces/" + id)
		want(t, res, body, 200, "Bake: log a bake of this piece")
		res, body = b.post("/pieces/"+id+"/ovens", url.Values{"oven_name": {""}, "oven_kind": {"toaster"}}, nil)
		want(t, res, body, 422, `id="oven_name-error"`)
		res, body = b.post("/pieces/"+id+"/ovens", url.Values{"oven_name": {"Toaster"}, "oven_kind": {"toaster"}}, nil)
		want(t, res, body, 303)
		res, body = b.get("/pieces/" + id)
		oven := regexp.MustCompile(`<option value="([a-z0-9]+)"`).FindStringSubmatch(body)
		if oven == nil {
			t.Fatalf("no oven to choose:\n%s", body)
		}
		res, body = b.post("/pieces/"+id+"/bakes", url.Values{"oven_id": {oven[1]}, "action": {"start"}}, nil)
		want(t, res, body, 303)
		res, body = b.get("/pieces/" + id)
		want(t, res, body, 200, "Baking at 275 °F / 130 °C for 45 minutes", "set the dial to <strong>266 °F</strong>", "slightly ajar", `class="countdown ring"`, `id="finish-bake"`)
		bake := regexp.MustCompile(`/bakes/([a-z0-9]+)/finish`).FindStringSubmatch(body)[1]
		res, body = b.post("/pieces/"+id+"/bakes/"+bake+"/readings", url.Values{"thermometer": {"hot"}}, nil)
		want(t, res, body, 422, `id="thermometer-error"`)
		res, body = b.post("/pieces/"+id+"/bakes/"+bake+"/readings", url.Values{"thermometer": {"300"}}, nil)
		want(t, res, body, 303)
		res, body = b.get("/pieces/" + id)
		want(t, res, body, 200, "Reading logged: 300 °F. Too hot", "<strong class=\"flag\">too hot</strong>")
		res, body = b.post("/pieces/"+id+"/bakes/"+bake+"/finish", nil, nil)
		want(t, res, body, 303)
		res, body = b.post("/pieces/"+id+"/bakes/"+bake+"/finish", nil, nil)
		wantRefused(t, b, res, body, "/pieces/"+id, "finished already")
		res, body = b.post("/pieces/"+id+"/advance", nil, nil)
		want(t, res, body, 303, "/pieces/"+id+"#stage")
		res, body = b.get("/pieces/" + id)
		want(t, res, body, 200, "let it cool at least 10 minutes")
		// A bake logged afterwards, cooled long ago.
		vienna, _ := time.LoadLocation("Europe/Vienna")
		at := func(d time.Duration) string { return time.Now().Add(d).In(vienna).Format("2006-01-02T15:04") }
		res, body = b.post("/pieces/"+id+"/bakes", url.Values{"oven_id": {oven[1]}, "action": {"log"}, "started_at": {at(3 * time.Hour)}, "finished_at": {at(4 * time.Hour)}}, nil)
		want(t, res, body, 422, "cannot be in the future")
		res, body = b.post("/pieces/"+id+"/bakes", url.Values{"oven_id": {oven[1]}, "action": {"log"}, "started_at": {at(-3 * time.Hour)}, "finished_at": {at(-2 * time.Hour)}}, nil)
		want(t, res, body, 303)
		tickAndAdvance(t, b, s, ana.ID, id) // first bake
		// The first bake's cool-down is over (in the database).
		if _, err := s.DB().ExecContext(ctx, `UPDATE timers SET fired_at = due_at WHERE piece_id = $1 AND kind = 'cool_down'`, id); err != nil {
			t.Fatal(err)
		}

		// Sanding: one button for the grit that is due; a skipped grit is refused in words.
		res, body = b.get("/pieces/" + id)
		want(t, res, body, 200, `name="grit" value="400"`, "Sanded with 400 grit")
		res, body = b.post("/pieces/"+id+"/sanding", url.Values{"grit": {"800"}}, nil)
		want(t, res, body, 422, "800 grit skips a step; 400 grit is due next.")
		for _, g := range ana.GritProgression {
			res, body = b.post("/pieces/"+id+"/sanding", url.Values{"grit": {strconv.Itoa(g)}}, nil)
			want(t, res, body, 303)
		}
		res, body = b.get("/pieces/" + id)
		want(t, res, body, 200, "2000 grit logged: the sanding is complete.", "Every grit of this pass is done")
		tickAndAdvance(t, b, s, ana.ID, id)

		// The colour plan: errors beside their row, then swatches.
		// An empty first row is skipped; the twice-named colour is marked in its own row.
		palette := url.Values{"name_0": {""}, "hex_0": {"#808080"}, "role_0": {"base"}, "name_1": {"skin"}, "hex_1": {"#E8B99A"}, "role_1": {"base"},
			"name_2": {"Skin"}, "hex_2": {"#8a5a44"}, "role_2": {"shadow"}, "name_3": {""}, "hex_3": {"#808080"}, "role_3": {"accent"}}
		res, body = b.post("/pieces/"+id+"/palette", palette, nil)
		want(t, res, body, 422, `id="name_2-error"`, "is in the palette twice", `value="Skin"`, `value="#8a5a44"`)
		if strings.Contains(body, `id="name_1-error"`) {
			t.Fatal("the error is marked on the wrong row")
		}
		for i, c := range []string{"a", "b", "c", "d", "e"} {
			palette.Set("name_"+strconv.Itoa(i), c)
			palette.Set("hex_"+strconv.Itoa(i), "#00000"+strconv.Itoa(i))
			palette.Set("role_"+strconv.Itoa(i), "accent")
		}
		res, body = b.post("/pieces/"+id+"/palette", palette, nil)
		want(t, res, body, 422, "5 colours: a figure&#39;s palette has 3 or 4", `<details class="more-colours" open>`)
		palette = url.Values{"name_0": {"skin"}, "hex_0": {"#E8B99A"}, "role_0": {"base"}, "name_1": {"shadow"}, "hex_1": {"#8a5a44"}, "role_1": {"shadow"},
			"name_2": {"light"}, "hex_2": {"#fff1e6"}, "role_2": {"highlight"}, "name_3": {""}, "hex_3": {"#808080"}, "role_3": {"accent"}}
		res, body = b.post("/pieces/"+id+"/palette", palette, nil)
		want(t, res, body, 303)
		res, body = b.get("/pieces/" + id)
		want(t, res, body, 200, "Palette saved: 3 colours.", `fill="#E8B99A"`, `value="#e8b99a"`)
		if strings.Contains(body, " style=") {
			t.Fatal("a style attribute in the page: the CSP forbids it")
		}
		tickAndAdvance(t, b, s, ana.ID, id)
		tickAndAdvance(t, b, s, ana.ID, id) // paint

		// Finish: coats logged afterwards, in the studio's time zone.
		local := func(d time.Duration) string { return time.Now().Add(d).In(vienna).Format("2006-01-02T15:04") }
		res, body = b.post("/pieces/"+id+"/coats", url.Values{"kind": {"matte_polyurethane"}, "applied_at": {local(2 * time.Hour)}}, nil)
		want(t, res, body, 422, `id="applied_at-error"`, "cannot be in the future")
		res, body = b.post("/pieces/"+id+"/coats", url.Values{"kind": {"matte_polyurethane"}, "applied_at": {"yesterday"}}, nil)
		want(t, res, body, 422, "must be a date and time")
		res, body = b.post("/pieces/"+id+"/coats", url.Values{"kind": {"matte_polyurethane"}, "applied_at": {local(-3 * time.Hour)}}, nil)
		want(t, res, body, 303)
		res, body = b.get("/pieces/" + id)
		want(t, res, body, 200, "Coat 1 logged; it is dry already.", "Coat 1: Matte polyurethane", "Dry — log coat 2", `name="sanded_2000_before"`)
		res, body = b.post("/pieces/"+id+"/coats", url.Values{"kind": {"matte_polyurethane"}, "applied_at": {local(-2 * time.Hour)}}, nil)
		want(t, res, body, 422, `id="sanded-error"`, "sand lightly with 2000 grit")
		res, body = b.post("/pieces/"+id+"/coats", url.Values{"kind": {"gloss_polyurethane"}, "applied_at": {local(-1 * time.Hour)}, "sanded_2000_before": {"true"}}, nil)
		want(t, res, body, 303)
		res, body = b.post("/pieces/"+id+"/coats", url.Values{"kind": {"epoxy"}, "sanded_2000_before": {"true"}}, nil)
		want(t, res, body, 303)
		res, body = b.get("/pieces/" + id)
		want(t, res, body, 200, "Coat 3 logged. It is dry at", `data-countdown="`, "Coat 3 dry", "Finish: the last coat is dry in")
		if strings.Contains(body, "Log coat 4") {
			t.Fatal("a fourth coat is offered")
		}
		res, body = b.get("/board")
		want(t, res, body, 200, "Waiting: Coat 3 dry", `class="countdown" data-countdown="`)
		res, body = b.post("/pieces/"+id+"/advance", url.Values{"from": {"board"}}, nil)
		want(t, res, body, 303, "/board#piece-"+id)
		res, body = b.get("/board")
		want(t, res, body, 200, "Finish: the last coat is dry in")
		// The epoxy's day is over (in the database): on to mounting.
		if _, err := s.DB().ExecContext(ctx, `UPDATE coats SET dry_at = applied_at WHERE piece_id = $1`, id); err != nil {
			t.Fatal(err)
		}
		res, body = b.post("/pieces/"+id+"/advance", nil, nil)
		want(t, res, body, 303)

		// Mount: the measured size in inches.
		res, body = b.get("/pieces/" + id)
		want(t, res, body, 200, "Measure the finished piece", "Measured size (in)")
		res, body = b.post("/pieces/"+id, url.Values{"height": {"1.6"}, "width": {"0.9"}, "depth": {"-1"}}, nil)
		want(t, res, body, 422, `id="depth-error"`, "must be more than 0")
		res, body = b.post("/pieces/"+id, url.Values{"height": {"1.6"}, "width": {"0.9"}, "depth": {"0.75"}}, nil)
		want(t, res, body, 303)
		tickAndAdvance(t, b, s, ana.ID, id)

		// QC: the board offers the form, not an advance; a failed eye goes back to Paint.
		res, body = b.get("/board")
		want(t, res, body, 200, "Record quality control")
		res, body = b.get("/pieces/" + id)
		want(t, res, body, 200, `name="qc_eyes" value="fail"`, "1.6 in high, 0.9 in wide, 0.75 in deep")
		if strings.Contains(body, `action="/pieces/`+id+`/advance"`) {
			t.Fatal("QC offers an advance button")
		}
		qc := url.Values{"checks": {"proportions", "no_seams", "even_paint", "coating", "no_cracks"}, "notes": {"left eye <drifts>"}}
		res, body = b.post("/pieces/"+id+"/qc", qc, nil)
		want(t, res, body, 303)
		if got := pieceStage(t, s, ana.ID, id); got != studio.Paint {
			t.Fatalf("after failing the eyes the piece is at %s", got)
		}
		res, body = b.get("/pieces/" + id)
		want(t, res, body, 200, "Quality control failed (eyes are centred and clear): back to Paint.", "left eye &lt;drifts&gt;", "Back to Paint after quality control")
		res, body = b.post("/pieces/"+id+"/qc", qc, nil)
		wantRefused(t, b, res, body, "/pieces/"+id, "The piece is at Paint")

		// Work time: started, stopped, booked by hand.
		res, body = b.post("/pieces/"+id+"/work", url.Values{"action": {"start"}}, nil)
		want(t, res, body, 303, "#work")
		res, body = b.get("/pieces/" + id)
		want(t, res, body, 200, "The work timer runs since", `id="work-stop"`)
		res, body = b.post("/pieces/"+id+"/work", url.Values{"action": {"start"}}, nil)
		wantRefused(t, b, res, body, "/pieces/"+id, "already running")
		res, body = b.post("/pieces/"+id+"/work", url.Values{"action": {"stop"}}, nil)
		want(t, res, body, 303)
		res, body = b.post("/pieces/"+id+"/work", url.Values{"action": {"add"}, "minutes": {"lots"}}, nil)
		want(t, res, body, 422, `id="minutes-error"`, "whole number of minutes")
		res, body = b.post("/pieces/"+id+"/work", url.Values{"action": {"add"}, "minutes": {"45"}, "work_stage": {"sculpt"}}, nil)
		want(t, res, body, 303)
		if d, _ := s.Piece(ctx, ana.ID, id); d.WorkMinutes[studio.Sculpt] != 45 || d.WorkMinutes[studio.Paint] != 1 {
			t.Fatalf("work minutes %v", d.WorkMinutes)
		}

		// Return to an earlier stage: a reason is needed.
		res, body = b.post("/pieces/"+id+"/return", url.Values{"to": {"sculpt"}, "reason": {" "}}, nil)
		want(t, res, body, 422, `id="reason-error"`, "say what needs redoing", "<details class=\"card\" open>")
		res, body = b.post("/pieces/"+id+"/return", url.Values{"to": {"qc"}, "reason": {"why not"}}, nil)
		want(t, res, body, 422, "can only go back")
		res, body = b.post("/pieces/"+id+"/return", url.Values{"to": {"sculpt"}, "reason": {"the nose is too long"}}, nil)
		want(t, res, body, 303)
		res, body = b.get("/pieces/" + id)
		want(t, res, body, 200, "Back to Sculpt.", "Back from Paint to Sculpt — the nose is too long")

		// A piece that passes quality control, then is delivered from the board.
		res, body = b.post("/pieces", url.Values{"subject": {"Aunt May"}, "target_height": {"1.5"}}, nil)
		want(t, res, body, 303)
		may := strings.TrimPrefix(res.Header.Get("Location"), "/pieces/")
		storetest.WalkPiece(t, s, ana.ID, may, studio.QC)
		res, body = b.post("/pieces/"+may+"/qc", url.Values{"checks": {"proportions", "no_seams", "even_paint", "eyes", "coating", "no_cracks"}}, nil)
		want(t, res, body, 303)
		res, body = b.get("/pieces/" + may)
		want(t, res, body, 200, "Quality control passed: Aunt May is collector-grade.", "Mark delivered", "Passed quality control: collector-grade")
		res, body = b.get("/board")
		if col := column(t, body, studio.CollectorGrade); !strings.Contains(col, `id="piece-`+may+`"`) || !strings.Contains(col, "Mark delivered") {
			t.Fatalf("collector-grade column:\n%s", col)
		}
		res, body = b.post("/pieces/"+may+"/advance", url.Values{"from": {"board"}}, nil)
		want(t, res, body, 303)
		res, body = b.get("/board")
		want(t, res, body, 200, "Aunt May is delivered.")
		if strings.Contains(body, `id="piece-`+may+`"`) {
			t.Fatal("a delivered piece is still on the board")
		}
		res, body = b.get("/pieces/" + may)
		want(t, res, body, 200, "Delivered", "— Delivered")
		if strings.Contains(body, `/advance"`) || strings.Contains(body, "Return to an earlier stage") {
			t.Fatal("a delivered piece offers to move")
		}

		// A commissioned piece whose promised date has passed is late on the board.
		c, _, err := s.CreateInquiry(ctx, ana.ID, studio.InquiryFields{SubjectName: "Grandpa Joe", ContactName: "Lea", ContactEmail: "lea@example.com"}, nil)
		if err != nil {
			t.Fatal(err)
		}
		price := int64(45000)
		if _, err := s.MoveCommission(ctx, ana.ID, c.ID, "", studio.Move{To: studio.Quoted, PriceCents: &price, DepositCents: &price, PromisedDate: "2099-01-01"}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.MoveCommission(ctx, ana.ID, c.ID, "", studio.Move{To: studio.Accepted}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.DB().ExecContext(ctx, `UPDATE commissions SET promised_date = '2001-02-03' WHERE id = $1`, c.ID); err != nil {
			t.Fatal(err)
		}
		res, body = b.get("/board")
		want(t, res, body, 200, "<strong>Late</strong> · promised 2001-02-03", "For Lea", "Waiting on the client&#39;s references")

		// Another studio's piece does not exist for this one.
		ben, err := s.CreateStudio(ctx, studio.NewStudio("ben", "Ben's Busts", "Ben Okafor"))
		if err != nil {
			t.Fatal(err)
		}
		theirs, err := s.CreatePiece(ctx, ben.ID, "", studio.NewPieceFields{Subject: "Ben's secret bust", TargetHeightMM: 40})
		if err != nil {
			t.Fatal(err)
		}
		res, body = b.get("/pieces/" + theirs.ID)
		want(t, res, body, 404)
		for _, path := range []string{"/advance", "/checks/silhouette", "/sanding", "/palette", "/coats", "/qc", "/work", "/return", ""} {
			res, body = b.post("/pieces/"+theirs.ID+path, url.Values{"done": {"true"}, "grit": {"400"}, "action": {"start"}, "to": {"concept"}, "reason": {"x"}, "subject": {"mine"}}, nil)
			want(t, res, body, 404)
		}
		res, body = b.get("/board")
		if strings.Contains(body, "secret bust") {
			t.Fatal("the board shows another studio's piece")
		}
		if d, _ := s.Piece(ctx, ben.ID, theirs.ID); d.Stage != studio.Concept || d.Subject != "Ben's secret bust" {
			t.Fatalf("another studio's piece changed: %+v", d.Piece)
		}

		// Signed out, the pages send the browser to sign in.
		res, body = newBrowser(t, ts.URL).get("/board")
		want(t, res, body, 303, "/login?next=%2Fboard")
		res, body = newBrowser(t, ts.URL).post("/pieces/"+id+"/advance", nil, nil)
		want(t, res, body, 303, "/login")
	})
}
