package studio

import "testing"

func TestMoney(t *testing.T) {
	for _, tt := range []struct {
		minor    int64
		currency string
		want     string
	}{{45000, "EUR", "450.00 EUR"}, {5, "EUR", "0.05 EUR"}, {4500, "JPY", "4500 JPY"}, {1234, "KWD", "1.234 KWD"}, {-150, "USD", "-1.50 USD"}} {
		if got := FormatMoney(tt.minor, tt.currency); got != tt.want {
			t.Errorf("FormatMoney(%d, %s) = %q, want %q", tt.minor, tt.currency, got, tt.want)
		}
	}
	for _, tt := range []struct {
		in       string
		currency string
		want     int64
		ok       bool
	}{{"450", "EUR", 45000, true}, {"1,250.50", "EUR", 125050, true}, {"0.1", "EUR", 10, true}, {"19.99", "USD", 1999, true},
		{"4500", "JPY", 4500, true}, {"45.5", "JPY", 0, false}, {"1.005", "EUR", 0, false}, {"-3", "EUR", 0, false}, {"abc", "EUR", 0, false}, {"", "EUR", 0, false}} {
		got, ok := ParseMoney(tt.in, tt.currency)
		if got != tt.want || ok != tt.ok {
			t.Errorf("ParseMoney(%q, %s) = %d, %v; want %d, %v", tt.in, tt.currency, got, ok, tt.want, tt.ok)
		}
	}
	if FormatLength(38.1, Imperial) != "1.5 in" || FormatLength(38.1, Metric) != "38.1 mm" {
		t.Fatal(FormatLength(38.1, Imperial), FormatLength(38.1, Metric))
	}
}

// Amounts as people type them: signs, codes, grouping and decimal marks.
func TestParseMoneyAsTyped(t *testing.T) {
	for _, tt := range []struct {
		in       string
		currency string
		want     int64
		ok       bool
	}{
		{"$250", "USD", 25000, true}, {"US$ 250", "USD", 25000, true}, {"250 EUR", "EUR", 25000, true}, {"€1.250,50", "EUR", 125050, true},
		{"1,250", "USD", 125000, true}, {"12,500,000", "USD", 1250000000, true}, {"2,5", "EUR", 250, true}, {"250.00", "EUR", 25000, true},
		{"1 250", "EUR", 125000, true}, {"CHF 1'250.50", "CHF", 125050, true}, {"¥4500", "JPY", 4500, true},
		{"$-5", "USD", 0, false}, {"1e5", "EUR", 0, false}, {"Inf", "EUR", 0, false}, {"12abc", "EUR", 0, false}, {"1,2,3", "EUR", 0, false},
		{"1.250.000", "EUR", 0, false}, {"$", "USD", 0, false}, {"2,505", "EUR", 250500, true}, {"2,5055", "EUR", 0, false},
	} {
		got, ok := ParseMoney(tt.in, tt.currency)
		if got != tt.want || ok != tt.ok {
			t.Errorf("ParseMoney(%q, %s) = %d, %v; want %d, %v", tt.in, tt.currency, got, ok, tt.want, tt.ok)
		}
	}
}

// Lengths as people type them: fractions of an inch, decimal commas, and a
// unit that wins over the studio's.
func TestParseLength(t *testing.T) {
	for _, tt := range []struct {
		in    string
		units Units
		want  float64
		ok    bool
	}{
		{"1.75", Imperial, 44.45, true}, {"1 3/4", Imperial, 44.45, true}, {"1-3/4", Imperial, 44.45, true}, {"1¾", Imperial, 44.45, true},
		{"3/4", Imperial, 19.05, true}, {"½", Imperial, 12.7, true}, {`1.5"`, Imperial, 38.1, true}, {"2 in", Metric, 50.8, true},
		{"38", Metric, 38, true}, {"38,5", Metric, 38.5, true}, {"45 mm", Imperial, 45, true}, {"4.5 cm", Metric, 45, true},
		{"1 3/0", Imperial, 0, false}, {"-2", Metric, 0, false}, {"1e3", Metric, 0, false}, {"inf", Metric, 0, false}, {"tall", Metric, 0, false},
		{"", Metric, 0, false}, {"1/2/3", Imperial, 0, false},
	} {
		got, ok := ParseLength(tt.in, tt.units)
		if got != tt.want || ok != tt.ok {
			t.Errorf("ParseLength(%q, %s) = %v, %v; want %v, %v", tt.in, tt.units, got, ok, tt.want, tt.ok)
		}
	}
}
