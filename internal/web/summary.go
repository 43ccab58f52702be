package web

import (
	"cmp"
	"html"
	"maps"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// summaryItem is one line of a form's error summary: the field's label and
// what is wrong with it, linking to the field when the page has it.
type summaryItem struct {
	Text string
	Href string
	at   int
}

var (
	labelFor = regexp.MustCompile(`(?s)<label\b[^>]*\bfor="([^"]+)"[^>]*>(.*?)</label>`)
	tagText  = regexp.MustCompile(`(?s)<[^>]*>`)
)

// summarise lists every field error of a page in people's words. The labels
// are read from the page as drawn, so every form gets its summary without a
// list of labels kept by hand beside its template; an error whose field the
// page does not show is named after its code, in words.
func summarise(page []byte, errs map[string]string) []summaryItem {
	doc := string(page)
	labels := map[string]string{}
	for _, m := range labelFor.FindAllStringSubmatch(doc, -1) {
		if _, ok := labels[m[1]]; !ok {
			labels[m[1]] = labelText(m[2])
		}
	}
	items := make([]summaryItem, 0, len(errs))
	for _, name := range slices.Sorted(maps.Keys(errs)) {
		item := summaryItem{at: len(doc)}
		label := ""
		if id, ok := fieldID(doc, labels, name); ok {
			label = labels[id]
			if at := strings.Index(doc, `id="`+id+`"`); at >= 0 {
				item.Href, item.at = "#"+id, at
			}
		}
		if label == "" {
			label = humanise(name)
		}
		item.Text = summaryLine(label, errs[name])
		items = append(items, item)
	}
	slices.SortStableFunc(items, func(a, b summaryItem) int { return cmp.Compare(a.at, b.at) })
	return items
}

// fieldID finds the element a field's error belongs to: the form may name
// it as the error does, or without the domain's unit (target_height_mm is
// typed as target_height, budget_cents as budget), or with its dots as the
// page writes them.
func fieldID(doc string, labels map[string]string, name string) (string, bool) {
	candidates := []string{name, strings.TrimSuffix(name, "_mm"), strings.TrimSuffix(name, "_cents"),
		strings.ReplaceAll(name, ".", "-"), strings.ReplaceAll(name, ".", "_")}
	for _, id := range candidates {
		if _, ok := labels[id]; ok || strings.Contains(doc, `id="`+id+`-error"`) || strings.Contains(doc, `id="`+id+`"`) {
			return id, true
		}
	}
	// A row of a list (weekdays.mon) may be labelled by its last part
	// alone, after a prefix of the page's own (day-mon): when one label
	// only ends so.
	if i := strings.LastIndex(name, "."); i >= 0 {
		var found []string
		for id := range labels {
			if last := name[i+1:]; strings.HasSuffix(id, "-"+last) || strings.HasSuffix(id, "_"+last) {
				found = append(found, id)
			}
		}
		if len(found) == 1 {
			return found[0], true
		}
	}
	return "", false
}

// labelText is a label's own words, without the hints set in smaller type
// after them ("Front (needed)" is "Front") or a closing colon.
func labelText(inner string) string {
	if i := strings.Index(inner, "<"); i > 0 && strings.TrimSpace(inner[:i]) != "" {
		inner = inner[:i]
	}
	text := html.UnescapeString(tagText.ReplaceAllString(inner, ""))
	return strings.TrimRight(strings.Join(strings.Fields(text), " "), ": ")
}

// humanise writes a field's code name in words: "contact_email" is
// "contact email", "weekdays.mon" is "weekdays mon".
func humanise(name string) string {
	name = strings.TrimSuffix(strings.TrimSuffix(name, "_mm"), "_cents")
	return strings.Join(strings.FieldsFunc(name, func(r rune) bool { return r == '_' || r == '.' || r == '-' }), " ")
}

// summaryLine joins a label and its message: "Your e-mail address is
// required"; a message that is a sentence of its own follows a colon.
func summaryLine(label, msg string) string {
	first, _ := utf8.DecodeRuneInString(msg)
	text := label + " " + msg
	if unicode.IsUpper(first) {
		text = label + ": " + msg
	}
	r, size := utf8.DecodeRuneInString(text)
	return string(unicode.ToUpper(r)) + text[size:]
}

// summaryTitle heads the summary: the page's own message, unless it only
// says to look at the fields, which the summary now lists.
func summaryTitle(msg string) string {
	if msg == "" || msg == checkBelow || strings.HasPrefix(msg, "Please check:") {
		return "Please correct these answers:"
	}
	return msg
}
