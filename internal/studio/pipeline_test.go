package studio

import (
	"strings"
	"testing"
	"time"
)

func TestStages(t *testing.T) {
	if Concept.Next() != Armature || QC.Next() != CollectorGrade || Delivered.Next() != "" || Stage("bake").Valid() {
		t.Fatal("stage order")
	}
	if len(Stages) != 13 || Sanding.Index() != 5 {
		t.Fatal("thirteen stages")
	}
	for _, it := range DefaultChecklist {
		if !it.Stage.Valid() || it.Key == "" || it.Label == "" {
			t.Errorf("bad default item %+v", it)
		}
		if it.Stage == Texture && it.Required {
			t.Errorf("texture items are optional: %s", it.Key)
		}
	}
}

func TestGrits(t *testing.T) {
	tests := []struct {
		logged []int
		grit   int
		ok     bool
		msg    string
	}{
		{nil, 400, true, ""},
		{nil, 600, false, "skips a step; 400 grit is due"},
		{[]int{400}, 800, false, "600 grit is due"},
		{[]int{400, 600}, 400, false, "step back; 800 grit is due"},
		{[]int{400, 600, 800, 1000, 1200, 1500}, 2000, true, ""},
		{DefaultGrits, 2000, false, "complete"},
	}
	for _, tt := range tests {
		err := CheckGrit(DefaultGrits, tt.logged, tt.grit)
		if (err == nil) != tt.ok || (err != nil && (!strings.Contains(err.Error(), tt.msg) || ErrorCode(err) != Conflict)) {
			t.Errorf("%v + %d: %v", tt.logged, tt.grit, err)
		}
	}
	for grits, bad := range map[string]bool{"400 600": false, "600 400": true, "400 400": true, "": true, "0 400": true} {
		var gs []int
		for _, f := range strings.Fields(grits) {
			var g int
			for _, c := range f {
				g = g*10 + int(c-'0')
			}
			gs = append(gs, g)
		}
		if (GritsProblem(gs) != "") != bad {
			t.Errorf("progression %q: %q", grits, GritsProblem(gs))
		}
	}
}

func TestPalette(t *testing.T) {
	c := func(name, hex, role string) Colour { return Colour{name, hex, role} }
	four := []Colour{c("skin", "#E8B99A", "base"), c("shadow", "#8A5A44", "shadow"), c("light", "#FFF1E6", "highlight"), c("lips", "#B0413E", "accent")}
	if err := CheckPalette(four, ""); err != nil || !PaletteComplete(four, "") {
		t.Fatal(err)
	}
	five := append(four, c("eyes", "#3B6EA8", "accent"))
	if err := CheckPalette(five, ""); ErrorCode(err) != Invalid || !strings.Contains(err.Error(), "override_reason") {
		t.Fatalf("a fifth colour without a reason: %v", err)
	}
	if err := CheckPalette(five, "heterochromia"); err != nil || !PaletteComplete(five, "heterochromia") {
		t.Fatal(err)
	}
	for _, bad := range [][]Colour{
		{c("skin", "E8B99A", "base")}, {c("skin", "#GGGGGG", "base")}, {c("skin", "#e8b99a", "base"), c("other", "#E8B99A", "shadow")},
		{c("skin", "#E8B99A", "base"), c("Skin", "#000000", "shadow")}, {c("skin", "#E8B99A", "glaze")}, {c("", "#E8B99A", "base")},
	} {
		if err := CheckPalette(bad, ""); ErrorCode(err) != Invalid {
			t.Errorf("accepted %v", bad)
		}
	}
	if PaletteComplete(four[:2], "") || !PaletteComplete(four[:2], "a two-tone bust") || PaletteComplete(nil, "x") {
		t.Fatal("completion")
	}
}

func TestCoats(t *testing.T) {
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	dry := DefaultDryMinutes
	first, err := NewCoat(nil, MattePolyurethane, false, now.Add(-2*time.Hour), now, dry)
	if err != nil || !first.DryAt.Equal(now.Add(-90*time.Minute)) {
		t.Fatalf("%+v %v", first, err)
	}
	if _, err := NewCoat(nil, MattePolyurethane, false, now.Add(time.Minute), now, dry); ErrorCode(err) != Invalid {
		t.Fatal("a coat in the future")
	}
	if _, err := NewCoat([]Coat{first}, MattePolyurethane, false, now, now, dry); ErrorCode(err) != Invalid {
		t.Fatal("a second coat without 2000-grit sanding")
	}
	second, err := NewCoat([]Coat{first}, Epoxy, true, now.Add(-time.Hour), now, dry)
	if err != nil || FinishComplete([]Coat{first, second}, now) {
		t.Fatalf("epoxy dries a day: %+v %v", second, err)
	}
	_, err = NewCoat([]Coat{first, second}, MattePolyurethane, true, now, now, dry)
	e, _ := err.(*Error)
	if e == nil || e.Code != Conflict || e.Data["ready_at"] != second.DryAt {
		t.Fatalf("a coat before the last is dry: %v", err)
	}
	if !FinishComplete([]Coat{first, second}, second.DryAt) || FinishComplete([]Coat{first}, now) {
		t.Fatal("finish completion")
	}
	three := []Coat{first, second, second}
	if _, err := NewCoat(three, MattePolyurethane, true, now.Add(48*time.Hour), now.Add(48*time.Hour), dry); ErrorCode(err) != Conflict {
		t.Fatal("a fourth coat")
	}
	if _, err := NewCoat(nil, "lacquer", false, now, now, dry); ErrorCode(err) != Invalid {
		t.Fatal("unknown kind")
	}
}

