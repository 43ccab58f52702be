package jobs

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// The witness client refuses loopback and private addresses unless the
// install allows them, so that a witness list cannot reach the install's
// own network.
func TestWitnessClientRefusesPrivateAddresses(t *testing.T) {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("inside")) }))
	defer ts.Close()
	_, err := WitnessClient(false).Post(ts.URL+"/add-checkpoint", "text/plain", strings.NewReader("old 0\n\n"))
	if err == nil || !strings.Contains(err.Error(), "not a public address") {
		t.Fatalf("a loopback witness was reached: %v", err)
	}
	for _, u := range []string{"http://10.1.2.3:9/x", "http://169.254.169.254/latest", "http://[::1]:9/x", "http://192.168.0.1:9/x"} {
		if _, err := WitnessClient(false).Get(u); err == nil || !strings.Contains(err.Error(), "not a public address") {
			t.Errorf("%s: %v", u, err)
		}
	}
	res, err := WitnessClient(true).Post(ts.URL+"/add-checkpoint", "text/plain", strings.NewReader("old 0\n\n"))
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("an allowed private witness: %v", err)
	}
	res.Body.Close()
}
