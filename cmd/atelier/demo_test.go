package main

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// serveDemo starts `atelier serve --demo` and returns what it printed up
// to its last line, and a stop function.
func (c *cli) serveDemo(t *testing.T, args ...string) (string, func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		e := env{getenv: func(k string) string { return c.env[k] }, stdin: strings.NewReader(""), stdout: pw, stderr: io.Discard}
		done <- run(ctx, append([]string{"serve", "--demo", "--addr", "127.0.0.1:0"}, args...), e)
		pw.Close()
	}()
	var out strings.Builder
	r := bufio.NewReader(pr)
	for !strings.Contains(out.String(), "Ctrl-C") {
		line, err := r.ReadString('\n')
		out.WriteString(line)
		if err != nil {
			cancel()
			t.Fatalf("serve --demo did not start: %v\n%s", <-done, out.String())
		}
	}
	go io.Copy(io.Discard, pr)
	return out.String(), func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("serve did not stop cleanly: %v", err)
			}
		case <-time.After(30 * time.Second):
			t.Error("serve did not stop within 30 s")
		}
	}
}

// printed finds "Label: value" in the demo's greeting.
func printed(t *testing.T, out, label string) string {
	t.Helper()
	m := regexp.MustCompile(`(?m)^\s*` + regexp.QuoteMeta(label) + `\s+(\S+)$`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("serve --demo printed no %q:\n%s", label, out)
	}
	return m[1]
}

// A newcomer runs `serve --demo` with nothing set up: the demo lands in a
// directory of its own, the printed login signs in, the printed portal
// shows the client's side with its thumbnails made by the jobs, and a
// second start finds the same studio with a new password.
func TestServeDemoPrintsAWorkingLogin(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	c := &cli{t: t, env: map[string]string{}}
	out, stop := c.serveDemo(t)
	if _, err := os.Stat(filepath.Join(dir, "data-demo", "atelier.db")); err != nil {
		t.Errorf("the demo is not in its own directory: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "data")); err == nil {
		t.Error("the demo touched the default data directory")
	}
	signIn, email, password := printed(t, out, "Sign in:"), printed(t, out, "E-mail:"), printed(t, out, "Password:")
	base := strings.TrimSuffix(signIn, "/login")
	res := postForm(t, signIn, url.Values{"email": {email}, "password": {password}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/dashboard" {
		t.Fatalf("signing in with the printed login: %d to %q\n%s", res.StatusCode, res.Header.Get("Location"), out)
	}
	portal := printed(t, out, "A client's view of her commission:")
	if !strings.HasPrefix(portal, base+"/p/") {
		t.Errorf("the portal %q is not on %s", portal, base)
	}
	thumbnailsArrive(t, portal)
	stop()

	again, stop := c.serveDemo(t)
	defer stop()
	renewed := printed(t, again, "Password:")
	if printed(t, again, "E-mail:") != email || renewed == password || !strings.Contains(again, "found again") {
		t.Errorf("a second start must find the demo and give a new password:\n%s", again)
	}
	if res := postForm(t, printed(t, again, "Sign in:"), url.Values{"email": {email}, "password": {renewed}}); res.StatusCode != http.StatusSeeOther {
		t.Errorf("the renewed password does not sign in: %d", res.StatusCode)
	}
}

// thumbnailsArrive waits until the portal shows its photos, which the
// background jobs shrink after the seeding.
func thumbnailsArrive(t *testing.T, portal string) {
	t.Helper()
	deadline := time.Now().Add(90 * time.Second)
	for {
		res, err := http.Get(portal)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		page := string(body)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("the printed portal answers %d", res.StatusCode)
		}
		if strings.Contains(page, `/400"`) && !strings.Contains(page, "Preparing") {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the portal's photos are still being prepared after 90 s")
		}
		time.Sleep(500 * time.Millisecond)
	}
}

func postForm(t *testing.T, u string, form url.Values) *http.Response {
	t.Helper()
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.PostForm(u, form)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res
}

// The demo never mixes with real data: pointed at a data directory with a
// studio of its own, it refuses and says why.
func TestServeDemoRefusesADataDirectoryWithARealStudio(t *testing.T) {
	c := &cli{t: t, env: map[string]string{"ATELIER_DATA": t.TempDir()}}
	c.must("", "studio", "create", "--slug", "ana", "--name", "Ana's Miniatures", "--artist", "Ana Petrova")
	_, _, err := c.run("", "serve", "--demo", "--addr", "127.0.0.1:0")
	if err == nil || !strings.Contains(err.Error(), "never mixes with real data") {
		t.Fatalf("serve --demo on a real studio's data: %v", err)
	}
}

// A database named in the environment may hold real data: without a data
// directory named for the demo, --demo does not go there.
func TestServeDemoRefusesAnEnvironmentDatabase(t *testing.T) {
	c := &cli{t: t, env: map[string]string{"ATELIER_DATABASE_URL": "postgres://nowhere.invalid/atelier"}}
	_, _, err := c.run("", "serve", "--demo", "--addr", "127.0.0.1:0")
	if err == nil || !strings.Contains(err.Error(), "ATELIER_DATABASE_URL") {
		t.Fatalf("serve --demo with ATELIER_DATABASE_URL: %v", err)
	}
}
