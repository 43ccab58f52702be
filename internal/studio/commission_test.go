package studio

import (
	"slices"
	"strings"
	"testing"
	"time"
)

func ptr[T any](v T) *T { return &v }

func TestNextStatuses(t *testing.T) {
	tests := map[CommissionStatus][]CommissionStatus{
		Inquiry:      {Quoted, Declined, Cancelled},
		Quoted:       {Quoted, Accepted, Declined, Cancelled},
		Accepted:     {InProduction, Cancelled},
		InProduction: {Ready, Cancelled},
		Ready:        {Shipped, Cancelled},
		Shipped:      {Closed},
		Closed:       nil,
		Declined:     nil,
		Cancelled:    nil,
	}
	for from, want := range tests {
		if got := NextStatuses(from); !slices.Equal(got, want) {
			t.Errorf("%s → %v, want %v", from, got, want)
		}
	}
}

func TestCommissionApply(t *testing.T) {
	now := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	const today = "2026-11-25"
	quote := Move{To: Quoted, PriceCents: ptr[int64](45000), DepositCents: ptr[int64](15000), PromisedDate: "2027-01-15"}
	tests := []struct {
		name  string
		from  CommissionStatus
		move  Move
		code  Code
		field string
		msg   string
	}{
		{"quote", Inquiry, quote, "", "", ""},
		{"re-quote", Quoted, quote, "", "", ""},
		{"quote without price", Inquiry, Move{To: Quoted, DepositCents: ptr[int64](0), PromisedDate: "2027-01-15"}, Invalid, "price_cents", ""},
		{"deposit over price", Inquiry, Move{To: Quoted, PriceCents: ptr[int64](100), DepositCents: ptr[int64](101), PromisedDate: "2027-01-15"}, Invalid, "deposit_cents", ""},
		{"negative deposit", Inquiry, Move{To: Quoted, PriceCents: ptr[int64](100), DepositCents: ptr[int64](-1), PromisedDate: "2027-01-15"}, Invalid, "deposit_cents", ""},
		{"promised in the past", Inquiry, Move{To: Quoted, PriceCents: ptr[int64](100), DepositCents: ptr[int64](0), PromisedDate: "2026-11-24"}, Invalid, "promised_date", ""},
		{"promised badly written", Inquiry, Move{To: Quoted, PriceCents: ptr[int64](100), DepositCents: ptr[int64](0), PromisedDate: "15/01/2027"}, Invalid, "promised_date", ""},
		{"accept an inquiry", Inquiry, Move{To: Accepted}, Conflict, "status", "can become: quoted, declined, cancelled"},
		{"skip to shipped", Accepted, Move{To: Shipped}, Conflict, "status", "can become: in_production, cancelled"},
		{"cancel without reason", Accepted, Move{To: Cancelled}, Invalid, "reason", ""},
		{"cancel", InProduction, Move{To: Cancelled, Reason: "client moved away"}, "", "", ""},
		{"cancel after shipping", Shipped, Move{To: Cancelled, Reason: "x"}, Conflict, "status", "can become: closed"},
		{"decline once accepted", Accepted, Move{To: Declined, Reason: "x"}, Conflict, "status", ""},
		{"anything after closed", Closed, Move{To: Quoted}, Conflict, "status", "nothing follows"},
		{"unknown status", Inquiry, Move{To: "paid"}, Invalid, "status", ""},
		{"ship", Ready, Move{To: Shipped, Tracking: " RR123456789AT "}, "", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := Commission{Status: tt.from}
			got, err := c.Apply(tt.move, today, now)
			if tt.code == "" {
				if err != nil {
					t.Fatal(err)
				}
				if got.Status != tt.move.To || !got.UpdatedAt.Equal(now) {
					t.Fatalf("moved to %s at %v", got.Status, got.UpdatedAt)
				}
				return
			}
			e, ok := err.(*Error)
			if !ok || e.Code != tt.code || e.Fields[tt.field] == "" || !strings.Contains(e.Message, tt.msg) {
				t.Fatalf("want %s on %s containing %q, got %#v", tt.code, tt.field, tt.msg, err)
			}
			if got.Status != tt.from {
				t.Fatal("a refused move changed the status")
			}
		})
	}
}

func TestInquiryValidate(t *testing.T) {
	ok := func() InquiryFields {
		return InquiryFields{SubjectName: " Grandma Rose ", ContactName: "Lea", ContactEmail: "Lea@Example.com"}
	}
	in := ok()
	if err := in.Validate("2026-11-25"); err != nil || in.SubjectName != "Grandma Rose" || in.ContactEmail != "lea@example.com" {
		t.Fatalf("%v %+v", err, in)
	}
	tests := []struct {
		name   string
		mutate func(*InquiryFields)
		field  string
	}{
		{"no subject", func(in *InquiryFields) { in.SubjectName = "" }, "subject_name"},
		{"no contact", func(in *InquiryFields) { in.ContactName = " " }, "contact_name"},
		{"bad e-mail", func(in *InquiryFields) { in.ContactEmail = "lea@" }, "contact_email"},
		{"past deadline", func(in *InquiryFields) { in.Deadline = "2026-11-24" }, "deadline"},
		{"bad deadline", func(in *InquiryFields) { in.Deadline = "next week" }, "deadline"},
		{"negative budget", func(in *InquiryFields) { in.BudgetCents = ptr[int64](-5) }, "budget_cents"},
		{"3-metre miniature", func(in *InquiryFields) { in.TargetHeightMM = ptr(3000.0) }, "target_height_mm"},
		{"zero height", func(in *InquiryFields) { in.TargetHeightMM = ptr(0.0) }, "target_height_mm"},
		{"long story", func(in *InquiryFields) { in.Story = strings.Repeat("a", 10001) }, "story"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := ok()
			tt.mutate(&in)
			e, isErr := in.Validate("2026-11-25").(*Error)
			if !isErr || e.Fields[tt.field] == "" {
				t.Fatalf("want %s refused, got %v", tt.field, e)
			}
		})
	}
}

func TestMissingAngles(t *testing.T) {
	tests := []struct {
		have []Angle
		want string
	}{
		{nil, "front profile three_quarter"},
		{[]Angle{Front, Back, OtherAngle}, "profile three_quarter"},
		{[]Angle{Front, RightProfile}, "three_quarter"},
		{[]Angle{ThreeQuarter, LeftProfile, Front}, ""},
	}
	for _, tt := range tests {
		if got := strings.Join(MissingAngles(tt.have), " "); got != tt.want {
			t.Errorf("%v → %q, want %q", tt.have, got, tt.want)
		}
	}
	if !Front.Valid() || Angle("top").Valid() {
		t.Fatal("angle validity")
	}
}
