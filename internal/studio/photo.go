package studio

import (
	"strings"
	"time"
	"unicode/utf8"
)

// Photo kinds: a client's reference of the subject, or the studio's photo
// of the work in progress.
const (
	ReferencePhoto = "reference"
	ProcessPhoto   = "process"
)

// Who uploaded a photo or wrote a message.
const (
	ByClient = "client"
	ByStudio = "studio"
)

// VariantSizes are the long sides of the derived images, largest first.
var VariantSizes = []int{1600, 400, 160}

// Photo is an image attached to a commission.
type Photo struct {
	ID           string
	StudioID     string
	CommissionID string
	PieceID      string
	Kind         string
	Angle        Angle
	Stage        string
	FileID       string
	Width        int
	Height       int
	Shared       bool
	Caption      string
	UploadedBy   string
	CreatedAt    time.Time
	// Variants maps a long side to the derived image's file id, once made.
	Variants map[int]string
}

// Message is a note between the studio and a client.
type Message struct {
	ID           string
	CommissionID string
	Author       string
	UserID       string
	Body         string
	CreatedAt    time.Time
}

// MessageProblem says why body cannot be sent, or "".
func MessageProblem(body string) string {
	if strings.TrimSpace(body) == "" && utf8.ValidString(body) {
		return "is empty; write a message"
	}
	return MessageText.Problem(strings.TrimSpace(body))
}

// CommissionEvent records a status a commission reached.
type CommissionEvent struct {
	Status CommissionStatus
	UserID string
	Note   string
	At     time.Time
}
