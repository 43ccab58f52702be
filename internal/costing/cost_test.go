package costing

import (
	"math"
	"testing"

	"atelier/internal/studio"
)

var eur = Rates{Currency: "EUR", HourlyRateCents: 3000, KWhPriceMilliCents: 31720}

// The worked example of docs/costing.md.
func TestCostWorkedExample(t *testing.T) {
	uses := []Use{
		{QuantityMilli: 30_000, AverageCostMilliCents: 4_368}, // 30 g of clay at 4.368 c/g
		{QuantityMilli: 2_000, AverageCostMilliCents: 5_000},  // 2 pins at 5 c
	}
	work := []Work{{240}, {150}, {45}}
	bakes := []Bake{{PowerW: 1500, Minutes: 45}, {PowerW: 1500, Minutes: 30}}
	r := eur
	r.Rounding = RoundCharm99
	got, err := Cost(uses, work, bakes, r)
	if err != nil {
		t.Fatal(err)
	}
	want := Breakdown{MaterialsCents: 141, LabourCents: 21750, EnergyCents: 59, TotalCents: 21950, SuggestedPriceCents: 43999}
	if got != want {
		t.Errorf("Cost = %+v\nwant %+v", got, want)
	}
}

func TestCostParts(t *testing.T) {
	tests := []struct {
		name  string
		uses  []Use
		work  []Work
		bakes []Bake
		r     Rates
		want  Breakdown
	}{
		{"nothing logged", nil, nil, nil, eur, Breakdown{}},
		{"materials are summed before rounding", []Use{{1000, 400}, {1000, 400}}, nil, nil, eur,
			Breakdown{MaterialsCents: 1, TotalCents: 1, SuggestedPriceCents: 2}}, // 0.4 + 0.4 = 0.8 → 1
		{"materials half up", []Use{{500, 1000}}, nil, nil, eur, // 0.5 c → 1
			Breakdown{MaterialsCents: 1, TotalCents: 1, SuggestedPriceCents: 2}},
		{"materials just under half", []Use{{499, 1000}}, nil, nil, eur, Breakdown{}},
		{"fractional quantity", []Use{{QuantityMilli: 12_500, AverageCostMilliCents: 100_000}}, nil, nil, eur, // 12.5 × 1.00
			Breakdown{MaterialsCents: 1250, TotalCents: 1250, SuggestedPriceCents: 2500}},
		{"labour", nil, []Work{{90}, {30}}, nil, eur,
			Breakdown{LabourCents: 6000, TotalCents: 6000, SuggestedPriceCents: 12000}},
		{"labour half up", nil, []Work{{1}}, nil, Rates{HourlyRateCents: 30}, // 0.5 c
			Breakdown{LabourCents: 1, TotalCents: 1, SuggestedPriceCents: 2}},
		{"labour just under half", nil, []Work{{1}}, nil, Rates{HourlyRateCents: 29}, Breakdown{}},
		{"energy: 1 kWh", nil, nil, []Bake{{1000, 60}}, eur,
			Breakdown{EnergyCents: 32, TotalCents: 32, SuggestedPriceCents: 64}}, // 31.72 → 32
		{"energy half up", nil, nil, []Bake{{1000, 60}}, Rates{KWhPriceMilliCents: 500},
			Breakdown{EnergyCents: 1, TotalCents: 1, SuggestedPriceCents: 2}},
		{"energy just under half", nil, nil, []Bake{{1000, 60}}, Rates{KWhPriceMilliCents: 499}, Breakdown{}},
		{"unknown oven power adds nothing and is counted", nil, nil, []Bake{{0, 45}, {1000, 60}, {0, 30}}, eur,
			Breakdown{EnergyCents: 32, TotalCents: 32, SuggestedPriceCents: 64, UnknownPowerBakes: 2}},
		{"a bake of no minutes is not an unknown", nil, nil, []Bake{{0, 0}}, eur, Breakdown{}},
		{"zero rates", []Use{{1000, 0}}, []Work{{60}}, []Bake{{1000, 60}}, Rates{}, Breakdown{}},
		{"custom markup", nil, []Work{{60}}, nil, Rates{HourlyRateCents: 1000, Markup: 1.5},
			Breakdown{LabourCents: 1000, TotalCents: 1000, SuggestedPriceCents: 1500}},
		{"markup price half up", nil, []Work{{60}}, nil, Rates{HourlyRateCents: 1, Markup: 1.5},
			Breakdown{LabourCents: 1, TotalCents: 1, SuggestedPriceCents: 2}},
		{"markup to three decimals", nil, []Work{{60}}, nil, Rates{HourlyRateCents: 10000, Markup: 1.0004},
			Breakdown{LabourCents: 10000, TotalCents: 10000, SuggestedPriceCents: 10000}},
		{"markup of one sells at cost", nil, []Work{{60}}, nil, Rates{HourlyRateCents: 777, Markup: 1},
			Breakdown{LabourCents: 777, TotalCents: 777, SuggestedPriceCents: 777}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Cost(tt.uses, tt.work, tt.bakes, tt.r)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("Cost = %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestRounding(t *testing.T) {
	tests := []struct {
		currency string
		mode     Rounding
		in, want int64
	}{
		{"EUR", RoundCent, 2340, 2340},
		{"EUR", RoundUnit, 2340, 2400},
		{"EUR", RoundUnit, 2400, 2400},
		{"EUR", RoundUnit, 2401, 2500},
		{"EUR", RoundFive, 2340, 2500},
		{"EUR", RoundFive, 2500, 2500},
		{"EUR", RoundTen, 2340, 3000},
		{"EUR", RoundTen, 3001, 4000},
		{"EUR", RoundCharm99, 2340, 2399},
		{"EUR", RoundCharm99, 2399, 2399},
		{"EUR", RoundCharm99, 2400, 2499},
		{"EUR", RoundCharm99, 1, 99},
		{"EUR", RoundCharm95, 2340, 2395},
		{"EUR", RoundCharm95, 2395, 2395},
		{"EUR", RoundCharm95, 2396, 2495},
		{"EUR", RoundCharm99, 0, 0},
		{"EUR", RoundTen, 0, 0},
		{"JPY", RoundUnit, 2341, 2341},
		{"JPY", RoundFive, 2341, 2345},
		{"JPY", RoundTen, 2341, 2350},
		{"KWD", RoundCharm99, 23400, 23990},
		{"KWD", RoundCharm95, 23400, 23950},
		{"KWD", RoundUnit, 23400, 24000},
	}
	for _, tt := range tests {
		// Markup 1 and labour of exactly `in` cents make the price `in`.
		r := Rates{Currency: tt.currency, HourlyRateCents: tt.in, Markup: 1, Rounding: tt.mode}
		got, err := Cost(nil, []Work{{60}}, nil, r)
		if err != nil {
			t.Errorf("%s %q %d: %v", tt.currency, tt.mode, tt.in, err)
			continue
		}
		if got.SuggestedPriceCents != tt.want {
			t.Errorf("%s %q %d: price %d, want %d", tt.currency, tt.mode, tt.in, got.SuggestedPriceCents, tt.want)
		}
		if got.TotalCents != tt.in {
			t.Errorf("%s %q %d: total %d changed by rounding", tt.currency, tt.mode, tt.in, got.TotalCents)
		}
	}
}

func TestCostInvalid(t *testing.T) {
	tests := []struct {
		name  string
		uses  []Use
		work  []Work
		bakes []Bake
		r     Rates
		field string
	}{
		{"negative hourly rate", nil, nil, nil, Rates{HourlyRateCents: -1}, "hourly_rate_cents"},
		{"negative kWh price", nil, nil, nil, Rates{KWhPriceMilliCents: -1}, "kwh_price_milli_cents"},
		{"negative markup", nil, nil, nil, Rates{Markup: -2}, "markup"},
		{"markup below one", nil, nil, nil, Rates{Markup: 0.5}, "markup"},
		{"markup too large", nil, nil, nil, Rates{Markup: 1001}, "markup"},
		{"NaN markup", nil, nil, nil, Rates{Markup: math.NaN()}, "markup"},
		{"infinite markup", nil, nil, nil, Rates{Markup: math.Inf(1)}, "markup"},
		{"unknown rounding", nil, nil, nil, Rates{Currency: "EUR", Rounding: "nearest"}, "rounding"},
		{"rounding without a currency", nil, nil, nil, Rates{Rounding: RoundUnit}, "rounding"},
		{"charm price without cents", nil, nil, nil, Rates{Currency: "JPY", Rounding: RoundCharm99}, "rounding"},
		{"negative quantity", []Use{{-1, 10}}, nil, nil, eur, "uses[0].quantity"},
		{"negative average cost", []Use{{1, 10}, {1, -10}}, nil, nil, eur, "uses[1].average_cost"},
		{"negative minutes", nil, []Work{{-5}}, nil, eur, "work[0].minutes"},
		{"negative power", nil, nil, []Bake{{-1000, 10}}, eur, "bakes[0].power_w"},
		{"negative bake minutes", nil, nil, []Bake{{1000, -10}}, eur, "bakes[0].minutes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Cost(tt.uses, tt.work, tt.bakes, tt.r)
			e, ok := err.(*studio.Error)
			if !ok || e.Code != studio.Invalid || e.Fields[tt.field] == "" {
				t.Errorf("err = %v, want invalid %s", err, tt.field)
			}
		})
	}
}

func TestCostOverflow(t *testing.T) {
	const big = math.MaxInt64
	tests := []struct {
		name  string
		uses  []Use
		work  []Work
		bakes []Bake
		r     Rates
	}{
		{"materials", []Use{{big, big}}, nil, nil, eur},
		{"many materials", []Use{{big, 2_000_000}, {big, 2_000_000}}, nil, nil, Rates{}},
		{"labour", nil, []Work{{math.MaxInt}}, nil, Rates{HourlyRateCents: big}},
		{"energy", nil, nil, []Bake{{math.MaxInt, math.MaxInt}}, Rates{KWhPriceMilliCents: big}},
		{"price after markup", nil, []Work{{60}}, nil, Rates{HourlyRateCents: big}},
		{"price after rounding", nil, []Work{{60}}, nil, Rates{Currency: "EUR", HourlyRateCents: big, Markup: 1, Rounding: RoundTen}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := Cost(tt.uses, tt.work, tt.bakes, tt.r)
			if studio.ErrorCode(err) != studio.Invalid {
				t.Errorf("Cost = %+v, %v; want an invalid error", b, err)
			}
		})
	}
	// Large amounts that fit come out exact.
	b, err := Cost([]Use{{big, 1_000_000}}, nil, nil, Rates{Markup: 1})
	if err != nil || b.MaterialsCents != big || b.SuggestedPriceCents != big {
		t.Errorf("Cost = %+v, %v; want %d exactly", b, err, int64(big))
	}
}

func TestSum(t *testing.T) {
	a := Breakdown{MaterialsCents: 141, LabourCents: 21750, EnergyCents: 59, TotalCents: 21950, SuggestedPriceCents: 43999, UnknownPowerBakes: 1}
	b := Breakdown{MaterialsCents: 100, LabourCents: 1000, EnergyCents: 10, TotalCents: 1110, SuggestedPriceCents: 2299}
	got, err := Sum(a, b, Breakdown{})
	want := Breakdown{MaterialsCents: 241, LabourCents: 22750, EnergyCents: 69, TotalCents: 23060, SuggestedPriceCents: 46298, UnknownPowerBakes: 1}
	if err != nil || got != want {
		t.Errorf("Sum = %+v, %v\nwant %+v", got, err, want)
	}
	if got, err := Sum(); err != nil || got != (Breakdown{}) {
		t.Errorf("Sum() = %+v, %v", got, err)
	}
	huge := Breakdown{TotalCents: math.MaxInt64}
	if _, err := Sum(huge, Breakdown{TotalCents: 1}); studio.ErrorCode(err) != studio.Invalid {
		t.Errorf("Sum overflow: err = %v, want invalid", err)
	}
	if _, err := Sum(Breakdown{TotalCents: math.MinInt64}, Breakdown{TotalCents: -1}); studio.ErrorCode(err) != studio.Invalid {
		t.Errorf("Sum underflow: err = %v, want invalid", err)
	}
}
