package studio

import (
	"slices"
	"strings"
	"testing"
	"time"
)

func TestAPieceLeavesEachStageByItsExit(t *testing.T) {
	tests := []struct {
		stage      Stage
		commission string
		want       Exit
	}{
		{Concept, "", ExitAdvance},
		{Mount, "c1", ExitAdvance},
		{QC, "", ExitQC},
		{QC, "c1", ExitQC},
		{CollectorGrade, "", ExitDeliver},
		{CollectorGrade, "c1", ExitWithCommission},
		{Delivered, "", ExitNone},
		{Delivered, "c1", ExitNone},
	}
	for _, tt := range tests {
		if got := (Piece{Stage: tt.stage, CommissionID: tt.commission}).Exit(); got != tt.want {
			t.Errorf("%s (commission %q): exit %q, want %q", tt.stage, tt.commission, got, tt.want)
		}
	}
}

func TestAdvanceRecordsTheEventOfItsMove(t *testing.T) {
	m, err := Advance(StageState{Piece: Piece{Stage: Armature}})
	if err != nil || m.To != Sculpt || m.Kind != PieceAdvanced {
		t.Fatalf("armature: %+v, %v", m, err)
	}
	m, err = Advance(StageState{Piece: Piece{Stage: CollectorGrade}})
	if err != nil || m.To != Delivered || m.Kind != PieceDelivered {
		t.Fatalf("a studio piece at collector-grade: %+v, %v", m, err)
	}
}

