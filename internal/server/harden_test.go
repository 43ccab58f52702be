package server

import (
	"context"
	"strings"
	"testing"

	"atelier/internal/store"
	"atelier/internal/store/storetest"
)

// A photo size is one of the exact names 160, 400 and 1600: "0160" and
// "+160" are no other addresses of the same image.
func TestPhotoSizeIsAnExactName(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		res, out := f.inquiry(t, "ana", inquiryFields(), part{"photo_front", "f.jpg", testJPEG(t, 40, 40)})
		if res.StatusCode != 201 {
			t.Fatalf("inquiry %d %v", res.StatusCode, out)
		}
		cid := out["id"].(string)
		c := f.mustCall(t, "GET", "/api/v1/commissions/"+cid, "owner", "", 200)
		photo := c["photos"].([]any)[0].(map[string]any)["id"].(string)
		base := "/api/v1/commissions/" + cid + "/photos/" + photo + "/"
		// No thumbnail job runs here: a real size is "still being made".
		for _, size := range []string{"160", "400", "1600"} {
			if status, out := f.call(t, "GET", base+size, "owner", ""); status != 404 || !strings.Contains(errMessage(out), "still being made") {
				t.Errorf("size %s: %d %v", size, status, out)
			}
		}
		for _, size := range []string{"0160", "+160", "160.0", "00400", "+1600", "1e3", "-160", "160%20"} {
			if status, out := f.call(t, "GET", base+size, "owner", ""); status != 404 || !strings.Contains(errMessage(out), "No such photo size") {
				t.Errorf("size %q: %d %v", size, status, out)
			}
		}
	})
}

// QC on another studio's piece is not found, whatever its body holds; on
// the studio's own piece the body is judged as before.
func TestQCOnAnotherStudiosPieceIsNotFound(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		id := f.mustCall(t, "POST", "/api/v1/pieces", "assistant", `{"subject":"Studio bust","target_height_mm":45}`, 201)["id"].(string)
		for _, body := range []string{`{"checks":{}}`, `{"checks":{"eyes":true}}`, `{"checks":{"eyes":true},"notes":"a\u0000b"}`, `{}`} {
			f.mustCall(t, "POST", "/api/v1/pieces/"+id+"/qc", "ben", body, 404)
			f.mustCall(t, "POST", "/api/v1/pieces/"+id+"/qc", "assistant", body, 422)
		}
		if _, err := s.RecordQC(context.Background(), "another-studio", id, "", nil, strings.Repeat("x", 5000)); !strings.Contains(errString(err), "no such piece") {
			t.Fatalf("the store judged the body of another studio's piece: %v", err)
		}
	})
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return strings.ToLower(err.Error())
}
