package stats

import (
	"fmt"
	"math"
	"strings"
)

// Markdown renders the report for a GitHub step summary: tables, and
// mermaid xychart-beta charts of environment-hours per day and of the
// provisioning-time percentiles, which GitHub draws.
func (r *Report) Markdown() string {
	var b strings.Builder
	fmt.Fprintf(&b, "## prenv stats: %s\n\n", r.Project)
	fmt.Fprintf(&b, "From %s to %s UTC.\n\n", r.Since.Format("2006-01-02 15:04"), r.Until.Format("2006-01-02 15:04"))
	e := r.Environments
	b.WriteString("| environments | |\n|---|---|\n")
	fmt.Fprintf(&b, "| created | %d |\n| live now | %d |\n| environment-hours | %s |\n", e.Created, e.Live, hours(e.Hours))
	if r.Cost.Rated {
		fmt.Fprintf(&b, "| cost | %s |\n| cost per environment-hour | %s |\n", r.Cost.amount(r.Cost.Total, 2), r.Cost.amount(r.Cost.PerEnvironmentHour, 4))
	}

	b.WriteString("\n### Environment-hours per day\n\n")
	labels, values := make([]string, len(r.Days)), make([]float64, len(r.Days))
	for i, d := range r.Days {
		labels[i], values[i] = d.Date[5:], d.Hours
	}
	chart(&b, "Environment-hours per day", "environment-hours", labels, values)

	b.WriteString("\n### Provisioning time, from an up's start to a live URL\n\n")
	b.WriteString("| kind | ups | p50 | p95 | max |\n|---|---:|---:|---:|---:|\n")
	p := r.Provisioning
	for _, k := range []struct {
		name string
		p    Percentiles
	}{{"first up", p.First}, {"update", p.Update}} {
		if k.p.Count == 0 {
			fmt.Fprintf(&b, "| %s | 0 | | | |\n", k.name)
			continue
		}
		fmt.Fprintf(&b, "| %s | %d | %s | %s | %s |\n", k.name, k.p.Count, seconds(k.p.P50), seconds(k.p.P95), seconds(k.p.Max))
	}
	labels, values = nil, nil
	for _, k := range []struct {
		name string
		p    Percentiles
	}{{"first", p.First}, {"update", p.Update}} {
		if k.p.Count > 0 {
			labels = append(labels, k.name+" p50", k.name+" p95", k.name+" max")
			values = append(values, k.p.P50/60, k.p.P95/60, k.p.Max/60)
		}
	}
	if len(labels) > 0 {
		b.WriteString("\n")
		chart(&b, "Provisioning time percentiles", "minutes", labels, values)
	}

	b.WriteString("\n### Outcomes\n\n| operation | total | ok | failed | cancelled | locked | success |\n|---|---:|---:|---:|---:|---:|---:|\n")
	for _, o := range []struct {
		name string
		o    Outcomes
	}{{"up", r.Ups}, {"teardown (destroy, reap)", r.Teardowns}} {
		fmt.Fprintf(&b, "| %s | %d | %d | %d | %d | %d | %s |\n", o.name, o.o.Total, o.o.OK, o.o.Failed, o.o.Cancelled, o.o.Locked, o.o.rateText())
	}

	b.WriteString("\n### Past their TTL\n\n")
	if len(r.Overruns) == 0 {
		b.WriteString("No environment outlived its TTL.\n")
	} else {
		b.WriteString("| environment | expired | outlived it by | |\n|---|---|---:|---|\n")
		for _, o := range r.Overruns {
			state := "torn down"
			if o.Live {
				state = "still up"
			}
			fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", o.Env, o.ExpiresAt.Format("2006-01-02 15:04"), o.age(), state)
		}
	}

	if r.Cost.Rated && len(r.PerEnv) > 0 {
		b.WriteString("\n### Cost by environment\n\n| environment | hours | cost |\n|---|---:|---:|\n")
		for i, es := range r.PerEnv {
			if i == 10 {
				fmt.Fprintf(&b, "| %d more | | |\n", len(r.PerEnv)-i)
				break
			}
			fmt.Fprintf(&b, "| %s | %s | %s |\n", es.Env, hours(es.Hours), r.Cost.amount(es.Cost, 2))
		}
	}
	if len(r.Notes) > 0 {
		b.WriteString("\n### Notes\n\n")
		for _, n := range r.Notes {
			fmt.Fprintf(&b, "- %s\n", n)
		}
	}
	return b.String()
}

// chart writes a mermaid xychart-beta bar chart, its y axis from 0 to
// the next whole number above the highest value.
func chart(b *strings.Builder, title, unit string, labels []string, values []float64) {
	top := 1.0
	quoted := make([]string, len(labels))
	numbers := make([]string, len(values))
	for i := range labels {
		quoted[i] = fmt.Sprintf("%q", labels[i])
		numbers[i] = fmt.Sprintf("%.1f", values[i])
		top = math.Max(top, math.Ceil(values[i]))
	}
	fmt.Fprintf(b, "```mermaid\nxychart-beta\n    title %q\n    x-axis [%s]\n    y-axis %q 0 --> %g\n    bar [%s]\n```\n",
		title, strings.Join(quoted, ", "), unit, top, strings.Join(numbers, ", "))
}
