package main

import (
	"context"
	"encoding/base64"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	compose "github.com/compose-spec/compose-go/v2/cli"
	"github.com/compose-spec/compose-go/v2/types"
)

// composeFile is the compose file a host starts from (docs/deploy.md).
const composeFile = "../../deploy/docker-compose.yml"

// loadCompose loads the compose file with compose-go, the loader and
// validator `docker compose config` itself is built on, so the file is
// checked against the Compose specification on every machine, Docker or
// not. env is the shell's environment for interpolation.
func loadCompose(t *testing.T, env ...string) (*types.Project, error) {
	t.Helper()
	opts, err := compose.NewProjectOptions([]string{composeFile}, compose.WithEnv(env), compose.WithResolvedPaths(true))
	if err != nil {
		t.Fatal(err)
	}
	return opts.LoadProject(context.Background())
}

// dockerfileEnv is what the image's ENV lines set for every instance.
func dockerfileEnv(t *testing.T) map[string]string {
	t.Helper()
	data, err := os.ReadFile("../../deploy/Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	env := map[string]string{}
	for line := range strings.Lines(string(data)) {
		if rest, ok := strings.CutPrefix(strings.TrimSpace(line), "ENV "); ok {
			for _, kv := range strings.Fields(rest) {
				k, v, _ := strings.Cut(kv, "=")
				env[k] = v
			}
		}
	}
	return env
}

// The compose file is valid Compose, refuses to start without the secret
// key, runs the components the cluster test runs, and gives each instance
// an environment that `atelier serve` accepts, with no setting Atelier
// does not read (a misspelt name would be silently ignored in production).
func TestComposeFileStartsAWorkingCluster(t *testing.T) {
	if _, err := loadCompose(t); err == nil || !strings.Contains(err.Error(), "ATELIER_SECRET_KEY") {
		t.Fatalf("without ATELIER_SECRET_KEY the file loaded, or the error does not name it: %v", err)
	}
	key := base64.StdEncoding.EncodeToString(make([]byte, 32))
	p, err := loadCompose(t, "ATELIER_SECRET_KEY="+key)
	if err != nil {
		t.Fatalf("the compose file is not valid: %v", err)
	}
	want := []string{"atelier1", "atelier2", "bucket", "migrate", "nginx", "postgres", "seaweedfs"}
	if got := slices.Sorted(maps.Keys(p.Services)); !slices.Equal(got, want) {
		t.Fatalf("services %v, want %v", got, want)
	}

	for _, name := range []string{"atelier1", "atelier2", "migrate"} {
		s := p.Services[name]
		vars := dockerfileEnv(t)
		for k, v := range s.Environment {
			if v != nil {
				vars[k] = *v
			}
		}
		read := map[string]bool{}
		e := env{getenv: func(k string) string { read[k] = true; return vars[k] }, stdin: strings.NewReader(""), stdout: io.Discard, stderr: io.Discard}
		c, err := serveConfig(nil, e)
		if err != nil {
			t.Fatalf("%s: atelier refuses the compose environment: %v", name, err)
		}
		if _, err := secretKey(c); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for k := range vars {
			if strings.HasPrefix(k, "ATELIER_") && !read[k] {
				t.Errorf("%s sets %s, which atelier does not read", name, k)
			}
		}
		if !strings.HasPrefix(c.DatabaseURL, "postgres://") || !strings.HasPrefix(c.FilesURL, "s3://") || len(c.TrustedProxies) == 0 {
			t.Errorf("%s is not on PostgreSQL and S3 behind a trusted proxy: %+v", name, c)
		}
		if s.Build == nil || s.Build.Dockerfile != "deploy/Dockerfile" {
			t.Errorf("%s is not built from deploy/Dockerfile: %+v", name, s.Build)
		}
	}
	if cmd := p.Services["migrate"].Command; !slices.Equal(cmd, types.ShellCommand{"migrate"}) {
		t.Errorf("the migrate service runs %v", cmd)
	}
	for _, name := range []string{"atelier1", "atelier2"} {
		s := p.Services[name]
		if s.HealthCheck == nil || !strings.Contains(strings.Join(s.HealthCheck.Test, " "), "/readyz") {
			t.Errorf("%s's health check does not ask /readyz: %+v", name, s.HealthCheck)
		}
		if dep, ok := s.DependsOn["migrate"]; !ok || dep.Condition != types.ServiceConditionCompletedSuccessfully {
			t.Errorf("%s does not wait for the migrations: %+v", name, s.DependsOn)
		}
	}
	// nginx runs the repository's configuration, the cluster test's.
	mounted := false
	for _, v := range p.Services["nginx"].Volumes {
		if filepath.Base(v.Source) == "nginx.conf" {
			if _, err := os.Stat(v.Source); err != nil {
				t.Errorf("nginx mounts %s: %v", v.Source, err)
			}
			mounted = true
		}
	}
	if !mounted {
		t.Error("nginx does not mount deploy/nginx.conf")
	}
}
