package studio

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// PieceEventKind is what a stage change of a piece records.
type PieceEventKind string

const (
	PieceCreated   PieceEventKind = "created"
	PieceAdvanced  PieceEventKind = "advanced"
	PieceReturned  PieceEventKind = "returned"
	PieceQCPassed  PieceEventKind = "qc_passed"
	PieceQCFailed  PieceEventKind = "qc_failed"
	PieceDelivered PieceEventKind = "delivered"
)

// PieceEvent is one entry of a piece's history: a stage change and why.
type PieceEvent struct {
	Kind   PieceEventKind
	From   Stage
	To     Stage
	Reason string
	UserID string
	At     time.Time
}

// Summary tells the event in words, for the piece's history.
func (e PieceEvent) Summary() string {
	var text string
	switch e.Kind {
	case PieceCreated:
		text = "Started at " + e.To.Label()
	case PieceAdvanced:
		text = e.From.Label() + " → " + e.To.Label()
	case PieceQCPassed:
		text = "Passed quality control: collector-grade"
	case PieceQCFailed:
		text = "Back to " + e.To.Label() + " after quality control"
	case PieceReturned:
		text = "Back from " + e.From.Label() + " to " + e.To.Label()
	case PieceDelivered:
		text = "Delivered"
	default:
		text = strings.ReplaceAll(string(e.Kind), "_", " ") + ": " + e.To.Label()
	}
	if e.Reason != "" {
		text += " — " + e.Reason
	}
	return text
}

// PieceMove is a decided change of a piece's stage: where it goes, the
// event it records, and why.
type PieceMove struct {
	To     Stage
	Kind   PieceEventKind
	Reason string
}

// Moved returns p at the move's stage in a fresh pass: sanding, coats and
// ticks start afresh with every entry into a stage.
func (p Piece) Moved(m PieceMove, now time.Time) Piece {
	p.Stage, p.Pass, p.UpdatedAt = m.To, p.Pass+1, now
	return p
}

// Exit is how a piece leaves its current stage.
type Exit string

const (
	// ExitAdvance: one tap on to the next stage once this one is done.
	ExitAdvance Exit = "advance"
	// ExitDeliver: a studio piece is marked delivered, after a confirmation.
	ExitDeliver Exit = "deliver"
	// ExitQC: only a recorded quality control moves the piece on.
	ExitQC Exit = "qc"
	// ExitWithCommission: a commissioned piece is delivered when its
	// commission ships, never by hand.
	ExitWithCommission Exit = "with_commission"
	// ExitNone: delivered is the end.
	ExitNone Exit = "none"
)

// Exit says how p leaves its stage.
func (p Piece) Exit() Exit {
	switch {
	case p.Stage == QC:
		return ExitQC
	case p.Stage == Delivered:
		return ExitNone
	case p.Stage == CollectorGrade && p.CommissionID != "":
		return ExitWithCommission
	case p.Stage.Next() == Delivered:
		return ExitDeliver
	}
	return ExitAdvance
}

// Advance decides the move to the next stage: refused, with everything
// still open, unless the stage is done.
func Advance(s StageState) (PieceMove, error) {
	p := s.Piece
	if open := OpenToLeave(s); len(open) > 0 {
		return PieceMove{}, &Error{Code: Invalid, Message: p.Stage.Label() + " is not finished: " + strings.Join(open, "; ") + ".",
			Fields: map[string]string{"stage": "has open items"}, Data: map[string]any{"open": open}}
	}
	m := PieceMove{To: p.Stage.Next(), Kind: PieceAdvanced}
	if m.To == Delivered {
		m.Kind = PieceDelivered
	}
	return m, nil
}

// CheckReturn checks a request to send a piece back before the piece is
// known: a stage of the pipeline and a reason.
func CheckReturn(to Stage, reason string) error {
	if !to.Valid() {
		return FieldError("to", "must be one of the stages: concept, armature, sculpt, texture, first_bake, sanding, colour_plan, paint, finish, mount, qc")
	}
	if strings.TrimSpace(reason) == "" {
		return FieldError("reason", "is required: say what needs redoing")
	}
	return TextError("reason", reason, ReasonText)
}

