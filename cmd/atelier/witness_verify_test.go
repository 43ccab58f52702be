package main

import (
	"context"
	"crypto/rand"
	"slices"
	"testing"

	"atelier/internal/provenance"
	"atelier/internal/store"
)

// cosign has a witness of the given seed cosign the studio's current
// checkpoint, as the witness job would record it, and returns the
// witness's key.
func (s *studioServer) cosign(name string, seed []byte) string {
	s.t.Helper()
	ctx := context.Background()
	vkey, err := provenance.WitnessKey(name, seed)
	if err != nil {
		s.t.Fatal(err)
	}
	_, have, _ := s.st.StudioWitnesses(ctx, s.studioID)
	if !slices.ContainsFunc(have, func(w store.StudioWitness) bool { return w.Verifier == vkey }) {
		have = append(have, store.StudioWitness{URL: "https://" + name, Verifier: vkey})
		if err := s.st.SetStudioWitnesses(ctx, s.studioID, 1, have); err != nil {
			s.t.Fatal(err)
		}
	}
	subs, err := s.st.WitnessSubmissions(ctx, s.studioID)
	if err != nil {
		s.t.Fatal(err)
	}
	for _, sub := range subs {
		if sub.Witness.Verifier == vkey {
			lines, err := provenance.Cosign(name, seed, sub.Text)
			if err != nil {
				s.t.Fatal(err)
			}
			if err := s.st.RecordCosignature(ctx, s.studioID, sub.Witness.ID, sub.Size, lines); err != nil {
				s.t.Fatal(err)
			}
		}
	}
	return vkey
}

// verify --witness requires the witnesses' cosignatures on the log's
// checkpoint: all of those named, or --witnesses-needed of them.
func TestVerifyRequiresTheWitnessesNamed(t *testing.T) {
	s := newStudioServer(t)
	serial := s.certify(true)
	seed, other := make([]byte, 32), make([]byte, 32)
	rand.Read(seed)
	rand.Read(other)
	w1 := s.cosign("w1.example/witness", seed)
	w2, _ := provenance.WitnessKey("w2.example/witness", other)

	c, _ := newChecking(t)
	c.must("", "verify", "--witness", w1, s.URL+"/v/"+serial)
	c.failsWith("cosigned by 1 of the witnesses named, not the 2 required", "verify", "--witness", w1, "--witness", w2, s.URL+"/v/"+serial)
	c.must("", "verify", "--witness", w1, "--witness", w2, "--witnesses-needed", "1", s.URL+"/v/"+serial)
	c.failsWith("cosigned by 0", "audit", "--witness", w2, s.URL+"/s/ana")
	c.failsWith("not a witness's cosignature key", "verify", "--witness", "nonsense", s.URL+"/v/"+serial)

	// A new append is not cosigned yet: the policy fails until it is.
	s.certify(false)
	c.failsWith("cosigned by 0 of the witnesses named", "audit", "--witness", w1, s.URL+"/s/ana")
	s.cosign("w1.example/witness", seed)
	c.must("", "audit", "--witness", w1, s.URL+"/s/ana")
}
