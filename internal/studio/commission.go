package studio

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// CommissionStatus is where a commission stands in its lifecycle.
type CommissionStatus string

const (
	Inquiry      CommissionStatus = "inquiry"
	Quoted       CommissionStatus = "quoted"
	Accepted     CommissionStatus = "accepted"
	InProduction CommissionStatus = "in_production"
	Ready        CommissionStatus = "ready"
	Shipped      CommissionStatus = "shipped"
	Closed       CommissionStatus = "closed"
	Declined     CommissionStatus = "declined"
	Cancelled    CommissionStatus = "cancelled"
)

// CommissionStatuses lists every status in lifecycle order.
var CommissionStatuses = []CommissionStatus{Inquiry, Quoted, Accepted, InProduction, Ready, Shipped, Closed, Declined, Cancelled}

// forward is the one way through the lifecycle; a quote may be revised
// while it is still a quote.
var forward = map[CommissionStatus][]CommissionStatus{
	Inquiry:      {Quoted},
	Quoted:       {Quoted, Accepted},
	Accepted:     {InProduction},
	InProduction: {Ready},
	Ready:        {Shipped},
	Shipped:      {Closed},
}

// NextStatuses lists where a commission may go from s: the next step, and
// declined or cancelled at any point before shipping.
func NextStatuses(s CommissionStatus) []CommissionStatus {
	next := slices.Clone(forward[s])
	if slices.Contains([]CommissionStatus{Inquiry, Quoted}, s) {
		next = append(next, Declined)
	}
	if slices.Contains([]CommissionStatus{Inquiry, Quoted, Accepted, InProduction, Ready}, s) {
		next = append(next, Cancelled)
	}
	return next
}

// Valid reports whether s is a known status.
func (s CommissionStatus) Valid() bool { return slices.Contains(CommissionStatuses, s) }

// Move is a request to change a commission's status, with what the new
// status needs.
type Move struct {
	To           CommissionStatus
	PriceCents   *int64
	DepositCents *int64
	PromisedDate string // YYYY-MM-DD, in the studio's time zone
	Reason       string // why declined or cancelled
	Tracking     string // shipping reference, optional
}

// Commission is a client's order of a piece.
type Commission struct {
	ID           string
	StudioID     string
	Status       CommissionStatus
	Inquiry      InquiryFields
	PriceCents   *int64
	DepositCents *int64
	PromisedDate string
	Reason       string
	Tracking     string
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// Apply checks m against c's status and the rules of the target status
// and returns c moved. today is the date in the studio's time zone.
func (c Commission) Apply(m Move, today string, now time.Time) (Commission, error) {
	if !m.To.Valid() {
		return c, FieldError("status", "must be one of "+joinStatuses(CommissionStatuses))
	}
	allowed := NextStatuses(c.Status)
	if !slices.Contains(allowed, m.To) {
		msg := fmt.Sprintf("A commission that is %s cannot become %s.", words(c.Status), words(m.To))
		if len(allowed) == 0 {
			msg += " It is finished; nothing follows."
		} else {
			msg += " It can become: " + joinStatuses(allowed) + "."
		}
		return c, &Error{Code: Conflict, Message: msg, Fields: map[string]string{"status": "can be " + joinStatuses(allowed)}}
	}
	f := Fields{}
	// Text sent is checked whatever the move: a reason or tracking number
	// the move does not keep is still no place for control characters.
	if m.Reason != "" {
		f.Text("reason", m.Reason, ReasonText)
	}
	if m.Tracking != "" {
		f.Text("tracking", m.Tracking, TrackingText)
	}
	switch m.To {
	case Quoted:
		checkQuote(f, m, today)
		c.PriceCents, c.DepositCents, c.PromisedDate = m.PriceCents, m.DepositCents, m.PromisedDate
	case Declined, Cancelled:
		if strings.TrimSpace(m.Reason) == "" {
			f.Add("reason", "is required: say why, for the record and for the client")
		}
		f.Text("reason", m.Reason, ReasonText)
		c.Reason = strings.TrimSpace(m.Reason)
	case Shipped:
		f.Text("tracking", m.Tracking, TrackingText)
		c.Tracking = strings.TrimSpace(m.Tracking)
	}
	if err := f.Err(); err != nil {
		return c, err
	}
	c.Status, c.UpdatedAt = m.To, now
	return c, nil
}

func checkQuote(f Fields, m Move, today string) {
	switch {
	case m.PriceCents == nil:
		f.Add("price_cents", "is required for a quote")
	case *m.PriceCents <= 0:
		f.Add("price_cents", "must be more than zero")
	case *m.PriceCents > 100_000_000_00:
		f.Add("price_cents", "is implausibly large")
	}
	switch {
	case m.DepositCents == nil:
		f.Add("deposit_cents", "is required for a quote (0 for none)")
	case *m.DepositCents < 0:
		f.Add("deposit_cents", "cannot be negative")
	case m.PriceCents != nil && *m.DepositCents > *m.PriceCents:
		f.Add("deposit_cents", "cannot be more than the price")
	}
	if why := DateProblem(m.PromisedDate, today, true); why != "" {
		f.Add("promised_date", why)
	}
}

// DateProblem says why d is not a usable YYYY-MM-DD date, or "". With
// notPast, a date before today is refused too.
func DateProblem(d, today string, notPast bool) string {
	if d == "" {
		return "is required (YYYY-MM-DD)"
	}
	t, err := time.Parse(time.DateOnly, d)
	if err != nil {
		return "must be a date written YYYY-MM-DD"
	}
	if why := YearProblem(t); why != "" {
		return why
	}
	if notPast && d < today {
		return "cannot be in the past"
	}
	return ""
}

func joinStatuses(ss []CommissionStatus) string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = string(s)
	}
	return strings.Join(out, ", ")
}

func words(s CommissionStatus) string { return strings.ReplaceAll(string(s), "_", " ") }

// Closed reports whether the commission is over: nothing more happens to it.
func (s CommissionStatus) Closed() bool { return len(NextStatuses(s)) == 0 }

// Open reports whether work on the commission is still ahead: it counts
// for deadlines and overdue lists.
func (s CommissionStatus) Open() bool {
	return s != Shipped && !s.Closed()
}
