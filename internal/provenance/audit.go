package provenance

import (
	"fmt"
	"strings"
)

// Audit checks a studio log's invariants leaf by leaf, in log order, with
// the studio's key: every leaf of a known kind, every certificate signed
// by the key, each edition number certified at most once and never above
// the size its edition was logged with, and nothing referring to a record
// the log does not hold before it. It is pure, so that the rules can be
// tested without a log server; the tiles are checked by whoever reads them.
type Audit struct {
	vkey, slug string
	editions   map[string]auditEdition
	numbers    map[editionNumber]int64
	serials    map[string]int64
	// Counts of what was read, by kind.
	Entries, Editions, Certificates, Transfers int
	Failures                                   []AuditFailure
}

// AuditFailure is one broken rule, at the index of the leaf that broke it.
type AuditFailure struct {
	Index  int64
	Reason string
}

func (f AuditFailure) String() string { return fmt.Sprintf("leaf %d: %s", f.Index, f.Reason) }

type auditEdition struct {
	leaf  EditionLeaf
	index int64
}

type editionNumber struct {
	edition string
	number  int
}

// NewAudit starts an audit of the log of the studio whose verifier key is
// vkey; the key's name, the log's origin, names the studio.
func NewAudit(vkey string) *Audit {
	name, _, _ := strings.Cut(vkey, "+")
	slug := strings.Split(name, "/")
	a := &Audit{vkey: vkey, editions: map[string]auditEdition{}, numbers: map[editionNumber]int64{}, serials: map[string]int64{}}
	if len(slug) == 3 {
		a.slug = slug[1]
	}
	return a
}

// OK reports whether no rule was broken so far.
func (a *Audit) OK() bool { return len(a.Failures) == 0 }

func (a *Audit) fail(index int64, format string, args ...any) {
	a.Failures = append(a.Failures, AuditFailure{Index: index, Reason: fmt.Sprintf(format, args...)})
}

// Add checks the leaf at index, which must follow the one added before.
func (a *Audit) Add(index int64, data []byte) {
	a.Entries++
	l, err := ParseLeaf(data)
	if err != nil {
		a.fail(index, "%s", strings.TrimPrefix(err.Error(), "provenance: "))
		return
	}
	switch l.Kind {
	case EditionHeader:
		a.edition(index, l.Edition)
	case CertificateHeader:
		a.certificate(index, data)
	case TransferHeader:
		a.transfer(index, l.Transfer)
	}
}

func (a *Audit) edition(index int64, e EditionLeaf) {
	a.Editions++
	if first, ok := a.editions[e.EditionID]; ok {
		a.fail(index, "edition %s is logged again (first at leaf %d)", e.EditionID, first.index)
		return
	}
	if e.Studio != a.slug {
		a.fail(index, "edition %s names studio %q, not the log's %q", e.EditionID, e.Studio, a.slug)
	}
	if _, ok := a.editions[e.ReissueOf]; e.ReissueOf != "" && !ok {
		a.fail(index, "edition %s reissues %s, which the log does not hold before it", e.EditionID, e.ReissueOf)
	}
	a.editions[e.EditionID] = auditEdition{leaf: e, index: index}
}

func (a *Audit) certificate(index int64, data []byte) {
	a.Certificates++
	c, err := Verify(data, a.vkey)
	if err != nil {
		a.fail(index, "a certificate that does not verify with the studio's key: %v", err)
		return
	}
	if first, ok := a.serials[c.Serial]; ok {
		a.fail(index, "certificate %s is logged again (first at leaf %d)", c.Serial, first)
	}
	a.serials[c.Serial] = index
	if c.StudioSlug != a.slug {
		a.fail(index, "certificate %s names studio %q, not the log's %q", c.Serial, c.StudioSlug, a.slug)
	}
	if c.Unique() {
		return
	}
	e, ok := a.editions[c.EditionID]
	switch {
	case !ok:
		a.fail(index, "certificate %s is of edition %s, which the log does not hold before it", c.Serial, c.EditionID)
		return
	case c.EditionNumber > e.leaf.Size:
		a.fail(index, "certificate %s is number %d of edition %s, whose size is %d (leaf %d)",
			c.Serial, c.EditionNumber, c.EditionID, e.leaf.Size, e.index)
	case c.EditionSize != e.leaf.Size:
		a.fail(index, "certificate %s says %s, but edition %s was logged with size %d (leaf %d)",
			c.Serial, c.EditionLabel(), c.EditionID, e.leaf.Size, e.index)
	}
	key := editionNumber{c.EditionID, c.EditionNumber}
	if first, ok := a.numbers[key]; ok {
		a.fail(index, "certificate %s certifies number %d of edition %s a second time (first at leaf %d)",
			c.Serial, c.EditionNumber, c.EditionID, first)
		return
	}
	a.numbers[key] = index
}

func (a *Audit) transfer(index int64, t TransferLeaf) {
	a.Transfers++
	if _, ok := a.serials[t.Serial]; !ok {
		a.fail(index, "a transfer of certificate %s, which the log does not hold before it", t.Serial)
	}
}
