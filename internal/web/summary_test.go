package web

import (
	"reflect"
	"testing"
)

// TestSummaryNamesFieldsByTheirLabels: each error reads as its field's
// label and message, in the page's order, linking to the field; a field
// the page writes without its unit is found; one the page does not show
// is named in words, never by its code.
func TestSummaryNamesFieldsByTheirLabels(t *testing.T) {
	page := []byte(`<label for="subject_name">Name of the person (or pet)</label><input id="subject_name">
<label for="target_height">Height of the figure</label><input id="target_height">
<label for="photo_front">Front <span class="muted">(needed)</span></label><input id="photo_front">
<label for="contact_email">Your e-mail address</label><input id="contact_email">
<label for="day-tue">Tuesday</label><input id="day-tue">`)
	got := summarise(page, map[string]string{"contact_email": "is required", "subject_name": "is required",
		"target_height_mm": "must be at most 500", "photo_front": "Send a photo.", "weekdays.mon": "must be a time", "weekdays.tue": "must be a time"})
	for i := range got {
		got[i].at = 0
	}
	want := []summaryItem{
		{Text: "Name of the person (or pet) is required", Href: "#subject_name"},
		{Text: "Height of the figure must be at most 500", Href: "#target_height"},
		{Text: "Front: Send a photo.", Href: "#photo_front"},
		{Text: "Your e-mail address is required", Href: "#contact_email"},
		{Text: "Tuesday must be a time", Href: "#day-tue"},
		{Text: "Weekdays mon must be a time"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("summary\n%+v\nwant\n%+v", got, want)
	}
}
