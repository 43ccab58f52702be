// Package plan is the studio's scheduling core: pure functions of the work
// to be done and the time given, with no database, no HTTP and no clock.
//
// Its search is measured on the field's standard benchmark, the job shop:
// jobs of operations in a fixed order, each on one machine, no machine
// doing two things at once, and the makespan to be made as short as it
// can. See jobshop.go and search.go.
package plan

import (
	"encoding/json"
	"fmt"
	"slices"
	"sort"
)

// Instance is a job-shop problem: Durations[j][k] and Machines[j][k] are
// the length and the machine of job j's k-th operation.
type Instance struct {
	Name      string
	Durations [][]int
	Machines  [][]int
	// Optimum is the best known makespan when the instance comes with one
	// (for reports; the search never looks at it).
	Optimum int
}

// instanceFile is one instance as the benchmark file writes it.
type instanceFile struct {
	Name      string  `json:"name"`
	Durations [][]int `json:"duration_matrix"`
	Machines  [][]int `json:"machines_matrix"`
	Metadata  struct {
		Optimum *int `json:"optimum"`
	} `json:"metadata"`
}

// ReadInstances reads a benchmark file: an object of instances by name, as
// in shared/data/jobshop/instances.json, sorted by name. Each is checked.
func ReadInstances(data []byte) ([]Instance, error) {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("the file is not a JSON object of instances: %w", err)
	}
	names := make([]string, 0, len(raw))
	for name := range raw {
		names = append(names, name)
	}
	sort.Strings(names)
	out := make([]Instance, 0, len(raw))
	for _, name := range names {
		var f instanceFile
		if err := json.Unmarshal(raw[name], &f); err != nil {
			return nil, fmt.Errorf("instance %s: %w", name, err)
		}
		in := Instance{Name: name, Durations: f.Durations, Machines: f.Machines}
		if f.Metadata.Optimum != nil {
			in.Optimum = *f.Metadata.Optimum
		}
		if err := in.Validate(); err != nil {
			return nil, err
		}
		out = append(out, in)
	}
	return out, nil
}

// Validate checks that the instance can be scheduled: as many machine
// rows as duration rows, each as long as its job, machines numbered from
// 0 with none skipped (a number at or past the count of machines is out of
// range), no negative duration, and at least one operation.
func (in Instance) Validate() error {
	fail := func(format string, args ...any) error {
		return fmt.Errorf("instance %s: "+format, append([]any{in.Name}, args...)...)
	}
	if len(in.Durations) == 0 {
		return fail("has no jobs")
	}
	if len(in.Machines) != len(in.Durations) {
		return fail("has %d rows of durations but %d of machines", len(in.Durations), len(in.Machines))
	}
	// The machines are numbered from 0: as many as the instance names.
	distinct := map[int]bool{}
	for _, row := range in.Machines {
		for _, m := range row {
			distinct[m] = true
		}
	}
	machines, ops := len(distinct), 0
	for j := range in.Durations {
		if len(in.Machines[j]) != len(in.Durations[j]) {
			return fail("job %d has %d durations but %d machines", j, len(in.Durations[j]), len(in.Machines[j]))
		}
		for k, d := range in.Durations[j] {
			if d < 0 {
				return fail("job %d, step %d has a negative duration %d", j, k, d)
			}
			if m := in.Machines[j][k]; m < 0 || m >= machines {
				return fail("job %d, step %d names machine %d, out of range: the instance has %d machines, numbered from 0", j, k, m, machines)
			}
			ops++
		}
	}
	if ops == 0 {
		return fail("has no operations")
	}
	return nil
}

// MachineCount is one more than the highest machine number.
func (in Instance) MachineCount() int {
	n := 0
	for _, row := range in.Machines {
		for _, m := range row {
			n = max(n, m+1)
		}
	}
	return n
}

// LowerBound is a makespan no schedule can beat: the longest job, or the
// busiest machine.
func (in Instance) LowerBound() int {
	load := make([]int, in.MachineCount())
	lb := 0
	for j, row := range in.Durations {
		job := 0
		for k, d := range row {
			job += d
			load[in.Machines[j][k]] += d
		}
		lb = max(lb, job)
	}
	return max(lb, slices.Max(load))
}

// Check verifies a schedule given as the start of every operation: each
// job's steps in order, each starting once the previous one ends, no two
// operations on one machine at once, no start before 0. It returns the
// makespan.
func (in Instance) Check(starts [][]int) (int, error) {
	if len(starts) != len(in.Durations) {
		return 0, fmt.Errorf("%d jobs scheduled, the instance has %d", len(starts), len(in.Durations))
	}
	type slot struct{ start, end, job, step int }
	byMachine := make([][]slot, in.MachineCount())
	makespan := 0
	for j, row := range in.Durations {
		if len(starts[j]) != len(row) {
			return 0, fmt.Errorf("job %d: %d steps scheduled, it has %d", j, len(starts[j]), len(row))
		}
		for k, d := range row {
			s := starts[j][k]
			if s < 0 {
				return 0, fmt.Errorf("job %d, step %d starts before 0", j, k)
			}
			if k > 0 && s < starts[j][k-1]+row[k-1] {
				return 0, fmt.Errorf("job %d, step %d starts at %d, before step %d ends at %d", j, k, s, k-1, starts[j][k-1]+row[k-1])
			}
			m := in.Machines[j][k]
			byMachine[m] = append(byMachine[m], slot{s, s + d, j, k})
			makespan = max(makespan, s+d)
		}
	}
	for m, slots := range byMachine {
		sort.Slice(slots, func(a, b int) bool { return slots[a].start < slots[b].start })
		for i := 1; i < len(slots); i++ {
			if a, b := slots[i-1], slots[i]; b.start < a.end && a.end > a.start && b.end > b.start {
				return 0, fmt.Errorf("machine %d runs job %d step %d and job %d step %d at once", m, a.job, a.step, b.job, b.step)
			}
		}
	}
	return makespan, nil
}
