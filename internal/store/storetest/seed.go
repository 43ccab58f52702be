package storetest

import (
	"context"
	"testing"

	"atelier/internal/store"
	"atelier/internal/studio"
)

// SeedCommission fills every commission table for a studio whose blobs
// photoSHA and variantSHA are already stored and recorded: an inquiry with
// a reference photo and a variant, a quote, a client's and a studio's
// message (queued for mail). Backup tests use it so that each table
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
	variant := studio.File{StudioID: studioID, SHA256: variantSHA, ContentType: "image/jpeg"}
	if err := s.AddPhotoVariants(ctx, studioID, d.Photos[0].ID, []store.PhotoVariant{{Size: 400, Width: 400, Height: 300, File: variant}}); err != nil {
		tb.Fatal(err)
	}
	price, deposit := int64(45000), int64(15000)
	if _, err := s.MoveCommission(ctx, studioID, c.ID, "", studio.Move{To: studio.Quoted, PriceCents: &price, DepositCents: &deposit, PromisedDate: "2099-01-01"}); err != nil {
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
