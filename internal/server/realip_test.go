package server

import (
	"net/http/httptest"
	"testing"

	"atelier/internal/store"
	"atelier/internal/store/storetest"
)

func TestClientAddr(t *testing.T) {
	trusted, err := ParseProxies("10.0.0.0/8, 192.168.1.5")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, peer, xff, want string
	}{
		{"direct", "203.0.113.7:5000", "", "203.0.113.7"},
		{"an untrusted peer's header is not believed", "203.0.113.7:5000", "198.51.100.1", "203.0.113.7"},
		{"through the load balancer", "10.0.0.2:5000", "203.0.113.7", "203.0.113.7"},
		{"through two trusted hops", "10.0.0.2:5000", "203.0.113.7, 192.168.1.5", "203.0.113.7"},
		{"a forged entry left of the real one", "10.0.0.2:5000", "1.2.3.4, 203.0.113.7", "203.0.113.7"},
		{"a trusted peer without the header", "10.0.0.2:5000", "", "10.0.0.2"},
		{"garbage in the header", "10.0.0.2:5000", "not-an-ip", "10.0.0.2"},
		{"IPv6", "[2001:db8::1]:443", "", "2001:db8::1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/", nil)
			r.RemoteAddr = tt.peer
			if tt.xff != "" {
				r.Header.Set("X-Forwarded-For", tt.xff)
			}
			if got, _ := clientAddr(r, trusted); got.String() != tt.want {
				t.Fatalf("got %s, want %s", got, tt.want)
			}
		})
	}
	for _, bad := range []string{"10.0.0.0/33", "proxy.example", "10.0.0"} {
		if _, err := ParseProxies(bad); err == nil {
			t.Errorf("accepted %q", bad)
		}
	}
}

// Behind a trusted load balancer the inquiry limit counts each client,
// not the balancer.
func TestLimitsCountClientsBehindAProxy(t *testing.T) {
	s := storetest.Open(t, store.SQLite, nil)
	f := newFixture(t, s)
	trusted, _ := ParseProxies("192.0.2.0/24")
	f.srv = New(Config{InquiriesPerHour: 1, TrustedProxies: trusted}, s, f.blobs)
	send := func(client string) int {
		ct, body := multipartBody(t, inquiryFields())
		req := httptest.NewRequest("POST", "/api/v1/public/studios/ana/inquiries", body)
		req.RemoteAddr = "192.0.2.10:4321" // the load balancer
		req.Header.Set("Content-Type", ct)
		req.Header.Set("X-Forwarded-For", client)
		rec := httptest.NewRecorder()
		f.srv.Handler().ServeHTTP(rec, req)
		return rec.Code
	}
	if a, b, again := send("203.0.113.7"), send("198.51.100.1"), send("203.0.113.7"); a != 201 || b != 201 || again != 429 {
		t.Fatalf("two clients then the first again: %d %d %d", a, b, again)
	}
}
