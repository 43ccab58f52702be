package studio

import (
	"fmt"
	"maps"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	// The time zone database is embedded so that validating an IANA zone
	// works the same on a machine without /usr/share/zoneinfo.
	_ "time/tzdata"
)

// Units is the measuring system a studio works in.
type Units string

const (
	Metric   Units = "metric"
	Imperial Units = "imperial"
)

// TemperatureUnit is the scale a studio reads its ovens in.
type TemperatureUnit string

const (
	Celsius    TemperatureUnit = "C"
	Fahrenheit TemperatureUnit = "F"
)

// Studio is one artist's workshop: every other record belongs to one.
type Studio struct {
	ID       string
	Slug     string
	Name     string
	Artist   string
	Currency string // ISO 4217
	Timezone string // IANA
	Units    Units
	// TemperatureUnit is how temperatures are shown; they are stored in °C.
	TemperatureUnit TemperatureUnit
	// PixelLimit is the largest photo (width × height) the studio accepts.
	PixelLimit int64
	// WebsiteOrigins may post inquiries to the public API from a browser.
	WebsiteOrigins []string
	// GritProgression is the studio's sanding order, strictly ascending.
	GritProgression []int
	// CoatDryMinutes is how long each finish dries.
	CoatDryMinutes map[CoatKind]int
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// DefaultPixelLimit is 50 megapixels.
const DefaultPixelLimit = 50_000_000

// Today is the date in the studio's time zone.
func (s Studio) Today(now time.Time) string {
	loc, err := time.LoadLocation(s.Timezone)
	if err != nil {
		loc = time.UTC
	}
	return now.In(loc).Format(time.DateOnly)
}

// NewStudio fills in the defaults of a studio created without them.
func NewStudio(slug, name, artist string) Studio {
	return Studio{
		Slug: strings.TrimSpace(slug), Name: strings.TrimSpace(name), Artist: strings.TrimSpace(artist),
		Currency: "EUR", Timezone: "UTC", Units: Metric, TemperatureUnit: Celsius,
		PixelLimit: DefaultPixelLimit, GritProgression: slices.Clone(DefaultGrits), CoatDryMinutes: maps.Clone(DefaultDryMinutes),
	}
}

// Validate checks every field and reports all that are wrong.
func (s Studio) Validate() error {
	f := Fields{}
	if why := SlugProblem(s.Slug); why != "" {
		f.Add("slug", why)
	}
	f.Text("name", s.Name, NameText)
	f.Text("artist", s.Artist, NameText)
	if !IsCurrency(s.Currency) {
		f.Add("currency", "must be an ISO 4217 currency code such as EUR, USD or GBP")
	}
	if !IsTimezone(s.Timezone) {
		f.Add("timezone", "must be an IANA time zone such as Europe/Vienna or America/New_York")
	}
	if s.Units != Metric && s.Units != Imperial {
		f.Add("units", `must be "metric" or "imperial"`)
	}
	if s.TemperatureUnit != Celsius && s.TemperatureUnit != Fahrenheit {
		f.Add("temperature_unit", `must be "C" or "F"`)
	}
	if s.PixelLimit < 1_000_000 || s.PixelLimit > 200_000_000 {
		f.Add("pixel_limit", "must be between 1 and 200 megapixels")
	}
	if why := GritsProblem(s.GritProgression); why != "" {
		f.Add("grit_progression", why)
	}
	for _, k := range CoatKinds {
		if m, ok := s.CoatDryMinutes[k]; !ok || m < 0 || m > MaxDryMinutes {
			f.Add("coat_dry_minutes", fmt.Sprintf("%s must be from 0 minutes to 7 days (%d minutes)", k, MaxDryMinutes))
		}
	}
	for k := range s.CoatDryMinutes {
		if !slices.Contains(CoatKinds, k) {
			f.Add("coat_dry_minutes", Quote(string(k))+" is not a finish (matte_polyurethane, gloss_polyurethane, epoxy)")
		}
	}
	for _, o := range s.WebsiteOrigins {
		if why := OriginProblem(o); why != "" {
			f.Add("website_origins", o+" "+why)
		}
	}
	return f.Err()
}

// StudioUpdate holds the settings an owner may change; nil leaves a field as it is.
type StudioUpdate struct {
	Name     *string
	Artist   *string
	Currency *string
	Timezone *string
	Units    *Units
	// TemperatureUnit is "C" or "F".
	TemperatureUnit *TemperatureUnit
	PixelLimit      *int64
	WebsiteOrigins  *[]string
	GritProgression *[]int
	// CoatDryMinutes changes the finishes it names and keeps the others.
	CoatDryMinutes map[CoatKind]int
}

// Apply returns s with the update applied and validated.
func (u StudioUpdate) Apply(s Studio) (Studio, error) {
	set(&s.Name, u.Name, strings.TrimSpace)
	set(&s.Artist, u.Artist, strings.TrimSpace)
	set(&s.Currency, u.Currency, strings.TrimSpace)
	set(&s.Timezone, u.Timezone, strings.TrimSpace)
	set(&s.Units, u.Units, func(v Units) Units { return v })
	set(&s.TemperatureUnit, u.TemperatureUnit, func(v TemperatureUnit) TemperatureUnit { return v })
	set(&s.PixelLimit, u.PixelLimit, func(v int64) int64 { return v })
	set(&s.WebsiteOrigins, u.WebsiteOrigins, cleanOrigins)
	set(&s.GritProgression, u.GritProgression, func(v []int) []int { return v })
	if u.CoatDryMinutes != nil {
		s.CoatDryMinutes = maps.Clone(s.CoatDryMinutes)
		if s.CoatDryMinutes == nil {
			s.CoatDryMinutes = map[CoatKind]int{}
		}
		maps.Copy(s.CoatDryMinutes, u.CoatDryMinutes)
	}
	return s, s.Validate()
}

func set[T any](dst *T, v *T, clean func(T) T) {
	if v != nil {
		*dst = clean(*v)
	}
}

var slugPattern = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]*[a-z0-9])?$`)

// SlugProblem says why slug cannot name a studio in a URL, or "" when it can.
func SlugProblem(slug string) string {
	switch {
	case slug == "":
		return "is required"
	case len(slug) < 2 || len(slug) > 40:
		return "must be 2 to 40 characters long"
	case !slugPattern.MatchString(slug) || strings.Contains(slug, "--"):
		return "may hold only lower-case letters, digits and single hyphens, and must start and end with a letter or digit"
	}
	return ""
}

// IsTimezone reports whether name is an IANA time zone. "Local" and the
// empty name are refused: they mean different things on different machines.
func IsTimezone(name string) bool {
	if name == "" || name == "Local" {
		return false
	}
	_, err := time.LoadLocation(name)
	return err == nil
}

// OriginProblem says why o is not a web origin ("https://shop.example"),
// or "".
func OriginProblem(o string) string {
	u, err := url.Parse(o)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.User != nil {
		return "is not a web origin such as https://shop.example.com"
	}
	return ""
}

func cleanOrigins(os []string) []string {
	out := []string{}
	for _, o := range os {
		if o = strings.TrimRight(strings.TrimSpace(o), "/"); o != "" && !slices.Contains(out, o) {
			out = append(out, o)
		}
	}
	return out
}
