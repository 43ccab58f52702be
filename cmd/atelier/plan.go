package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"runtime"
	"time"

	"atelier/internal/plan"
)

const planJobshopHelp = `Usage: atelier plan jobshop FILE.json [--instance NAME] [--seconds 5] [--schedule]

Schedules job-shop instances with the planner's search and prints one JSON
line per instance: {"instance","makespan","seconds"}, and with --schedule
"starts", the start of every operation as starts[job][step]. Every schedule
is checked for feasibility before it is printed. FILE is a JSON object of
instances by name, each with duration_matrix and machines_matrix (the format
of shared/data/jobshop/instances.json).

`

// planJobshop runs the scheduling core on benchmark instances.
func planJobshop(ctx context.Context, args []string, e env) error {
	fs := flag.NewFlagSet("atelier plan jobshop", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() { fmt.Fprint(fs.Output(), planJobshopHelp); fs.PrintDefaults() }
	name := fs.String("instance", "", "schedule only the instance of this name")
	seconds := fs.Float64("seconds", 5, "the time allowed for each instance")
	withStarts := fs.Bool("schedule", false, "also print the start of every operation")
	file, err := oneArgument(fs, args, e, "file of instances")
	if err != nil {
		return err
	}
	if !(*seconds > 0) || *seconds > 24*3600 {
		fmt.Fprintln(e.stderr, "atelier plan jobshop: --seconds must be more than 0 and at most a day")
		return errUsage
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	instances, err := plan.ReadInstances(data)
	if err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	found := false
	for _, in := range instances {
		if *name != "" && in.Name != *name {
			continue
		}
		found = true
		if err := solveOne(ctx, in, time.Duration(*seconds*float64(time.Second)), *withStarts, e); err != nil {
			return err
		}
	}
	if !found {
		return fmt.Errorf("%s has no instance named %q", file, *name)
	}
	return nil
}

// jobshopLine is one instance's result.
type jobshopLine struct {
	Instance string  `json:"instance"`
	Makespan int     `json:"makespan"`
	Seconds  float64 `json:"seconds"`
	Starts   [][]int `json:"starts,omitempty"`
}

func solveOne(ctx context.Context, in plan.Instance, budget time.Duration, withStarts bool, e env) error {
	start := time.Now()
	ctx, cancel := context.WithTimeout(ctx, budget)
	defer cancel()
	s := plan.Solve(ctx, in, plan.Options{Workers: runtime.GOMAXPROCS(0), Seed: uint64(start.UnixNano())})
	took := time.Since(start).Seconds()
	makespan, err := in.Check(s.Starts)
	if err != nil {
		return fmt.Errorf("instance %s: the search made an infeasible schedule: %w", in.Name, err)
	}
	line := jobshopLine{Instance: in.Name, Makespan: makespan, Seconds: float64(int(took*1000)) / 1000}
	if withStarts {
		line.Starts = s.Starts
	}
	return json.NewEncoder(e.stdout).Encode(line)
}
