package store_test

import (
	"testing"

	"atelier/internal/store"
	"atelier/internal/store/storetest"
	"atelier/internal/studio"
)

func mustInquiry(t *testing.T, s *store.Store, studioID, subject string) (studio.Commission, string) {
	t.Helper()
	c, portal, err := s.CreateInquiry(ctx, studioID, studio.InquiryFields{SubjectName: subject, ContactName: "Lea", ContactEmail: "lea@example.com"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return c, portal
}

func mustPortalLink(t *testing.T, s *store.Store, studioID, id string) string {
	t.Helper()
	link, err := s.PortalLink(ctx, studioID, id)
	if err != nil {
		t.Fatal(err)
	}
	return link
}

// The link kept for a commission is the one its client holds; a sealed
// link moved onto another commission's row does not open there, and a
// studio sees no other studio's link.
func TestPortalLinkKeptSealedForItsCommission(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ana, ben := mustStudio(t, s, "ana"), mustStudio(t, s, "ben")
		rose, portal := mustInquiry(t, s, ana.ID, "Rose")
		tom, _ := mustInquiry(t, s, ana.ID, "Tom")
		if got := mustPortalLink(t, s, ana.ID, rose.ID); got != portal {
			t.Fatalf("kept link %q, the client's %q", got, portal)
		}
		_, err := s.PortalLink(ctx, ben.ID, rose.ID)
		wantCode(t, err, studio.NotFound)

		if _, err := s.DB().ExecContext(ctx, `UPDATE portal_links SET token_sealed = (SELECT token_sealed FROM portal_links WHERE commission_id = $1) WHERE commission_id = $2`, rose.ID, tom.ID); err != nil {
			t.Fatal(err)
		}
		if got := mustPortalLink(t, s, ana.ID, tom.ID); got != "" {
			t.Fatalf("a link sealed for another commission opened: %q", got)
		}

		fresh, err := s.RenewPortalLink(ctx, ana.ID, rose.ID, "")
		if err != nil {
			t.Fatal(err)
		}
		if got := mustPortalLink(t, s, ana.ID, rose.ID); got != fresh || fresh == portal {
			t.Fatalf("renewed link %q, kept %q, old %q", fresh, got, portal)
		}
		_, _, err = s.CommissionByPortal(ctx, portal)
		wantCode(t, err, studio.NotFound)
		if _, d, err := s.CommissionByPortal(ctx, fresh); err != nil || d.ID != rose.ID {
			t.Fatalf("the new link finds %v, %v", d.ID, err)
		}
	})
}

// An edit of a request keeps a client's wish date that has since passed,
// but refuses a new one in the past, and leaves a finished commission as
// it was.
func TestUpdateInquiryRules(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ana := mustStudio(t, s, "ana")
		c, _ := mustInquiry(t, s, ana.ID, "Rose")
		if _, err := s.DB().ExecContext(ctx, `UPDATE commissions SET deadline = '2001-05-01' WHERE id = $1`, c.ID); err != nil {
			t.Fatal(err)
		}
		in := c.Inquiry
		in.Deadline, in.Occasion = "2001-05-01", "wedding"
		d, err := s.UpdateInquiry(ctx, ana.ID, c.ID, "", in)
		if err != nil || d.Inquiry.Occasion != "wedding" {
			t.Fatalf("edit with the old wish date: %v %+v", err, d.Inquiry)
		}
		in.Deadline = "2001-06-01"
		_, err = s.UpdateInquiry(ctx, ana.ID, c.ID, "", in)
		wantCode(t, err, studio.Invalid)
		if _, err := s.MoveCommission(ctx, ana.ID, c.ID, "", studio.Move{To: studio.Declined, Reason: "booked out"}); err != nil {
			t.Fatal(err)
		}
		in.Deadline = ""
		_, err = s.UpdateInquiry(ctx, ana.ID, c.ID, "", in)
		wantCode(t, err, studio.Conflict)
	})
}
