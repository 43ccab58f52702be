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