func TestAdvanceIsRefusedWithEverythingOpen(t *testing.T) {
	tests := []struct {
		name  string
		state StageState
		open  string
	}{
		{"an unticked item", StageState{Piece: Piece{Stage: Armature}, Open: []ChecklistItem{{Label: "Foil bulk"}}}, "Foil bulk"},
		{"a commissioned piece at collector-grade", StageState{Piece: Piece{Stage: CollectorGrade, CommissionID: "c1"}}, "delivered when its commission is marked shipped"},
		{"quality control", StageState{Piece: Piece{Stage: QC}}, "record the six checks"},
		{"delivered", StageState{Piece: Piece{Stage: Delivered}}, "last stage"},
		{"texture without a thickness", StageState{Piece: Piece{Stage: Texture, ClayBrands: []string{"premo"}}}, "Maximum thickness"},
	}
	for _, tt := range tests {
		_, err := Advance(tt.state)
		e, ok := err.(*Error)
		if !ok || e.Code != Invalid || !strings.Contains(e.Message, tt.open) {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		if open, _ := e.Data["open"].([]string); !slices.ContainsFunc(open, func(o string) bool { return strings.Contains(o, tt.open) }) {
			t.Errorf("%s: open items %q lack %q", tt.name, open, tt.open)
		}
	}
}

func TestReturnGoesOnlyBackAndNeverFromDelivered(t *testing.T) {
	tests := []struct {
		from, to Stage
		reason   string
		code     Code
	}{
		{Paint, Sculpt, "a crack", ""},
		{Paint, Paint, "again", Conflict},
		{Paint, Finish, "ahead", Conflict},
		{Delivered, Paint, "recalled", Conflict},
		{Paint, "kiln", "x", Invalid},
		{Paint, Sculpt, "  ", Invalid},
	}
	for _, tt := range tests {
		m, err := Return(Piece{Stage: tt.from}, tt.to, tt.reason)
		if ErrorCode(err) != tt.code {
			t.Errorf("%s → %s: %v, want code %q", tt.from, tt.to, err, tt.code)
		}
		if err == nil && (m.To != tt.to || m.Kind != PieceReturned || m.Reason != strings.TrimSpace(tt.reason)) {
			t.Errorf("%s → %s: move %+v", tt.from, tt.to, m)
		}
	}
	if got := (Piece{Stage: Paint}).ReturnStages(); !slices.Equal(got, Stages[:Paint.Index()]) {
		t.Errorf("return stages from paint: %v", got)
	}
	if (Piece{Stage: Delivered}).ReturnStages() != nil || (Piece{Stage: Concept}).ReturnStages() != nil {
		t.Error("a delivered piece or one at concept has nowhere to go back to")
	}
}

func TestQCDecidesTheMoveAndWordsTheFailure(t *testing.T) {
	all := func(fail ...string) map[string]*bool {
		m := map[string]*bool{}
		for _, c := range QCChecks {
			ok := !slices.Contains(fail, c.Key)
			m[c.Key] = &ok
		}
		return m
	}
	q, err := DecideQC(all(), " lovely ")
	if err != nil || !q.Passed() || q.Move != (PieceMove{To: CollectorGrade, Kind: PieceQCPassed, Reason: "lovely"}) {
		t.Fatalf("all pass: %+v, %v", q, err)
	}
	q, err = DecideQC(all("coating", "no_seams"), "drip on the base")
	if err != nil || q.Passed() || q.Move.To != Sanding || q.Move.Kind != PieceQCFailed {
		t.Fatalf("two failures: %+v, %v", q, err)
	}
	if q.Move.Reason != "QC failed: no seams, coating — drip on the base" {
		t.Errorf("reason %q", q.Move.Reason)
	}
	if _, err := DecideQC(map[string]*bool{}, ""); ErrorCode(err) != Invalid {
		t.Errorf("no checks: %v", err)
	}
	failed := FailedChecks(map[string]bool{"eyes": false, "proportions": false, "coating": true})
	if !slices.Equal(failed, []string{"Proportions match the reference photos", "Eyes are centred and clear"}) {
		t.Errorf("failed labels %q", failed)
	}
}

func TestACommissionFollowsItsPiece(t *testing.T) {
	tests := []struct {
		status   CommissionStatus
		from, to Stage
		want     CommissionStatus
		moves    bool
	}{
		{Accepted, Concept, Armature, InProduction, true},
		{InProduction, QC, CollectorGrade, Ready, true},
		{InProduction, QC, Sculpt, InProduction, false},
		{InProduction, Armature, Sculpt, InProduction, false},
		{Ready, CollectorGrade, Delivered, Ready, false},
		{Cancelled, Concept, Armature, Cancelled, false},
	}
	for _, tt := range tests {
		got, note, ok := Commission{Status: tt.status}.FollowPiece(tt.from, Piece{Stage: tt.to})
		if got != tt.want || ok != tt.moves || (ok && !strings.Contains(note, tt.to.Label())) {
			t.Errorf("%s, piece %s → %s: %s %v %q", tt.status, tt.from, tt.to, got, ok, note)
		}
	}
	for stage, ok := range map[Stage]bool{Paint: false, QC: false, CollectorGrade: true, Delivered: true} {
		if err := (Commission{Status: Ready}).CheckPiece(Piece{Stage: stage}); (err == nil) != ok {
			t.Errorf("ready with the piece at %s: %v", stage, err)
		}
	}
	if err := (Commission{Status: Shipped}).CheckPiece(Piece{Stage: Paint}); err != nil {
		t.Errorf("only ready depends on the piece: %v", err)
	}
	m, ok := Piece{Stage: CollectorGrade}.DeliverWithCommission()
	if !ok || m.To != Delivered || m.Kind != PieceDelivered {
		t.Errorf("shipping delivers: %+v", m)
	}
	if _, ok := (Piece{Stage: Delivered}).DeliverWithCommission(); ok {
		t.Error("a delivered piece is not delivered twice")
	}
	h := 30.0
	n := Commission{ID: "c1", Inquiry: InquiryFields{SubjectName: "Grandma", TargetHeightMM: &h}}.NewPiece()
	if n.Subject != "Grandma" || n.CommissionID != "c1" || n.TargetHeightMM != 30 {
		t.Errorf("the accepted commission's piece: %+v", n)
	}
	if n := (Commission{}).NewPiece(); n.TargetHeightMM != DefaultTargetHeightMM {
		t.Errorf("default height: %v", n.TargetHeightMM)
	}
}

func TestWhatAPieceWaitsOnAndWhetherItIsLate(t *testing.T) {
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	coat := []Timer{{Label: "Coat 1 dry", DueAt: now.Add(time.Hour)}}
	tests := []struct {
		p      Piece
		timers []Timer
		status CommissionStatus
		want   string
	}{
		{Piece{Stage: Finish}, coat, "", "Coat 1 dry"},
		{Piece{Stage: Finish}, []Timer{{Label: "Coat 1 dry", DueAt: now}}, "", ""},
		{Piece{Stage: FirstBake}, nil, "", "a bake"},
		{Piece{Stage: Concept}, nil, Accepted, "the client's references"},
		{Piece{Stage: Concept}, nil, InProduction, ""},
		{Piece{Stage: Paint}, nil, "", ""},
	}
	for _, tt := range tests {
		if got := WaitsOn(tt.p, tt.timers, tt.status, now); got != tt.want {
			t.Errorf("%s with %d timers, %q: %q, want %q", tt.p.Stage, len(tt.timers), tt.status, got, tt.want)
		}
	}
	for _, tt := range []struct {
		stage    Stage
		promised string
		late     bool
	}{{Paint, "2026-11-30", true}, {Paint, "2026-12-01", false}, {Paint, "", false}, {CollectorGrade, "2026-11-30", false}} {
		if Late(Piece{Stage: tt.stage}, tt.promised, "2026-12-01") != tt.late {
			t.Errorf("%s promised %q: late should be %v", tt.stage, tt.promised, tt.late)
		}
	}
}

func TestWorkTimeLimits(t *testing.T) {
	for _, tt := range []struct {
		stage   Stage
		minutes int
		field   string
	}{{"", 45, ""}, {Paint, 1440, ""}, {"", 0, "minutes"}, {"", 1441, "minutes"}, {"", -5, "minutes"}, {"oven", 30, "stage"}} {
		err := CheckWork(tt.stage, tt.minutes)
		e, _ := err.(*Error)
		if (tt.field == "") != (err == nil) || (e != nil && e.Fields[tt.field] == "") {
			t.Errorf("%q %d: %v", tt.stage, tt.minutes, err)
		}
	}
	if ErrorCode(WorkStarted(true)) != Conflict || WorkStarted(false) != nil {
		t.Error("one work timer at a time")
	}
	start := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	for d, want := range map[time.Duration]int{time.Second: 1, time.Minute: 1, time.Minute + time.Second: 2, 90 * time.Minute: 90} {
		if got := WorkMinutes(start, start.Add(d)); got != want {
			t.Errorf("%v books %d minutes, want %d", d, got, want)
		}
	}
}

func TestAnEntryLoggedAfterwardsIsNeverInTheFuture(t *testing.T) {
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	if at, err := LoggedAt(nil, now, "at"); err != nil || !at.Equal(now) {
		t.Errorf("nil is now: %v %v", at, err)
	}
	past := now.Add(-time.Hour - 1234*time.Nanosecond)
	if at, err := LoggedAt(&past, now, "at"); err != nil || !at.Equal(past.Truncate(time.Microsecond)) {
		t.Errorf("past: %v %v", at, err)
	}
	future := now.Add(time.Minute)
	if _, err := LoggedAt(&future, now, "applied_at"); err == nil || err.(*Error).Fields["applied_at"] == "" {
		t.Errorf("future: %v", err)
	}
}

func TestAPieceEventIsToldInWords(t *testing.T) {
	tests := []struct {
		e    PieceEvent
		want string
	}{
		{PieceEvent{Kind: PieceCreated, To: Concept}, "Started at Concept"},
		{PieceEvent{Kind: PieceAdvanced, From: Sculpt, To: Texture}, "Sculpt → Texture"},
		{PieceEvent{Kind: PieceQCFailed, From: QC, To: Paint, Reason: "QC failed: eyes"}, "Back to Paint after quality control — QC failed: eyes"},
		{PieceEvent{Kind: PieceQCPassed, From: QC, To: CollectorGrade}, "Passed quality control: collector-grade"},
		{PieceEvent{Kind: PieceReturned, From: Paint, To: Sculpt, Reason: "crack"}, "Back from Paint to Sculpt — crack"},
		{PieceEvent{Kind: PieceDelivered, From: CollectorGrade, To: Delivered}, "Delivered"},
	}
	for _, tt := range tests {
		if got := tt.e.Summary(); got != tt.want {
			t.Errorf("%s: %q, want %q", tt.e.Kind, got, tt.want)
		}
	}
}

func TestWorkAtOneStageIsRefusedAtAnother(t *testing.T) {
	p := Piece{Stage: Sanding}
	if p.RequireStage(Sanding) != nil {
		t.Error("sanding at sanding")
	}
	if err := p.RequireStage(ColourPlan, Paint); ErrorCode(err) != Conflict || !strings.Contains(err.Error(), "Colour plan or Paint") {
		t.Errorf("palette at sanding: %v", err)
	}
	if err := p.CheckTick(ChecklistItem{Key: "wire", Stage: Armature}); ErrorCode(err) != Conflict {
		t.Errorf("an armature item at sanding: %v", err)
	}
}

func TestAProcessPhotoShowsAStageThePieceHasReached(t *testing.T) {
	p := Piece{Stage: Paint}
	for _, tt := range []struct {
		stage, want Stage
		ok          bool
	}{{"", Paint, true}, {Sculpt, Sculpt, true}, {Paint, Paint, true}, {Finish, "", false}, {"oven", "", false}} {
		got, err := p.PhotoStage(tt.stage)
		if got != tt.want || (err == nil) != tt.ok {
			t.Errorf("%q: %q, %v", tt.stage, got, err)
		}
	}
	if CheckCaption(strings.Repeat("é", MaxCaptionRunes)) != nil || CheckCaption(strings.Repeat("a", MaxCaptionRunes+1)) == nil {
		t.Error("captions are counted in characters, up to the limit")
	}
}