func TestJudgeQC(t *testing.T) {
	yes, no := true, false
	all := func() map[string]*bool {
		m := map[string]*bool{}
		for _, c := range QCChecks {
			m[c.Key] = &yes
		}
		return m
	}
	if next, failed, err := JudgeQC(all()); err != nil || next != CollectorGrade || failed != nil {
		t.Fatal(next, failed, err)
	}
	tests := []struct {
		fail []string
		want Stage
	}{
		{[]string{"coating"}, Finish}, {[]string{"eyes"}, Paint}, {[]string{"no_seams"}, Sanding},
		{[]string{"no_cracks"}, Sculpt}, {[]string{"coating", "eyes", "no_seams"}, Sanding}, {[]string{"even_paint", "proportions"}, Sculpt},
	}
	for _, tt := range tests {
		m := all()
		for _, k := range tt.fail {
			m[k] = &no
		}
		if next, failed, err := JudgeQC(m); err != nil || next != tt.want || len(failed) != len(tt.fail) {
			t.Errorf("%v → %s %v %v, want %s", tt.fail, next, failed, err, tt.want)
		}
	}
	m := all()
	delete(m, "eyes")
	m["sparkle"] = &yes
	if _, _, err := JudgeQC(m); err == nil || !strings.Contains(err.Error(), "checks.eyes") || !strings.Contains(err.Error(), "checks.sparkle") {
		t.Fatalf("missing and unknown checks: %v", err)
	}
}

func TestOpenToLeave(t *testing.T) {
	now := time.Now()
	thick := 9.0
	p := Piece{Stage: Texture}
	if open := OpenToLeave(StageState{Piece: p}); len(open) != 2 {
		t.Fatalf("texture without clay and thickness: %v", open)
	}
	p.ClayBrands, p.MaxThicknessMM = []string{"premo"}, &thick
	if open := OpenToLeave(StageState{Piece: p}); len(open) != 0 {
		t.Fatal(open)
	}
	p.Stage = Sanding
	if open := OpenToLeave(StageState{Piece: p, Progression: DefaultGrits, Grits: []int{400}}); len(open) != 1 || !strings.Contains(open[0], "600") {
		t.Fatal(open)
	}
	p.Stage = Mount
	if open := OpenToLeave(StageState{Piece: p, Open: []ChecklistItem{{Label: "Label"}}}); len(open) != 2 {
		t.Fatalf("mount without dimensions or label: %v", open)
	}
	p.Stage = QC
	if open := OpenToLeave(StageState{Piece: p, Now: now}); len(open) != 1 {
		t.Fatal("QC is left through a QC attempt only")
	}
}

func TestPieceValidate(t *testing.T) {
	brands := []string{"fimo-soft", "premo"}
	n := NewPieceFields{Subject: " Rose ", TargetHeightMM: 38, ClayBrands: []string{"premo"}}
	if err := n.Validate(brands); err != nil || n.Subject != "Rose" {
		t.Fatal(err)
	}
	for _, bad := range []NewPieceFields{
		{Subject: "", TargetHeightMM: 38},
		{Subject: "R", TargetHeightMM: 3000},
		{Subject: "R", TargetHeightMM: -1},
		{Subject: "R", TargetHeightMM: 38, ClayBrands: []string{"playdough"}},
		{Subject: "R", TargetHeightMM: 38, ClayBrands: []string{"premo", "premo"}},
	} {
		if err := bad.Validate(brands); ErrorCode(err) != Invalid {
			t.Errorf("accepted %+v", bad)
		}
	}
	h := 3000.0
	if _, err := (PieceUpdate{HeightMM: &h}).Apply(Piece{Subject: "R", TargetHeightMM: 38}, brands); ErrorCode(err) != Invalid {
		t.Fatal("a 3-metre miniature")
	}
}