// Return decides sending p back to an earlier stage to redo work there.
func Return(p Piece, to Stage, reason string) (PieceMove, error) {
	if err := CheckReturn(to, reason); err != nil {
		return PieceMove{}, err
	}
	if p.Stage == Delivered {
		return PieceMove{}, Errorf(Conflict, "The piece is delivered; it cannot go back into the studio's pipeline.")
	}
	if to.Index() >= p.Stage.Index() {
		return PieceMove{}, &Error{Code: Conflict, Message: "A piece can only go back: " + to.Label() + " is not before " + p.Stage.Label() + ".",
			Fields: map[string]string{"to": "must be a stage before " + string(p.Stage)}}
	}
	return PieceMove{To: to, Kind: PieceReturned, Reason: strings.TrimSpace(reason)}, nil
}

// QCResult is a decided quality control: the move it makes and the checks
// that failed.
type QCResult struct {
	Move   PieceMove
	Failed []string
}

// Passed reports whether every check passed.
func (q QCResult) Passed() bool { return len(q.Failed) == 0 }

// DecideQC judges a QC attempt and words its move: collector-grade when all
// six pass, otherwise back to the earliest stage that fixes a failure, with
// the failed checks as the reason.
func DecideQC(checks map[string]*bool, notes string) (QCResult, error) {
	next, failed, err := JudgeQC(checks)
	if err != nil {
		return QCResult{}, err
	}
	if err := TextError("notes", notes, NoteText); err != nil {
		return QCResult{}, err
	}
	notes = strings.TrimSpace(notes)
	if len(failed) == 0 {
		return QCResult{Move: PieceMove{To: CollectorGrade, Kind: PieceQCPassed, Reason: notes}}, nil
	}
	reason := "QC failed: " + strings.ReplaceAll(strings.Join(failed, ", "), "_", " ")
	if notes != "" {
		reason += " — " + notes
	}
	return QCResult{Move: PieceMove{To: next, Kind: PieceQCFailed, Reason: reason}, Failed: failed}, nil
}

// DeliverWithCommission is the move a commission's shipping makes of its
// piece; false when the piece is delivered already.
func (p Piece) DeliverWithCommission() (PieceMove, bool) {
	if p.Stage == Delivered {
		return PieceMove{}, false
	}
	return PieceMove{To: Delivered, Kind: PieceDelivered, Reason: "the commission was shipped"}, true
}

// RequireStage refuses work that belongs to other stages than the piece's.
func (p Piece) RequireStage(stages ...Stage) error {
	if slices.Contains(stages, p.Stage) {
		return nil
	}
	names := make([]string, len(stages))
	for i, s := range stages {
		names[i] = s.Label()
	}
	return Errorf(Conflict, "The piece is at %s; this belongs to %s.", p.Stage.Label(), strings.Join(names, " or "))
}

// CheckTick refuses ticking an item of another stage than the piece's.
func (p Piece) CheckTick(item ChecklistItem) error {
	if item.Stage == p.Stage {
		return nil
	}
	return &Error{Code: Conflict, Message: "“" + item.Key + "” belongs to " + item.Stage.Label() + "; the piece is at " + p.Stage.Label() + ".",
		Fields: map[string]string{"key": "is not an item of the current stage"}}
}

// LoggedAt is the time of an entry logged afterwards, nil meaning now; it
// is never in the future.
func LoggedAt(at *time.Time, now time.Time, field string) (time.Time, error) {
	if at == nil {
		return now, nil
	}
	if at.After(now) {
		return now, FieldError(field, "cannot be in the future")
	}
	if why := YearProblem(*at); why != "" {
		return now, FieldError(field, why)
	}
	return at.UTC().Truncate(time.Microsecond), nil
}

