package api

import (
	"bytes"
	"io"
	"mime"
	"net/http"
	"strings"

	"atelier/internal/store"
)

// MaxSignedCertificateBytes bounds a certificate sent to be verified: a
// signed record is a few kilobytes, its story at most 10,000 characters.
const MaxSignedCertificateBytes = 64 << 10

// editionCountJSON places a certificate in its edition: number n of size
// N, of which certified have certificates so far.
type editionCountJSON struct {
	Number    int `json:"number"`
	Size      int `json:"size"`
	Certified int `json:"certified"`
}

// verdictJSON is what anyone learns about a certificate.
type verdictJSON struct {
	Genuine bool   `json:"genuine"`
	Reason  string `json:"reason,omitempty"`
	// Certificate is what the record claims, genuine or not; null when it
	// cannot be read at all.
	Certificate *certificateJSON  `json:"certificate"`
	Edition     *editionCountJSON `json:"edition"`
	Key         *keyJSON          `json:"key"`
	VerifyURL   string            `json:"verify_url,omitempty"`
	Signed      string            `json:"signed,omitempty"`
	// Log proves the certificate's place in the studio's log; null when
	// the log does not hold it.
	Log *logProofJSON `json:"log"`
	// Provenance is the history of a genuine certificate on file, oldest
	// first: its issue, then each transfer; empty otherwise.
	Provenance []provenanceJSON `json:"provenance"`
}

func (a *API) verdictView(cc store.CertificateCheck) verdictJSON {
	v := verdictJSON{Genuine: cc.Genuine, Reason: cc.Reason, Signed: string(cc.Signed), Log: logProofView(cc.Log),
		Provenance: provenanceView(cc.Provenance)}
	if cc.Certificate.Serial != "" {
		c := certificateView(cc.Certificate)
		v.Certificate = &c
		v.VerifyURL = strings.TrimRight(a.BaseURL, "/") + "/v/" + cc.Serial
	}
	if !cc.Unique() {
		v.Edition = &editionCountJSON{Number: cc.EditionNumber, Size: cc.EditionSize, Certified: cc.Certified}
	}
	if cc.Key.Verifier != "" {
		k := a.keyView(cc.StudioSlug, cc.Key)
		v.Key = &k
	}
	return v
}

// verifyShow checks the certificate on file under a serial, for anyone.
func (a *API) verifyShow(w http.ResponseWriter, r *http.Request) error {
	cc, err := a.Store.CheckCertificate(r.Context(), r.PathValue("serial"))
	if err != nil {
		return err
	}
	w.Header().Set("Access-Control-Allow-Origin", "*")
	writeJSON(w, http.StatusOK, a.verdictView(cc))
	return nil
}

// verifySigned checks a signed certificate someone holds (the text of its
// record and signature, as the API gives it: as the body, or as "signed" in
// a JSON body) against the key of the studio it names and the studio's
// records.
func (a *API) verifySigned(w http.ResponseWriter, r *http.Request) error {
	data, err := readBody(r, "A signed certificate is a few kilobytes; this one is too large.")
	if err != nil {
		return err
	}
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt == "application/json" {
		var body struct {
			Signed string `json:"signed"`
		}
		r.Body = io.NopCloser(bytes.NewReader(data))
		if err := decode(r, &body); err != nil {
			return err
		}
		data = []byte(body.Signed)
	}
	cc, err := a.Store.CheckSignedCertificate(r.Context(), data)
	if err != nil {
		return err
	}
	w.Header().Set("Access-Control-Allow-Origin", "*")
	writeJSON(w, http.StatusOK, a.verdictView(cc))
	return nil
}

// studioKeyShow publishes a studio's public key in the signed-note verifier
// format, for any signed-note tool.
func (a *API) studioKeyShow(w http.ResponseWriter, r *http.Request) error {
	k, err := a.Store.StudioKey(r.Context(), r.PathValue("slug"))
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	w.Header().Set("Access-Control-Allow-Origin", "*")
	w.WriteHeader(http.StatusOK)
	io.WriteString(w, k.Verifier+"\n")
	return nil
}

// logProofJSON lets anyone check a certificate's inclusion in its studio's
// log with any tlog implementation: the leaf's exact bytes, its index, and
// the RFC 6962 inclusion proof in the tree of the signed checkpoint.
type logProofJSON struct {
	Leaf           []byte   `json:"leaf"`
	Index          int64    `json:"index"`
	TreeSize       int64    `json:"tree_size"`
	InclusionProof [][]byte `json:"inclusion_proof"`
	Checkpoint     string   `json:"checkpoint"`
}

func logProofView(p *store.LogProof) *logProofJSON {
	if p == nil {
		return nil
	}
	out := &logProofJSON{Leaf: p.Leaf, Index: p.Index, TreeSize: p.Tree.N, InclusionProof: [][]byte{}, Checkpoint: string(p.Checkpoint)}
	for _, h := range p.Proof {
		out.InclusionProof = append(out.InclusionProof, h[:])
	}
	return out
}
