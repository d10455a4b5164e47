package stub

import (
	"fmt"
	"strings"
)

// reportColumn is the width of the report's left column.
const reportColumn = 58

// notMatchedReport is the body of the 404 a request no mapping matched
// gets: like WireMock's, the closest mapping beside the request, with
// each part that differs marked.
func notMatchedReport(closest *Mapping, in *incoming) string {
	if closest == nil {
		return "No response could be served as there are no stub mappings in this stub.\n"
	}
	var b strings.Builder
	b.WriteString("\nRequest was not matched\n=======================\n\n")
	fmt.Fprintf(&b, "Closest stub: %s\n\n", closest.Label())
	line := func(expected, actual, what string, ok bool) {
		mark := ""
		if !ok {
			mark = " <<<<< " + what + " does not match"
		}
		row := fmt.Sprintf("%-*s | %-*s%s", reportColumn, shorten(expected, reportColumn), reportColumn, shorten(actual, reportColumn), mark)
		b.WriteString(strings.TrimRight(row, " ") + "\n")
	}
	line("Closest stub", "Request", "", true)
	b.WriteString(strings.Repeat("-", reportColumn+1) + "+" + strings.Repeat("-", reportColumn+1) + "\n")
	p := &closest.request
	line(p.methodName(), in.method, "HTTP method", p.methodMatches(in.method))
	if p.url.kind != "" {
		line(fmt.Sprintf("%s [%s]", p.url.value, p.url.kind), p.url.actual(in), "URL", p.url.matches(in))
	} else {
		line("any URL", in.url, "URL", true)
	}
	for i := range p.query {
		q := &p.query[i]
		values := in.query[q.name]
		line(fmt.Sprintf("Query: %s [%s]", q.name, q), strings.Join(values, ", "), "Query", q.matchesAny(values))
	}
	for i := range p.headers {
		h := &p.headers[i]
		values := in.headerValues(h.name)
		line(fmt.Sprintf("%s [%s]", h.name, h), strings.Join(values, ", "), "Header", h.matchesAny(values))
	}
	for i := range p.body {
		m := &p.body[i]
		line("Body ["+m.String()+"]", in.body, "Body", bodyMatches(m, in))
	}
	return b.String()
}

// shorten cuts s to at most n runes on one line.
func shorten(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-3]) + "..."
}
