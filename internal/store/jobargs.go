package store

// The background jobs the store enqueues inside its own transactions (see
// river.go). The workers live in package jobs, which imports store; the
// argument types live here so that the store can name them.

// ThumbnailJob makes the metadata-free variants (1600, 400 and 160 px on
// the long side) of an uploaded photo.
type ThumbnailJob struct {
	StudioID string `json:"studio_id"`
	PhotoID  string `json:"photo_id"`
}

// Kind names the job for River.
func (ThumbnailJob) Kind() string { return "thumbnails" }

// SendMailJob sends one message of the outbox by SMTP.
type SendMailJob struct {
	OutboxID string `json:"outbox_id"`
}

// Kind names the job for River.
func (SendMailJob) Kind() string { return "send_mail" }

// TimerJob fires a piece's timer when it is due.
type TimerJob struct {
	TimerID string `json:"timer_id"`
}

// Kind names the job for River.
func (TimerJob) Kind() string { return "timer" }

// WitnessJob sends a studio log's current checkpoint to the witnesses the
// studio lists, and keeps their cosignatures.
type WitnessJob struct {
	StudioID string `json:"studio_id"`
}

// Kind names the job for River.
func (WitnessJob) Kind() string { return "witness" }
