package storetest

import (
	"context"
	"testing"
	"time"

	"atelier/internal/costing"
	"atelier/internal/cure"
	"atelier/internal/provenance"
	"atelier/internal/store"
	"atelier/internal/studio"
)

// SeedCommission fills every commission table for a studio whose blobs
// photoSHA and variantSHA are already stored and recorded: an inquiry with
// a reference photo and a variant, a quote, its piece walked to quality
// control (a bake logged on the way) and failed there, an oven reading and
// a running bake with a thermometer reading, an edition with its master and
// a mould, a numbered piece whose certificate was handed on to a
// collector, and a reissue, a client's and a studio's message (queued for
// mail). Backup tests use it so that each table
// travels in their round trips.
func SeedCommission(tb testing.TB, s *store.Store, studioID, photoSHA, variantSHA string) {
	tb.Helper()
	ctx := context.Background()
	in := studio.InquiryFields{SubjectName: "Grandma Rose", Relationship: "grandmother", ContactName: "Lea", ContactEmail: "lea@example.com",
		Story: "She baked «Kipferl» every Sunday.", ConsentShowProcess: true}
	c, _, err := s.CreateInquiry(ctx, studioID, in, []store.NewPhoto{{Angle: studio.Front, SHA256: photoSHA, ContentType: "image/jpeg", Width: 640, Height: 480}})
	if err != nil {
		tb.Fatal(err)
	}
	d, err := s.Commission(ctx, studioID, c.ID)
	if err != nil {
		tb.Fatal(err)
	}
	seedMasks(tb, s, studioID, d.Photos[0].ID, photoSHA)
	variant := studio.File{StudioID: studioID, SHA256: variantSHA, ContentType: "image/jpeg"}
	if err := s.AddPhotoVariants(ctx, studioID, d.Photos[0].ID, []store.PhotoVariant{{Size: 400, Width: 400, Height: 300, File: variant}}); err != nil {
		tb.Fatal(err)
	}
	price, deposit := int64(45000), int64(15000)
	if _, err := s.MoveCommission(ctx, studioID, c.ID, "", studio.Move{To: studio.Quoted, PriceCents: &price, DepositCents: &deposit, PromisedDate: "2099-01-01"}); err != nil {
		tb.Fatal(err)
	}
	d, err = s.MoveCommission(ctx, studioID, c.ID, "", studio.Move{To: studio.Accepted})
	if err != nil {
		tb.Fatal(err)
	}
	piece, err := s.PieceOfCommission(ctx, studioID, c.ID)
	if err != nil {
		tb.Fatal(err)
	}
	WalkPiece(tb, s, studioID, piece.ID, studio.QC)
	no, yes := false, true
	checks := map[string]*bool{"proportions": &yes, "no_seams": &yes, "even_paint": &yes, "eyes": &no, "coating": &yes, "no_cracks": &yes}
	if _, err := s.RecordQC(ctx, studioID, piece.ID, "", checks, "left eye drifts"); err != nil {
		tb.Fatal(err)
	}
	seedBake(tb, s, studioID, piece.ID)
	seedEdition(tb, s, studioID)
	seedMaterials(tb, s, studioID, piece.ID)
	seedTimelapse(tb, s, studioID, piece.ID, variantSHA)
	seedPaletteSuggestion(tb, s, studioID, piece.ID, d.Photos[0].ID)
	if _, err := s.StartWork(ctx, studioID, piece.ID, ""); err != nil {
		tb.Fatal(err)
	}
	for _, m := range []store.NewMessage{
		{StudioID: studioID, CommissionID: c.ID, Author: studio.ByClient, Body: "Can she hold a rolling pin?"},
		{StudioID: studioID, CommissionID: c.ID, Author: studio.ByStudio, Body: "Your quote is ready.", Email: true},
	} {
		if _, err := s.PostMessage(ctx, m); err != nil {
			tb.Fatal(err)
		}
	}
}

