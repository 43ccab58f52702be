package plan

import (
	"time"

	"atelier/internal/studio"
)

// The studio's planner: its open pieces, their remaining stages, the
// people who work and when, the ovens, and the waits that the pipeline's
// rules impose, turned into a schedule and a forecast of every piece's
// finish. Pure: the store gathers a Problem, the planner answers a Result.

// Problem is the studio's open work as the planner sees it.
type Problem struct {
	// Now is when the plan starts; nothing is scheduled before it.
	Now time.Time
	// Location is the studio's time zone: hours and days off are its.
	Location  *time.Location
	Capacity  studio.Capacity
	Ovens     []Oven
	Durations Durations
	// DryMinutes is how long a coat of finish dries: the studio's
	// polyurethane time (the default coat).
	DryMinutes int
	Pieces     []Piece
}

// Oven is a batch resource: one bake at a time, up to Capacity pieces
// whose clays share a temperature.
type Oven struct {
	ID, Name string
	Capacity int
}

// Piece is one open piece: where it is, what it is made of, and what it
// has promised.
type Piece struct {
	ID, Subject  string
	CommissionID string
	// EditionID groups pieces made on one master armature.
	EditionID string
	Stage     studio.Stage
	// WorkedMinutes is the work logged on the current stage's pass: it
	// comes off the stage's remaining work.
	WorkedMinutes float64
	// CoatsDone counts the coats of the current finish pass.
	CoatsDone int
	// Baked: the current first bake's bake is running or done, and the
	// piece is out of the oven at ReadyAt.
	Baked bool
	// ReadyAt is when the piece may next be worked on: a coat drying, a
	// bake cooling. Zero or past means now.
	ReadyAt        time.Time
	TargetHeightMM float64
	// ThicknessMM is the piece's thickest part, for the cure time; zero
	// when not measured (DefaultThicknessMM is assumed).
	ThicknessMM float64
	Clays       []studio.Clay
	// Promised is the commission's promised date, YYYY-MM-DD, or "".
	Promised string
}

// DefaultThicknessMM is the thickness assumed for a piece whose thickest
// part is not measured yet: a 40 mm figure's head is about 10 mm through.
const DefaultThicknessMM = 10

// StepKind says what a step of the plan is.
type StepKind string

const (
	// Work takes a person's hands and their working hours.
	Work StepKind = "work"
	// Baking occupies an oven: the cure time and the cool-down inside.
	Baking StepKind = "bake"
	// Drying is a coat drying: the piece waits, the hands are free.
	Drying StepKind = "dry"
)

// Step is one scheduled stretch of a piece's remaining work.
type Step struct {
	PieceID string
	Stage   studio.Stage
	Kind    StepKind
	// Start and End bound the step; a work step may pause overnight
	// between them.
	Start, End time.Time
	// Who does a work step (a user ID).
	Who string
	// OvenID and Bake (an index into Result.Bakes) place a bake; Bake is
	// -1 for other steps.
	OvenID string
	Bake   int
}

// Bake is one planned batch: pieces whose clays share TargetC.
type Bake struct {
	OvenID     string
	Start, End time.Time
	TargetC    int
	PieceIDs   []string
}

// Forecast is a piece's remaining steps in the plan and when it will be
// done.
type Forecast struct {
	PieceID string
	Steps   []Step
	// Finish is when the plan (at median durations) has the piece done.
	Finish time.Time
	// P50 and P90 are the times by which it is done with 50 % and 90 %
	// confidence, from sampling the stage durations.
	P50, P90 time.Time
	// Due is the end of the promised day in the studio's time zone; zero
	// without a promise.
	Due time.Time
	// Late: P90 is after Due.
	Late bool
}

// Result is the plan.
type Result struct {
	Now time.Time
	// Pieces are in the Problem's order.
	Pieces []Forecast
	Bakes  []Bake
	// Notes say what the plan had to assume: a studio without ovens, a
	// clay without baking figures.
	Notes []string
}
