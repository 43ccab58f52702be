package plan

import (
	"context"
	"os"
	"strings"
	"testing"
)

// ft06 (Fisher and Thompson 1963), whose optimum is 55.
var ft06 = Instance{Name: "ft06",
	Durations: [][]int{{1, 3, 6, 7, 3, 6}, {8, 5, 10, 10, 10, 4}, {5, 4, 8, 9, 1, 7}, {5, 5, 5, 3, 8, 9}, {9, 3, 5, 4, 3, 1}, {3, 3, 9, 10, 4, 1}},
	Machines:  [][]int{{2, 0, 1, 3, 5, 4}, {1, 2, 4, 5, 0, 3}, {2, 3, 5, 0, 1, 4}, {1, 0, 2, 3, 4, 5}, {2, 1, 4, 5, 0, 3}, {1, 3, 5, 0, 4, 2}},
	Optimum:   55}

// solved checks a schedule with Check, which the tests trust to catch an
// infeasible one, and returns its makespan.
func solved(t *testing.T, in Instance, s Schedule) int {
	t.Helper()
	makespan, err := in.Check(s.Starts)
	if err != nil {
		t.Fatalf("%s: the schedule is infeasible: %v", in.Name, err)
	}
	if makespan != s.Makespan {
		t.Fatalf("%s: the schedule says %d, its starts give %d", in.Name, s.Makespan, makespan)
	}
	return makespan
}

// Small instances with known optima are solved to them within a bounded
// number of moves (no clock: the same result on any machine).
func TestSolveFindsKnownOptima(t *testing.T) {
	small := []Instance{
		ft06,
		{Name: "one machine", Durations: [][]int{{3}, {4}, {5}}, Machines: [][]int{{0}, {0}, {0}}, Optimum: 12},
		{Name: "one job", Durations: [][]int{{3, 4, 5}}, Machines: [][]int{{0, 1, 2}}, Optimum: 12},
		{Name: "two by two", Durations: [][]int{{3, 2}, {2, 3}}, Machines: [][]int{{0, 1}, {1, 0}}, Optimum: 6},
		{Name: "zero durations", Durations: [][]int{{0, 2}, {2, 0}}, Machines: [][]int{{0, 1}, {0, 1}}, Optimum: 2},
	}
	for _, in := range small {
		if err := in.Validate(); err != nil {
			t.Fatal(err)
		}
		got := solved(t, in, Solve(context.Background(), in, Options{Workers: 2, Seed: 7, MaxIterations: 20000}))
		if got != in.Optimum {
			t.Errorf("%s: makespan %d, the optimum is %d", in.Name, got, in.Optimum)
		}
	}
}

// The benchmark file's instances read, and every schedule the search
// gives in a few hundred moves is feasible and no better than the
// optimum (which would mean a broken check).
func TestSolveBenchmarkFileIsFeasible(t *testing.T) {
	data, err := os.ReadFile("../../../shared/data/jobshop/instances.json")
	if err != nil {
		t.Skip("the shared benchmark data is not beside this checkout")
	}
	ins, err := ReadInstances(data)
	if err != nil {
		t.Fatal(err)
	}
	if len(ins) != 22 || ins[0].Name != "ft06" || ins[0].Optimum != 55 {
		t.Fatalf("read %d instances, first %s", len(ins), ins[0].Name)
	}
	for _, in := range ins {
		got := solved(t, in, Solve(context.Background(), in, Options{Workers: 1, Seed: 1, MaxIterations: 300}))
		if got < in.Optimum || got < in.LowerBound() {
			t.Errorf("%s: makespan %d beats the optimum %d", in.Name, got, in.Optimum)
		}
	}
}

func TestCheckRefusesInfeasibleSchedules(t *testing.T) {
	in := Instance{Name: "two by two", Durations: [][]int{{3, 2}, {2, 3}}, Machines: [][]int{{0, 1}, {1, 0}}}
	for _, tt := range []struct {
		name   string
		starts [][]int
		says   string
	}{
		{"a step before the one it follows ends", [][]int{{0, 2}, {0, 3}}, "before step 0 ends"},
		{"a machine doing two things at once", [][]int{{0, 3}, {0, 2}}, "at once"},
		{"a start before 0", [][]int{{-1, 3}, {0, 3}}, "before 0"},
		{"a job missing", [][]int{{0, 3}}, "1 jobs scheduled"},
	} {
		if _, err := in.Check(tt.starts); err == nil || !strings.Contains(err.Error(), tt.says) {
			t.Errorf("%s: %v", tt.name, err)
		}
	}
	if got, err := in.Check([][]int{{0, 3}, {0, 3}}); err != nil || got != 6 {
		t.Errorf("a feasible schedule: %d, %v", got, err)
	}
}

func TestReadInstancesRefusesBadFiles(t *testing.T) {
	for _, tt := range []struct {
		name, file, says string
	}{
		{"not JSON", `{"a": [`, "not a JSON object"},
		{"a machine out of range", `{"bad": {"duration_matrix": [[1, 2]], "machines_matrix": [[0, 5]]}}`, "instance bad: job 0, step 1 names machine 5, out of range: the instance has 2 machines"},
		{"a negative machine", `{"neg": {"duration_matrix": [[1]], "machines_matrix": [[-1]]}}`, "instance neg"},
		{"rows that differ", `{"rows": {"duration_matrix": [[1, 2]], "machines_matrix": [[0]]}}`, "job 0 has 2 durations but 1 machines"},
		{"a negative duration", `{"dur": {"duration_matrix": [[-1]], "machines_matrix": [[0]]}}`, "negative duration"},
		{"no jobs", `{"none": {"duration_matrix": [], "machines_matrix": []}}`, "has no jobs"},
		{"an instance that is not an object", `{"x": 3}`, "instance x"},
	} {
		if _, err := ReadInstances([]byte(tt.file)); err == nil || !strings.Contains(err.Error(), tt.says) {
			t.Errorf("%s: %v, want %q", tt.name, err, tt.says)
		}
	}
}

func TestLowerBound(t *testing.T) {
	// The longest job of ft06 takes 47; its busiest machine 43.
	if lb := ft06.LowerBound(); lb != 47 {
		t.Errorf("ft06's lower bound %d", lb)
	}
}
