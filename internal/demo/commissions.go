package demo

import (
	"context"
	"fmt"

	"atelier/internal/store"
	"atelier/internal/studio"
)

// order is a demo commission: the client's questionnaire, the angles of
// the photos they sent, and how far it has come.
type order struct {
	in     studio.InquiryFields
	angles []studio.Angle
	status studio.CommissionStatus
	// stage is where an in-production commission's piece stands.
	stage studio.Stage
	// euros is the quoted price; days, the promised date from today.
	euros, days int64
	// reason is why it was declined or cancelled; tracking, the parcel's.
	reason, tracking string
	// messages alternate client, studio, client…
	messages []string
	// sentBack fails a check at quality control once first, so the
	// piece's history shows a return.
	sentBack string
	// portal marks the commission whose client portal the login names.
	portal bool
}

var complete = []studio.Angle{studio.Front, studio.LeftProfile, studio.ThreeQuarter}

func inquiry(subject, relationship, occasion, pose, contact, email, story string, mm float64) studio.InquiryFields {
	return studio.InquiryFields{SubjectName: subject, Relationship: relationship, Occasion: occasion, Pose: pose, Story: story,
		TargetHeightMM: &mm, ContactName: contact, ContactEmail: email, ConsentShowProcess: true}
}

// orders covers every commission status, and with the edition's pieces
// every stage of the pipeline.
var orders = []order{
	{in: inquiry("Grandpa Walter", "grandfather", "80th birthday", "Sitting in his armchair with the newspaper", "Sabine Gruber", "sabine@example.com",
		"He read the paper cover to cover every morning, pipe in hand.", 45), angles: []studio.Angle{studio.Front}, status: studio.Inquiry,
		messages: []string{"I only have one good photo of him, from the front. Will that do?",
			"A front view is a good start. A profile and a three-quarter view would get his nose and ears right: could you look through the family albums?"}},
	{in: inquiry("Lena Berger", "bride", "Wedding", "Standing, holding her bouquet", "Jakob Berger", "jakob@example.com",
		"A surprise for our first anniversary.", 50), angles: complete, status: studio.Inquiry},
	{in: inquiry("Coach Tomás", "football coach", "Retirement", "Arms crossed, whistle round his neck", "Team parents", "parents@example.com",
		"Thirty years of Saturday mornings on the same pitch.", 40), angles: complete, status: studio.Quoted, euros: 420, days: 45,
		messages: []string{"Could he wear the club's scarf?", "He can: the scarf is in the quote. The deposit starts the work."}},
	{in: inquiry("Oma Hedwig", "grandmother", "Christmas", "Knitting in her rocking chair", "Paul Wenger", "paul@example.com",
		"She knitted a scarf for every grandchild, 23 of them.", 38), angles: complete, status: studio.Accepted, euros: 380, days: 50},
	{in: inquiry("Dr. Amara Okafor", "daughter", "Doctorate", "In her gown, holding the thesis", "Grace Okafor", "grace@example.com",
		"The first doctor in the family.", 42), angles: complete, status: studio.InProduction, stage: studio.Armature, euros: 450, days: 40},
	{in: inquiry("Little Jonas", "son", "First football season", "Kicking a ball, mid-stride", "Eva Lang", "eva@example.com",
		"Six years old and never without his boots.", 35), angles: complete, status: studio.InProduction, stage: studio.FirstBake, euros: 360, days: 30},
	{in: inquiry("Captain Erik", "grandfather", "Golden wedding", "Standing at the wheel in his cap", "Ingrid Holm", "ingrid@example.com",
		"Forty years on the Danube ferries.", 48), angles: complete, status: studio.InProduction, stage: studio.Finish, euros: 480, days: 21,
		messages: []string{"Will the cap have the anchor badge?", "It will: it is painted, and the varnish is going on today."}},
	{in: inquiry("Aunt Marguerite", "aunt", "70th birthday", "Seated, playing her cello", "Claire Dubois", "claire@example.com",
		"She played in the same orchestra for forty-two years.", 45), angles: complete, status: studio.InProduction, stage: studio.QC, euros: 520, days: 14,
		sentBack: "eyes", portal: true,
		messages: []string{"How is she coming along?",
			"She is at quality control. Her left eye drifted at the first check, so she went back to painting for a day; the photos are in your portal.",
			"She looks just like her. Thank you!"}},
	{in: inquiry("Professor Lindqvist", "mentor", "Retirement", "Lecturing, chalk in hand", "Department of Botany", "botany@example.com",
		"Forty years of teaching the names of plants.", 40), angles: complete, status: studio.Ready, euros: 440, days: 7,
		messages: []string{"Is she finished yet? The farewell party is next Friday.", "She is: she passed quality control this morning and goes out tomorrow."}},
	{in: inquiry("Nonna Lucia", "grandmother", "Mother's Day", "Rolling out pasta dough", "Marco Rossi", "marco@example.com",
		"Sunday lunch was never fewer than twelve people.", 40), angles: complete, status: studio.Shipped, euros: 400, days: 3, tracking: "AT 1Z 482 331 09",
		messages: []string{"The tracking page says she left Vienna!"}},
	{in: inquiry("Papa Ferdinand", "father", "Father's Day", "In his fishing hat with a trout", "Anna Huber", "anna@example.com",
		"Every summer at the Traunsee.", 42), angles: complete, status: studio.Closed, euros: 390, days: 2, tracking: "AT 1Z 480 117 52",
		messages: []string{"He is on the mantelpiece and everyone asks about him. Thank you!"}},
	{in: inquiry("FC Simmering", "team", "Championship", "All twenty-two players", "Club office", "office@example.com",
		"Champions after 31 years.", 30), angles: complete, status: studio.Declined,
		reason: "Twenty-two figures by May is more than one studio can do well; I suggested a figure of the captain instead."},
	{in: inquiry("Uncle Bernd", "uncle", "Birthday", "With his accordion", "Petra Maier", "petra@example.com",
		"The life of every party.", 40), angles: complete, status: studio.Cancelled, euros: 380, days: 35,
		reason: "The client's plans changed; the deposit was not yet paid."},
}

