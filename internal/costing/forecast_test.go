package costing

import (
	"math"
	"testing"
)

func TestForecastCost(t *testing.T) {
	fitted := Model{GramsPerMM3: 0.0003, Fitted: true}
	tests := []struct {
		name string
		in   ForecastInput
		r    Rates
		want Forecast
	}{
		{
			name: "a studio without finished pieces gets the default clay and work",
			in:   ForecastInput{HeightMM: 40, ClayMilliCentsPerGram: 4368},
			r:    eur,
			// 15.381 g × 4.368 c = 67.18 c; 780 min at 30.00 an hour.
			want: Forecast{Breakdown: Breakdown{MaterialsCents: 67, LabourCents: 39000, TotalCents: 39067, SuggestedPriceCents: 78134},
				ClayGrams: 15.381, Clay: DefaultModel(), WorkMinutes: 780},
		},
		{
			name: "the foil core saves clay",
			in:   ForecastInput{HeightMM: 40, FoilSharePct: 25, ClayMilliCentsPerGram: 4368},
			r:    eur,
			want: Forecast{Breakdown: Breakdown{MaterialsCents: 50, LabourCents: 39000, TotalCents: 39050, SuggestedPriceCents: 78100},
				ClayGrams: 11.536, Clay: DefaultModel(), WorkMinutes: 780},
		},
		{
			name: "past pieces give the medians of work, other materials and energy",
			in: ForecastInput{HeightMM: 50, Clay: fitted, FitPieces: 4, ClayMilliCentsPerGram: 1000, Past: []Past{
				{WorkMinutes: 600, OtherMaterialsCents: 300, EnergyCents: 20},
				{WorkMinutes: 5000, OtherMaterialsCents: 100, EnergyCents: 900}, // the week-long one
				{WorkMinutes: 540, OtherMaterialsCents: 250, EnergyCents: 30},
			}},
			r: eur,
			// 0.0003 × 125000 = 37.5 g at 1 c; 250 other; 600 min = 30000; energy 30.
			want: Forecast{Breakdown: Breakdown{MaterialsCents: 288, LabourCents: 30000, EnergyCents: 30, TotalCents: 30318, SuggestedPriceCents: 60636},
				ClayGrams: 37.5, Clay: fitted, FitPieces: 4, WorkMinutes: 600, PastPieces: 3},
		},
		{
			name: "an even count takes the mean of the middle two",
			in: ForecastInput{HeightMM: 40, Past: []Past{
				{WorkMinutes: 100, EnergyCents: 1}, {WorkMinutes: 201, EnergyCents: 2},
			}},
			r: Rates{Currency: "EUR", HourlyRateCents: 6000, Markup: 1},
			// (100+201)/2 = 150.5 → 151 min at 1 c a minute; energy (1+2)/2 → 2.
			want: Forecast{Breakdown: Breakdown{LabourCents: 15100, EnergyCents: 2, TotalCents: 15102, SuggestedPriceCents: 15102},
				ClayGrams: 15.381, Clay: DefaultModel(), WorkMinutes: 151, PastPieces: 2},
		},
		{
			name: "an unfitted model is the default whatever its coefficient",
			in:   ForecastInput{HeightMM: 40, Clay: Model{GramsPerMM3: 5}},
			r:    eur,
			want: Forecast{Breakdown: Breakdown{LabourCents: 39000, TotalCents: 39000, SuggestedPriceCents: 78000},
				ClayGrams: 15.381, Clay: DefaultModel(), WorkMinutes: 780},
		},
		{
			name: "the studio's rounding applies to the suggestion",
			in:   ForecastInput{HeightMM: 40},
			r:    Rates{Currency: "EUR", HourlyRateCents: 3001, Rounding: RoundTen},
			// 780 min at 30.01 = 39013 → × 2 = 78026 → up to 790.00.
			want: Forecast{Breakdown: Breakdown{LabourCents: 39013, TotalCents: 39013, SuggestedPriceCents: 79000},
				ClayGrams: 15.381, Clay: DefaultModel(), WorkMinutes: 780},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ForecastCost(tt.in, tt.r)
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(got.ClayGrams-tt.want.ClayGrams) > 0.001 {
				t.Errorf("clay = %.4f g, want %.3f", got.ClayGrams, tt.want.ClayGrams)
			}
			got.ClayGrams = tt.want.ClayGrams
			if got != tt.want {
				t.Errorf("ForecastCost =\n %+v\nwant\n %+v", got, tt.want)
			}
		})
	}
}

func TestForecastLearnsFromTheLatestPiecesOnly(t *testing.T) {
	past := make([]Past, PastPieces+5)
	for i := range past {
		past[i].WorkMinutes = 60
		if i >= PastPieces {
			past[i].WorkMinutes = 6000 // older pieces, beyond the window
		}
	}
	got, err := ForecastCost(ForecastInput{HeightMM: 40, Past: past}, eur)
	if err != nil {
		t.Fatal(err)
	}
	if got.PastPieces != PastPieces || got.WorkMinutes != 60 {
		t.Errorf("learned from %d pieces, work %d min; want %d pieces, 60 min", got.PastPieces, got.WorkMinutes, PastPieces)
	}
}

func TestForecastRefusesBadRates(t *testing.T) {
	if _, err := ForecastCost(ForecastInput{HeightMM: 40}, Rates{Currency: "EUR", HourlyRateCents: -1}); err == nil {
		t.Error("a negative hourly rate was accepted")
	}
}

func TestClayPrice(t *testing.T) {
	tests := []struct {
		name  string
		stock []ClayStock
		want  int64
	}{
		{"no clay", nil, 0},
		{"weighted by the grams in stock", []ClayStock{{Grams: 300, MilliCentsPerGram: 4000}, {Grams: 100, MilliCentsPerGram: 8000}}, 5000},
		{"nothing in stock: the plain mean", []ClayStock{{MilliCentsPerGram: 4000}, {MilliCentsPerGram: 5001}}, 4501},
		{"clay without a price does not count", []ClayStock{{Grams: 500, MilliCentsPerGram: 0}, {Grams: 10, MilliCentsPerGram: 3000}}, 3000},
		{"stock counts over none", []ClayStock{{Grams: 0, MilliCentsPerGram: 9000}, {Grams: 57, MilliCentsPerGram: 4368}}, 4368},
	}
	for _, tt := range tests {
		if got := ClayPrice(tt.stock); got != tt.want {
			t.Errorf("%s: ClayPrice = %d, want %d", tt.name, got, tt.want)
		}
	}
}
