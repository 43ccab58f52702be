// Package studio is the domain of Atelier: its types, the rules they obey as
// pure functions, and the one error type every layer speaks.
package studio

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// Code classifies an Error. The HTTP layer maps each code to one status.
type Code string

const (
	Invalid      Code = "invalid"
	NotFound     Code = "not_found"
	Conflict     Code = "conflict"
	Unauthorized Code = "unauthorized"
	Forbidden    Code = "forbidden"
	TooLarge     Code = "too_large"
	RateLimited  Code = "rate_limited"
	// Unavailable: the server is too busy to take the request now; it says
	// when to try again (Data[RetryAfter]).
	Unavailable Code = "unavailable"
	Internal    Code = "internal"
)

// RetryAfter is the key of Error.Data that says, in whole seconds, when a
// refused request may be tried again (RateLimited, Unavailable).
const RetryAfter = "retry_after"

// Error is an error whose Message is safe to show to the person who caused
// it. Fields names the input fields at fault, each with the reason.
type Error struct {
	Code    Code
	Message string
	Fields  map[string]string
	// Data carries facts a client can act on, such as when to try again.
	Data map[string]any
}

func (e *Error) Error() string { return fmt.Sprintf("%s: %s", e.Code, e.Message) }

// Errorf returns an Error with the given code and a formatted message.
func Errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of err: Internal for anything that is not an
// *Error, and "" for nil.
func ErrorCode(err error) Code {
	if err == nil {
		return ""
	}
	if e, ok := errors.AsType[*Error](err); ok {
		return e.Code
	}
	return Internal
}

// Fields collects field-level validation failures and turns them into one
// Invalid error, so a form shows every problem at once.
type Fields map[string]string

// Add records why field is wrong; the first reason for a field wins.
func (f Fields) Add(field, why string) {
	if _, ok := f[field]; !ok {
		f[field] = why
	}
}

// Err returns nil when no field failed, or an Invalid error listing them.
func (f Fields) Err() error {
	if len(f) == 0 {
		return nil
	}
	parts := make([]string, 0, len(f))
	for _, name := range slices.Sorted(maps.Keys(f)) {
		parts = append(parts, name+" "+f[name])
	}
	return &Error{Code: Invalid, Message: "Please check: " + strings.Join(parts, "; ") + ".", Fields: maps.Clone(map[string]string(f))}
}

// FieldError is an Invalid error about a single field.
func FieldError(field, why string) error {
	f := Fields{}
	f.Add(field, why)
	return f.Err()
}
