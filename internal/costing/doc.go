// Package costing estimates the clay a portrait miniature needs and rolls
// up what a piece cost to make into a suggested price.
//
// It is pure: no SQL, no HTTP, no clock. The caller reads the studio's
// logged pieces, stock moves, work and bakes, and hands in plain values.
// docs/costing.md explains the models and formulas with a worked example.
package costing