// WalkPiece takes a piece from its stage through the pipeline until it
// reaches the stage until (quality control at most), through the store's
// own methods, as an artist would: every required item ticked, the grits
// in order, a palette, two coats logged afterwards, the measured size, some
// work at each stage. It returns the piece at until, where nothing is done
// yet.
func WalkPiece(tb testing.TB, s *store.Store, studioID, pieceID string, until studio.Stage) store.PieceDetail {
	tb.Helper()
	ctx := context.Background()
	must := func(d store.PieceDetail, err error) store.PieceDetail {
		tb.Helper()
		if err != nil {
			tb.Fatal(err)
		}
		return d
	}
	d := must(s.Piece(ctx, studioID, pieceID))
	thick, h, w, dep := 9.0, 41.0, 22.0, 19.0
	premo := []string{"premo"}
	must(s.UpdatePiece(ctx, studioID, pieceID, studio.PieceUpdate{ClayBrands: &premo, MaxThicknessMM: &thick}))
	st, err := s.Studio(ctx, studioID)
	if err != nil {
		tb.Fatal(err)
	}
	for d.Stage != until {
		for _, c := range d.Checklist {
			if c.Stage == d.Stage && c.Required && !c.Done {
				d = must(s.SetCheck(ctx, studioID, pieceID, c.Key, "", true))
			}
		}
		switch d.Stage {
		case studio.Sanding:
			for _, g := range st.GritProgression {
				d = must(s.LogGrit(ctx, studioID, pieceID, "", g, nil))
			}
		case studio.ColourPlan:
			d = must(s.SetPalette(ctx, studioID, pieceID, []studio.Colour{{Name: "skin", Hex: "#E8B99A", Role: "base"},
				{Name: "shadow", Hex: "#8A5A44", Role: "shadow"}, {Name: "light", Hex: "#FFF1E6", Role: "highlight"}}, ""))
		case studio.Finish:
			first, second := time.Now().Add(-3*time.Hour), time.Now().Add(-2*time.Hour)
			d = must(s.LogCoat(ctx, studioID, pieceID, "", studio.MattePolyurethane, false, &first))
			d = must(s.LogCoat(ctx, studioID, pieceID, "", studio.MattePolyurethane, true, &second))
		case studio.FirstBake:
			LogBake(tb, s, studioID, pieceID, d.UpdatedAt)
			d = must(s.Piece(ctx, studioID, pieceID))
		case studio.Mount:
			must(s.UpdatePiece(ctx, studioID, pieceID, studio.PieceUpdate{HeightMM: &h, WidthMM: &w, DepthMM: &dep}))
		}
		d = must(s.AddWork(ctx, studioID, pieceID, "", "", 25))
		d = must(s.AdvancePiece(ctx, studioID, pieceID, ""))
	}
	return d
}

