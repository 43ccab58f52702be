package studio

import (
	"slices"
	"time"
)

// OvenKind is the kind of oven a studio bakes in.
type OvenKind string

// OvenKinds lists the kinds.
var OvenKinds = []OvenKind{"toaster", "convection", "conventional"}

// DefaultOvenCapacity is how many pieces an oven takes when the studio
// does not say.
const DefaultOvenCapacity = 6

// Oven is one of the studio's ovens.
type Oven struct {
	ID             string
	StudioID       string
	Name           string
	Kind           OvenKind
	PowerW         *int
	CapacityPieces int
	CreatedAt      time.Time
}

// Validate checks a new oven, giving it the default capacity.
func (o *Oven) Validate() error {
	f := Fields{}
	f.Text("name", o.Name, NameText)
	if !slices.Contains(OvenKinds, o.Kind) {
		f.Add("kind", "must be toaster, convection or conventional")
	}
	if o.PowerW != nil && (*o.PowerW < 100 || *o.PowerW > 10000) {
		f.Add("power_w", "must be from 100 to 10000 watts")
	}
	if o.CapacityPieces == 0 {
		o.CapacityPieces = DefaultOvenCapacity
	}
	if o.CapacityPieces < 1 || o.CapacityPieces > 200 {
		f.Add("capacity_pieces", "must be from 1 to 200 pieces")
	}
	return f.Err()
}

// BakeStatus is where a bake stands.
type BakeStatus string

const (
	BakePlanned  BakeStatus = "planned"
	BakeRunning  BakeStatus = "running"
	BakeFinished BakeStatus = "finished"
)

// CoolDown is how long pieces stay in the oven after a bake, at least.
const CoolDown = 10 * time.Minute

// Bake is one batch in an oven: its plan, when it ran, what the
// thermometer said.
type Bake struct {
	ID       string
	StudioID string
	OvenID   string
	Status   BakeStatus
	// TargetC and TargetF are the temperature every piece's clay accepts;
	// MinC the lowest at which all still cure.
	TargetC, TargetF, MinC int
	// DialC is the oven's dial setting that reaches TargetC.
	DialC int
	// Minutes is the longest cure time among the pieces.
	Minutes    int
	StartedAt  *time.Time
	FinishedAt *time.Time
	CreatedAt  time.Time
	Pieces     []BakePiece
	Readings   []BakeReading
}

// BakePiece is a piece in a bake and its own cure time.
type BakePiece struct {
	PieceID string
	Subject string
	Clays   []string
	// ThicknessMM is the measured thickness the time was computed from.
	ThicknessMM float64
	Minutes     int
	// Pass is the piece's pass when the bake was planned: a bake counts
	// for the stage it was planned at.
	Pass int
}

// BakeReading is a thermometer reading during a bake.
type BakeReading struct {
	ThermometerC float64
	Flags        []string
	At           time.Time
}

// Ventilation is the guide's reminder for every bake.
const Ventilation = "Keep the oven door slightly ajar while baking, so that fumes escape and the clay does not discolour."

// DoneAt is when the bake's time is up; nil before it starts.
func (b Bake) DoneAt() *time.Time {
	if b.StartedAt == nil {
		return nil
	}
	t := b.StartedAt.Add(time.Duration(b.Minutes) * time.Minute)
	return &t
}

// CooledAt is when the cool-down is over; nil before the bake finishes.
func (b Bake) CooledAt() *time.Time {
	if b.FinishedAt == nil {
		return nil
	}
	t := b.FinishedAt.Add(CoolDown)
	return &t
}

// Cooled reports whether the pieces have cooled in the oven by now.
func (b Bake) Cooled(now time.Time) bool {
	c := b.CooledAt()
	return c != nil && !c.After(now)
}

// Start returns the bake running from now.
func (b Bake) Start(now time.Time) (Bake, error) {
	switch b.Status {
	case BakeRunning:
		return b, &Error{Code: Conflict, Message: "This bake is running already: it started " + Relative(b.StartedAt.Sub(now)) + ".",
			Data: map[string]any{"started_at": b.StartedAt.UTC()}}
	case BakeFinished:
		return b, Errorf(Conflict, "This bake is finished; plan a new one to bake again.")
	}
	b.Status, b.StartedAt = BakeRunning, &now
	return b, nil
}

// Finish returns the bake finished now, its cool-down begun.
func (b Bake) Finish(now time.Time) (Bake, error) {
	switch b.Status {
	case BakePlanned:
		return b, Errorf(Conflict, "This bake has not started; start it first, or log it afterwards with its times.")
	case BakeFinished:
		return b, &Error{Code: Conflict, Message: "This bake is finished already: it finished " + Relative(b.FinishedAt.Sub(now)) + ".",
			Data: map[string]any{"finished_at": b.FinishedAt.UTC()}}
	}
	b.Status, b.FinishedAt = BakeFinished, &now
	return b, nil
}

// CheckReading refuses a reading outside the bake's run, or absurd.
func (b Bake) CheckReading(thermometerC float64) error {
	if thermometerC != thermometerC || thermometerC < 0 || thermometerC > 300 {
		return FieldError("thermometer_c", "must be a temperature from 0 to 300 °C")
	}
	switch b.Status {
	case BakePlanned:
		return Errorf(Conflict, "The bake has not started yet: start it, then log what the thermometer says.")
	case BakeFinished:
		return Errorf(Conflict, "The bake is finished; readings belong to its run.")
	}
	return nil
}

// Logged returns a bake logged afterwards with its times: both in the
// past, the end after the start.
func (b Bake) Logged(started, finished, now time.Time) (Bake, error) {
	f := Fields{}
	if started.After(now) {
		f.Add("started_at", "cannot be in the future")
	}
	if finished.After(now) {
		f.Add("finished_at", "cannot be in the future")
	}
	if !finished.After(started) {
		f.Add("finished_at", "must be after started_at")
	}
	if err := f.Err(); err != nil {
		return b, err
	}
	b.Status, b.StartedAt, b.FinishedAt = BakeFinished, &started, &finished
	return b, nil
}
