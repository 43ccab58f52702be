package studio

import (
	"fmt"
	"strings"
	"time"
)

// The guide's edition sizes: 10 to 20 pieces; another size needs a reason.
const (
	MinEditionSize = 10
	MaxEditionSize = 20
	// EditionSizeLimit is the most any edition may hold.
	EditionSizeLimit = 1000
)

// Stored is a master armature or a mould, and where it is kept.
type Stored struct {
	ID       string
	Name     string
	Location string
}

// Edition is a numbered limited edition cast from one master and its
// moulds.
type Edition struct {
	ID             string
	StudioID       string
	Title          string
	Subject        string
	Size           int
	SizeReason     string
	ClayBrands     []string
	TargetHeightMM float64
	Master         *Stored
	Moulds         []Stored
	// ReissueOf is the edition this one was reissued from, if any.
	ReissueOf string
	// Issued counts the numbers given out: 1..Issued are taken.
	Issued    int
	CreatedAt time.Time
}

// Validate checks a new edition; knownBrands are the studio's clay keys.
func (e *Edition) Validate(knownBrands []string) error {
	f := Fields{}
	e.Title, e.Subject, e.SizeReason = strings.TrimSpace(e.Title), strings.TrimSpace(e.Subject), strings.TrimSpace(e.SizeReason)
	f.Text("title", e.Title, TitleText)
	f.Text("subject", e.Subject, TitleText)
	f.Text("size_reason", e.SizeReason, NoteText)
	switch {
	case e.Size < 1 || e.Size > EditionSizeLimit:
		f.Add("size", fmt.Sprintf("must be from 1 to %d", EditionSizeLimit))
	case (e.Size < MinEditionSize || e.Size > MaxEditionSize) && e.SizeReason == "":
		f.Add("size_reason", fmt.Sprintf("is required for an edition of %d: the guide's editions hold %d to %d", e.Size, MinEditionSize, MaxEditionSize))
	}
	checkBrands(f, e.ClayBrands, knownBrands)
	checkLength(f, "target_height_mm", &e.TargetHeightMM, true)
	if e.Master != nil {
		checkStored(f, "master_armature", e.Master)
	}
	if len(e.Moulds) > 50 {
		f.Add("moulds", "at most 50 moulds")
	}
	for i := range e.Moulds {
		checkStored(f, fmt.Sprintf("moulds[%d]", i), &e.Moulds[i])
	}
	return f.Err()
}

func checkStored(f Fields, at string, s *Stored) {
	s.Name, s.Location = strings.TrimSpace(s.Name), strings.TrimSpace(s.Location)
	f.Text(at+".name", s.Name, TitleText)
	f.Text(at+".location", s.Location, ShortText)
}

// Next is the number the next piece of the edition takes: numbers run
// 1..Size, each once; a full edition issues none.
func (e Edition) Next() (int, error) {
	if e.Issued >= e.Size {
		return 0, &Error{Code: Conflict, Message: fmt.Sprintf("The edition “%s” is complete: all %d are issued.", e.Title, e.Size),
			Data: map[string]any{"size": e.Size}}
	}
	return e.Issued + 1, nil
}

// Reissue is a new edition cast from the same master and moulds as e.
func (e Edition) Reissue(size int, reason string) Edition {
	return Edition{StudioID: e.StudioID, Title: e.Title, Subject: e.Subject, Size: size, SizeReason: reason, ClayBrands: e.ClayBrands,
		TargetHeightMM: e.TargetHeightMM, Master: e.Master, Moulds: e.Moulds, ReissueOf: e.ID}
}