// LogBake logs a bake of the piece afterwards, three hours to two before
// now (the store's time), in the studio's first oven, made when it has
// none: the piece may leave its first bake.
func LogBake(tb testing.TB, s *store.Store, studioID, pieceID string, now time.Time) studio.Bake {
	tb.Helper()
	ctx := context.Background()
	ovens, err := s.Ovens(ctx, studioID)
	if err != nil {
		tb.Fatal(err)
	}
	if len(ovens) == 0 {
		o, err := s.CreateOven(ctx, studioID, studio.Oven{Name: "Toaster oven", Kind: "toaster"})
		if err != nil {
			tb.Fatal(err)
		}
		ovens = append(ovens, o)
	}
	started, finished := now.Add(-3*time.Hour), now.Add(-2*time.Hour)
	b, err := s.PlanBake(ctx, studioID, "", store.NewBake{OvenID: ovens[0].ID, PieceIDs: []string{pieceID}, StartedAt: &started, FinishedAt: &finished})
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// seedBake calibrates the studio's first oven with one reading and starts
// a bake of the piece in it, with one thermometer reading.
func seedBake(tb testing.TB, s *store.Store, studioID, pieceID string) {
	tb.Helper()
	ctx := context.Background()
	ovens, err := s.Ovens(ctx, studioID)
	if err != nil || len(ovens) == 0 {
		tb.Fatalf("no oven to seed a bake in: %v", err)
	}
	if _, err := s.AddOvenReading(ctx, studioID, ovens[0].ID, cure.Reading{DialC: 130, ThermometerC: 138}); err != nil {
		tb.Fatal(err)
	}
	b, err := s.PlanBake(ctx, studioID, "", store.NewBake{OvenID: ovens[0].ID, PieceIDs: []string{pieceID}})
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := s.StartBake(ctx, studioID, b.ID); err != nil {
		tb.Fatal(err)
	}
	if _, err := s.AddBakeReading(ctx, studioID, b.ID, 141.5); err != nil {
		tb.Fatal(err)
	}
}

// seedEdition makes an edition with a master and a mould, issues its first
// piece, takes it to collector-grade and certifies it, and reissues the
// edition. It also chooses the studio's label stock.
func seedEdition(tb testing.TB, s *store.Store, studioID string) {
	tb.Helper()
	ctx := context.Background()
	e, err := s.CreateEdition(ctx, studioID, studio.Edition{Title: "Grandma Rose", Subject: "Grandma Rose", Size: 12, ClayBrands: []string{"premo"},
		TargetHeightMM: 40, Master: &studio.Stored{Name: "Rose master", Location: "shelf 2"}, Moulds: []studio.Stored{{Name: "Head", Location: "drawer A"}}})
	if err != nil {
		tb.Fatal(err)
	}
	first, _, err := s.IssueEditionPiece(ctx, studioID, "", e.ID, store.EditionPieceFields{})
	if err != nil {
		tb.Fatal(err)
	}
	CollectorGrade(tb, s, studioID, first.ID)
	story := "Cast from the master of the first Rose."
	ic, err := s.IssueCertificate(ctx, studioID, first.ID, &story)
	if err != nil {
		tb.Fatal(err)
	}
	// Sold, and handed on to a collector who shows her name.
	t := studio.Transfer{Serial: ic.Serial, Code: ic.TransferCode, NewOwnerName: "Marta Lindqvist", ShowName: true}
	if _, err := s.TransferCertificate(ctx, t); err != nil {
		tb.Fatal(err)
	}
	if _, err := s.ReissueEdition(ctx, studioID, e.ID, 15, ""); err != nil {
		tb.Fatal(err)
	}
	seedWitness(tb, s, studioID)
	if _, err := s.SetCostingRates(ctx, studioID, costing.Rates{HourlyRateCents: 3500, KWhPriceMilliCents: 31720, Markup: 2.5, Rounding: costing.RoundFive}); err != nil {
		tb.Fatal(err)
	}
	seedHours(tb, s, studioID)
	if err := s.SetStageDefaults(ctx, studioID, map[studio.Stage]int{studio.Sculpt: 300, studio.Paint: 150}); err != nil {
		tb.Fatal(err)
	}
	err = s.SetLabelSettings(ctx, studioID, studio.LabelSettings{Stock: "custom", OffsetXMM: 0.5, OffsetYMM: -1,
		Custom: &studio.LabelGeometry{PageWidthMM: 210, PageHeightMM: 297, LabelWidthMM: 70, LabelHeightMM: 37, Columns: 3, Rows: 8, PitchXMM: 70, PitchYMM: 37}})
	if err != nil {
		tb.Fatal(err)
	}
}

// CollectorGradeNew starts a piece and takes it to collector-grade,
// returning its id.
func CollectorGradeNew(tb testing.TB, s *store.Store, studioID string) string {
	tb.Helper()
	d, err := s.CreatePiece(context.Background(), studioID, "", studio.NewPieceFields{Subject: "Grandma Rose", ClayBrands: []string{"premo"}, TargetHeightMM: 40})
	if err != nil {
		tb.Fatal(err)
	}
	CollectorGrade(tb, s, studioID, d.ID)
	return d.ID
}

// CollectorGrade walks a piece through the pipeline and passes its
// quality control: it returns the piece at collector-grade.
func CollectorGrade(tb testing.TB, s *store.Store, studioID, pieceID string) store.PieceDetail {
	tb.Helper()
	WalkPiece(tb, s, studioID, pieceID, studio.QC)
	yes := true
	checks := map[string]*bool{}
	for _, k := range []string{"proportions", "no_seams", "even_paint", "eyes", "coating", "no_cracks"} {
		checks[k] = &yes
	}
	if _, err := s.RecordQC(context.Background(), studioID, pieceID, "", checks, "ready for its collector"); err != nil {
		tb.Fatal(err)
	}
	d, err := s.Piece(context.Background(), studioID, pieceID)
	if err != nil {
		tb.Fatal(err)
	}
	if d.Stage != studio.CollectorGrade {
		tb.Fatalf("piece is at %s after passing quality control", d.Stage)
	}
	return d
}

// seedWitness lists a witness for the studio and records its cosignature
// of the current checkpoint, as the witness job would.
func seedWitness(tb testing.TB, s *store.Store, studioID string) {
	tb.Helper()
	ctx := context.Background()
	seed := make([]byte, 32)
	vkey, err := provenance.WitnessKey("witness.example/w1", seed)
	if err != nil {
		tb.Fatal(err)
	}
	if err := s.SetStudioWitnesses(ctx, studioID, 1, []store.StudioWitness{{URL: "https://witness.example/w1", Verifier: vkey}}); err != nil {
		tb.Fatal(err)
	}
	subs, err := s.WitnessSubmissions(ctx, studioID)
	if err != nil || len(subs) != 1 {
		tb.Fatalf("witness submissions %v %v", subs, err)
	}
	lines, err := provenance.Cosign("witness.example/w1", seed, subs[0].Text)
	if err != nil {
		tb.Fatal(err)
	}
	if err := s.RecordCosignature(ctx, studioID, subs[0].Witness.ID, subs[0].Size, lines); err != nil {
		tb.Fatal(err)
	}
}

// seedMaterials stocks a block of clay, buys more at another price and uses
// one for the piece, with the studio's stock check switched off.
func seedMaterials(tb testing.TB, s *store.Store, studioID, pieceID string) {
	tb.Helper()
	ctx := context.Background()
	m, err := s.CreateMaterial(ctx, studioID, "", studio.Material{Name: "Sculpey Premo!, beige", Category: studio.CatClay, Unit: studio.UnitBlock,
		Quantity: studio.WholeUnits(2), UnitCostCents: 299, ReorderLevel: studio.WholeUnits(1), Supplier: "Modulor", Notes: "57 g «blocks»"})
	if err != nil {
		tb.Fatal(err)
	}
	for _, mv := range []studio.StockMove{
		{Kind: studio.MovePurchase, Quantity: studio.WholeUnits(2), UnitCostCents: 349},
		{Kind: studio.MoveUse, Quantity: studio.WholeUnits(1), PieceID: pieceID},
	} {
		if _, _, err := s.AddMove(ctx, studioID, "", m.ID, mv); err != nil {
			tb.Fatal(err)
		}
	}
	if err := s.SetNegativeStockAllowed(ctx, studioID, true); err != nil {
		tb.Fatal(err)
	}
}

// seedHours gives the studio a week of its own, a day off, and its first
// person with shorter hours (a studio without people gets one).
func seedHours(tb testing.TB, s *store.Store, studioID string) {
	tb.Helper()
	ctx := context.Background()
	users, err := s.Users(ctx, studioID)
	if err != nil {
		tb.Fatal(err)
	}
	if len(users) == 0 {
		st, err := s.Studio(ctx, studioID)
		if err != nil {
			tb.Fatal(err)
		}
		u, err := s.CreateUser(ctx, studio.NewUser{StudioSlug: st.Slug, Email: "hours-" + st.Slug + "@example.com", Name: "Ana", Role: studio.Owner,
			Password: "a long password"})
		if err != nil {
			tb.Fatal(err)
		}
		users = append(users, u)
	}
	short := studio.Week{}
	short[1] = []studio.Span{{Start: 10 * 60, End: 14 * 60}}
	week := studio.DefaultWeek()
	week[6] = []studio.Span{{Start: 10 * 60, End: 13 * 60}}
	if _, err := s.SetCapacity(ctx, studioID, studio.Capacity{Week: week, DaysOff: []string{"2026-12-24"},
		Workers: []studio.Worker{{UserID: users[0].ID, Week: &short}}}); err != nil {
		tb.Fatal(err)
	}
}