// commissions makes the orders and returns the secret of the portal marked.
func (b *builder) commissions(ctx context.Context) (string, error) {
	var portal string
	for i, o := range orders {
		hue := float64(i) * 360 / float64(len(orders))
		secret, err := b.commission(ctx, o, hue)
		if err != nil {
			return "", fmt.Errorf("commission %q: %w", o.in.SubjectName, err)
		}
		if o.portal {
			portal = secret
		}
	}
	return portal, nil
}

// commission makes one order: the inquiry with its photos, then each move
// to its status, its piece walked along; it returns the portal's secret.
func (b *builder) commission(ctx context.Context, o order, hue float64) (string, error) {
	var c studio.Commission
	var secret string
	looks := make([]look, len(o.angles))
	for i, a := range o.angles {
		looks[i] = look{hue: hue, angle: a}
	}
	err := photos(ctx, b.blobs, "reference", looks, func(nps []store.NewPhoto) error {
		var err error
		c, secret, err = b.st.CreateInquiry(ctx, b.studio.ID, o.in, nps)
		return err
	})
	if err != nil {
		return "", err
	}
	if err := b.messages(ctx, c.ID, o.messages); err != nil {
		return "", err
	}
	return secret, b.progress(ctx, c.ID, o, hue)
}

// progress moves the commission along its lifecycle to the order's status.
func (b *builder) progress(ctx context.Context, id string, o order, hue float64) error {
	switch o.status {
	case studio.Inquiry:
		return nil
	case studio.Declined:
		return b.move(ctx, id, studio.Move{To: studio.Declined, Reason: o.reason})
	}
	// A third down, in whole tens, as an artist would ask for it.
	price, deposit := o.euros*100, o.euros/30*10*100
	if err := b.move(ctx, id, studio.Move{To: studio.Quoted, PriceCents: &price, DepositCents: &deposit, PromisedDate: b.day(int(o.days))}); err != nil {
		return err
	}
	switch o.status {
	case studio.Quoted:
		return nil
	case studio.Cancelled:
		return b.move(ctx, id, studio.Move{To: studio.Cancelled, Reason: o.reason})
	}
	if err := b.move(ctx, id, studio.Move{To: studio.Accepted}); err != nil {
		return err
	}
	p, err := b.st.PieceOfCommission(ctx, b.studio.ID, id)
	if err != nil || o.status == studio.Accepted {
		return err
	}
	if o.status == studio.InProduction {
		return b.produce(ctx, p.ID, o, hue)
	}
	// Passing quality control makes the commission ready by itself.
	if err := b.collectorGrade(ctx, p.ID, hue); err != nil {
		return err
	}
	b.finished = append(b.finished, p.ID)
	if o.status == studio.Ready {
		return nil
	}
	if err := b.move(ctx, id, studio.Move{To: studio.Shipped, Tracking: o.tracking}); err != nil || o.status == studio.Shipped {
		return err
	}
	return b.move(ctx, id, studio.Move{To: studio.Closed})
}

// produce walks an in-production commission's piece to its stage and
// leaves there what the artist is waiting on.
func (b *builder) produce(ctx context.Context, pieceID string, o order, hue float64) error {
	if o.sentBack != "" {
		if _, err := b.walk(ctx, pieceID, studio.QC, hue); err != nil {
			return err
		}
		if _, err := b.recordQC(ctx, pieceID, o.sentBack, "The left eye drifts outwards; repaint the iris."); err != nil {
			return err
		}
	}
	if _, err := b.walk(ctx, pieceID, o.stage, hue); err != nil {
		return err
	}
	switch o.stage {
	case studio.FirstBake:
		return b.runningBake(ctx, pieceID)
	case studio.Finish:
		return b.dryingCoat(ctx, pieceID)
	}
	return nil
}

func (b *builder) move(ctx context.Context, id string, m studio.Move) error {
	_, err := b.st.MoveCommission(ctx, b.studio.ID, id, "", m)
	return err
}

// messages posts a conversation, the client first; none is e-mailed.
func (b *builder) messages(ctx context.Context, commissionID string, bodies []string) error {
	for i, body := range bodies {
		author := studio.ByClient
		if i%2 == 1 {
			author = studio.ByStudio
		}
		if _, err := b.st.PostMessage(ctx, store.NewMessage{StudioID: b.studio.ID, CommissionID: commissionID, Author: author, Body: body}); err != nil {
			return err
		}
	}
	return nil
}
