package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"atelier/internal/plan"
)

func planCLI(t *testing.T, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errOut bytes.Buffer
	e := env{getenv: func(string) string { return "" }, stdin: strings.NewReader(""), stdout: &out, stderr: &errOut}
	err = run(context.Background(), append([]string{"plan", "jobshop"}, args...), e)
	return out.String(), errOut.String(), err
}

// The job-shop command prints one checked schedule a line: ft06 at its
// optimum of 55, with the start of every operation.
func TestPlanJobshopPrintsACheckedSchedule(t *testing.T) {
	file := filepath.Join(t.TempDir(), "ft06.json")
	data := `{"ft06": {"duration_matrix": [[1, 3, 6, 7, 3, 6], [8, 5, 10, 10, 10, 4], [5, 4, 8, 9, 1, 7], [5, 5, 5, 3, 8, 9], [9, 3, 5, 4, 3, 1], [3, 3, 9, 10, 4, 1]],
		"machines_matrix": [[2, 0, 1, 3, 5, 4], [1, 2, 4, 5, 0, 3], [2, 3, 5, 0, 1, 4], [1, 0, 2, 3, 4, 5], [2, 1, 4, 5, 0, 3], [1, 3, 5, 0, 4, 2]],
		"metadata": {"optimum": 55}}}`
	if err := os.WriteFile(file, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	out, stderr, err := planCLI(t, file, "--seconds", "2", "--schedule")
	if err != nil {
		t.Fatalf("%v: %s", err, stderr)
	}
	var line struct {
		Instance string
		Makespan int
		Seconds  float64
		Starts   [][]int
	}
	if err := json.Unmarshal([]byte(out), &line); err != nil {
		t.Fatalf("%v: %q", err, out)
	}
	ins, _ := plan.ReadInstances([]byte(data))
	makespan, err := ins[0].Check(line.Starts)
	if err != nil || line.Instance != "ft06" || line.Makespan != makespan || makespan != 55 || line.Seconds <= 0 {
		t.Fatalf("line %+v: makespan %d, %v", line, makespan, err)
	}
	if _, _, err := planCLI(t, file, "--instance", "ft10"); err == nil || !strings.Contains(err.Error(), `no instance named "ft10"`) {
		t.Errorf("an unknown instance: %v", err)
	}
}

func TestPlanJobshopRefusesBadFiles(t *testing.T) {
	dir := t.TempDir()
	for _, tt := range []struct{ name, file, says string }{
		{"not JSON", `[1, 2`, "not a JSON object of instances"},
		{"a machine out of range", `{"la99": {"duration_matrix": [[1, 2]], "machines_matrix": [[0, 7]]}}`, "instance la99: job 0, step 1 names machine 7, out of range"},
	} {
		path := filepath.Join(dir, "f.json")
		os.WriteFile(path, []byte(tt.file), 0o644)
		if _, _, err := planCLI(t, path); err == nil || !strings.Contains(err.Error(), tt.says) {
			t.Errorf("%s: %v", tt.name, err)
		}
	}
	if _, _, err := planCLI(t, filepath.Join(dir, "f.json"), "--seconds", "0"); !errors.Is(err, errUsage) {
		t.Errorf("--seconds 0: %v", err)
	}
	if _, _, err := planCLI(t); !errors.Is(err, errUsage) {
		t.Errorf("no file: %v", err)
	}
}