// The span of the times and dates a person enters: anything outside is a
// typo (0026 for 2026) or a probe, and the databases disagree on
// years beyond four digits.
var (
	EarliestEntered = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	LatestEntered   = time.Date(2101, 1, 1, 0, 0, 0, 0, time.UTC)
)

// YearProblem says why t lies outside the years a person enters, or "".
func YearProblem(t time.Time) string {
	if t.Before(EarliestEntered) || !t.Before(LatestEntered) {
		return "must lie between the years 2000 and 2100"
	}
	return ""
}

// FollowPiece is the status a commission takes when its piece moved from
// one stage to p's: work begun puts it in production, a collector-grade
// piece makes it ready. False when the commission stays as it is.
func (c Commission) FollowPiece(from Stage, p Piece) (CommissionStatus, string, bool) {
	switch {
	case from == Concept && c.Status == Accepted:
		return InProduction, "the piece reached " + p.Stage.Label(), true
	case p.Stage == CollectorGrade && c.Status == InProduction:
		return Ready, "the piece reached " + p.Stage.Label(), true
	}
	return c.Status, "", false
}

// CheckPiece refuses to call a commission ready while its piece is not
// collector-grade: the piece passing quality control makes it ready.
func (c Commission) CheckPiece(p Piece) error {
	if c.Status != Ready || p.Stage == CollectorGrade || p.Stage == Delivered {
		return nil
	}
	return Errorf(Conflict, "The piece is at %s; the commission becomes ready when it passes quality control.", p.Stage.Label())
}

// NewPiece is the piece an accepted commission starts: its subject at the
// height the client asked for, or the default.
func (c Commission) NewPiece() NewPieceFields {
	height := DefaultTargetHeightMM
	if c.Inquiry.TargetHeightMM != nil {
		height = *c.Inquiry.TargetHeightMM
	}
	return NewPieceFields{Subject: c.Inquiry.SubjectName, CommissionID: c.ID, TargetHeightMM: height}
}

// MaxWorkMinutes is the most work booked by hand at once: a day.
const MaxWorkMinutes = 24 * 60

// CheckWork checks minutes of work booked by hand, at a stage or ("") the
// current one.
func CheckWork(stage Stage, minutes int) error {
	if minutes < 1 || minutes > MaxWorkMinutes {
		return FieldError("minutes", fmt.Sprintf("must be from 1 to %d (a day)", MaxWorkMinutes))
	}
	if stage != "" && !stage.Valid() {
		return FieldError("stage", "is not a stage of the pipeline")
	}
	return nil
}

// WorkStarted refuses a second work timer on a piece.
func WorkStarted(running bool) error {
	if running {
		return Errorf(Conflict, "The work timer of this piece is already running.")
	}
	return nil
}

// WorkMinutes are the minutes a timer started at started and stopped at
// now books: rounded up, so that a short session still counts.
func WorkMinutes(started, now time.Time) int {
	return int((now.Sub(started) + time.Minute - 1) / time.Minute)
}

// ReturnStages are the stages p may be sent back to: every one before
// its own, none once delivered.
func (p Piece) ReturnStages() []Stage {
	if p.Stage == Delivered || p.Stage.Index() < 1 {
		return nil
	}
	return Stages[:p.Stage.Index()]
}

// MaxCaptionRunes bounds a photo's caption.
const MaxCaptionRunes = 500

// CheckCaption refuses a caption that is not one line of text, or longer
// than a photo needs.
func CheckCaption(caption string) error {
	return TextError("caption", caption, CaptionText)
}

// PhotoStage is the stage a process photo of p shows: the one named, or
// ("") the current one; never a stage the piece has not reached.
func (p Piece) PhotoStage(stage Stage) (Stage, error) {
	switch {
	case stage == "":
		return p.Stage, nil
	case !stage.Valid():
		return "", FieldError("stage", "is not a stage of the pipeline")
	case stage.Index() > p.Stage.Index():
		return "", FieldError("stage", "is ahead of the piece, which is at "+p.Stage.Label())
	}
	return stage, nil
}
