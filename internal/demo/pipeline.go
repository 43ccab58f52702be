package demo

import (
	"context"
	"time"

	"atelier/internal/cure"
	"atelier/internal/store"
	"atelier/internal/studio"
)

// workMinutes is a believable time at each stage, so that the costs and
// the forecast have hours to work with.
var workMinutes = map[studio.Stage]int{
	studio.Concept: 40, studio.Armature: 55, studio.Sculpt: 240, studio.Texture: 70, studio.FirstBake: 15,
	studio.Sanding: 60, studio.ColourPlan: 25, studio.Paint: 180, studio.Finish: 35, studio.Mount: 30, studio.QC: 15,
}

// photoStages are where the artist takes process photos on the way; they
// are shared with the client, so the portal shows the work.
var photoStages = map[studio.Stage]string{
	studio.Sculpt: "Sculpted in raw clay, before the first bake",
	studio.Paint:  "Painted, with the eyes glossed",
}

// walk takes a piece from its stage to until as an artist would: every
// required item ticked, the grits in order, a palette, two coats, the
// measured size, work booked at each stage, photos at sculpt and paint.
// hue colours the photos and the palette. It stops at until with nothing
// of that stage done yet.
func (b *builder) walk(ctx context.Context, pieceID string, until studio.Stage, hue float64) (store.PieceDetail, error) {
	thick, premo := 9.0, []string{"premo"}
	d, err := b.st.UpdatePiece(ctx, b.studio.ID, pieceID, studio.PieceUpdate{ClayBrands: &premo, MaxThicknessMM: &thick})
	for err == nil && d.Stage != until {
		if err = b.doStage(ctx, d, hue); err != nil {
			break
		}
		if _, err = b.st.AddWork(ctx, b.studio.ID, pieceID, "", "", workMinutes[d.Stage]); err != nil {
			break
		}
		d, err = b.st.AdvancePiece(ctx, b.studio.ID, pieceID, "")
	}
	return d, err
}

// doStage does what the piece's stage asks before it may move on.
func (b *builder) doStage(ctx context.Context, d store.PieceDetail, hue float64) error {
	id := d.ID
	for _, c := range d.Checklist {
		if c.Stage == d.Stage && c.Required && !c.Done {
			if _, err := b.st.SetCheck(ctx, b.studio.ID, id, c.Key, "", true); err != nil {
				return err
			}
		}
	}
	if caption, ok := photoStages[d.Stage]; ok {
		if d.Pass > 1 {
			caption = "Redone after quality control"
		}
		if err := b.processPhoto(ctx, id, d.Stage, hue, caption); err != nil {
			return err
		}
	}
	var err error
	switch d.Stage {
	case studio.FirstBake:
		started, finished := b.now.Add(-3*time.Hour), b.now.Add(-2*time.Hour)
		_, err = b.st.PlanBake(ctx, b.studio.ID, "", store.NewBake{OvenID: b.ovenID, PieceIDs: []string{id}, StartedAt: &started, FinishedAt: &finished})
	case studio.Sanding:
		for _, g := range b.studio.GritProgression {
			if _, err = b.st.LogGrit(ctx, b.studio.ID, id, "", g, nil); err != nil {
				return err
			}
		}
	case studio.ColourPlan:
		_, err = b.st.SetPalette(ctx, b.studio.ID, id, palette(hue), "")
	case studio.Finish:
		first, second := b.now.Add(-3*time.Hour), b.now.Add(-2*time.Hour)
		if _, err = b.st.LogCoat(ctx, b.studio.ID, id, "", studio.MattePolyurethane, false, &first); err == nil {
			_, err = b.st.LogCoat(ctx, b.studio.ID, id, "", studio.MattePolyurethane, true, &second)
		}
	case studio.Mount:
		h, w, dep := 42.5, 21.0, 18.5
		_, err = b.st.UpdatePiece(ctx, b.studio.ID, id, studio.PieceUpdate{HeightMM: &h, WidthMM: &w, DepthMM: &dep})
	}
	return err
}

// palette is a limited palette of four: skin, its shadow and highlight,
// and the commission's accent colour.
func palette(hue float64) []studio.Colour {
	return []studio.Colour{{Name: "Skin", Hex: "#E8B99A", Role: "base"}, {Name: "Warm shadow", Hex: "#8A5A44", Role: "shadow"},
		{Name: "Highlight", Hex: "#FFF1E6", Role: "highlight"}, {Name: "Accent", Hex: hex(hue), Role: "accent"}}
}

func hex(hue float64) string {
	c := hsl(hue, 0.5, 0.45)
	const digits = "0123456789ABCDEF"
	out := []byte{'#'}
	for _, v := range []uint8{c.R, c.G, c.B} {
		out = append(out, digits[v>>4], digits[v&15])
	}
	return string(out)
}

// processPhoto attaches a placeholder photo of the piece at stage, shared
// with its client.
func (b *builder) processPhoto(ctx context.Context, pieceID string, stage studio.Stage, hue float64, caption string) error {
	return photos(ctx, b.blobs, "process-"+string(stage), []look{{hue: hue, angle: studio.ThreeQuarter, stage: stage}}, func(nps []store.NewPhoto) error {
		_, err := b.st.AddProcessPhotos(ctx, b.studio.ID, pieceID, stage, true, caption, nps)
		return err
	})
}

// qcChecks are the guide's six checks.
var qcChecks = []string{"proportions", "no_seams", "even_paint", "eyes", "coating", "no_cracks"}

// recordQC records a quality control at which every check passes but
// failing, if one is named.
func (b *builder) recordQC(ctx context.Context, pieceID, failing, notes string) (store.PieceDetail, error) {
	checks := map[string]*bool{}
	for _, k := range qcChecks {
		ok := k != failing
		checks[k] = &ok
	}
	return b.st.RecordQC(ctx, b.studio.ID, pieceID, "", checks, notes)
}

// collectorGrade walks a piece to quality control and passes it there.
func (b *builder) collectorGrade(ctx context.Context, pieceID string, hue float64) error {
	if _, err := b.walk(ctx, pieceID, studio.QC, hue); err != nil {
		return err
	}
	_, err := b.recordQC(ctx, pieceID, "", "Ready for its collector.")
	return err
}

// workshop sets the studio up as the artist would before the first piece:
// an oven calibrated against a thermometer, and costing rates.
func (b *builder) workshop(ctx context.Context) error {
	power := 1500
	o, err := b.st.CreateOven(ctx, b.studio.ID, studio.Oven{Name: "Toaster oven", Kind: "toaster", PowerW: &power})
	if err != nil {
		return err
	}
	b.ovenID = o.ID
	// This oven runs hot, as toaster ovens do: the calibration chart shows
	// it and the bakes dial lower.
	for _, r := range []cure.Reading{{DialC: 110, ThermometerC: 117}, {DialC: 130, ThermometerC: 138}, {DialC: 150, ThermometerC: 159}} {
		if _, err := b.st.AddOvenReading(ctx, b.studio.ID, o.ID, r); err != nil {
			return err
		}
	}
	_, err = b.st.SetCostingRates(ctx, b.studio.ID, costingRates)
	return err
}

// runningBake puts the piece in the oven now, so the bake page counts down.
func (b *builder) runningBake(ctx context.Context, pieceID string) error {
	bake, err := b.st.PlanBake(ctx, b.studio.ID, "", store.NewBake{OvenID: b.ovenID, PieceIDs: []string{pieceID}})
	if err != nil {
		return err
	}
	if _, err := b.st.StartBake(ctx, b.studio.ID, bake.ID); err != nil {
		return err
	}
	_, err = b.st.AddBakeReading(ctx, b.studio.ID, bake.ID, 131)
	return err
}

// dryingCoat logs the first coat of finish a few minutes ago, so its
// drying timer runs.
func (b *builder) dryingCoat(ctx context.Context, pieceID string) error {
	at := b.now.Add(-7 * time.Minute)
	_, err := b.st.LogCoat(ctx, b.studio.ID, pieceID, "", studio.MattePolyurethane, false, &at)
	return err
}
