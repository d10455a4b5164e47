package stats

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/prenv/prenv/internal/comment"
)

// JSON is the report as one indented JSON object, whose fields keep their
// names and meanings within a FormatVersion.
func (r *Report) JSON() ([]byte, error) {
	data, err := json.MarshalIndent(r, "", "  ")
	return append(data, '\n'), err
}

// WriteText writes the report as a few aligned lines for a terminal.
func (r *Report) WriteText(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "prenv stats of %s, %s to %s UTC\n\n", r.Project, r.Since.Format("2006-01-02 15:04"), r.Until.Format("2006-01-02 15:04"))
	line := func(label, format string, args ...any) {
		fmt.Fprintf(&b, "%-14s %s\n", label, fmt.Sprintf(format, args...))
	}
	e := r.Environments
	line("environments", "%d created, %d live now, %s environment-hours", e.Created, e.Live, hours(e.Hours))
	line("provisioning", "first up  %s", r.Provisioning.First.text())
	line("", "update    %s", r.Provisioning.Update.text())
	line("ups", "%s", r.Ups.text("ok"))
	line("teardowns", "%s", r.Teardowns.text("left nothing behind"))
	var over []string
	for _, o := range r.Overruns {
		over = append(over, o.text())
	}
	if len(over) == 0 {
		over = []string{"none"}
	}
	line("past TTL", "%s", strings.Join(over, "; "))
	line("cost", "%s", r.Cost.text())
	for _, n := range r.Notes {
		fmt.Fprintf(&b, "note: %s\n", n)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func (p Percentiles) text() string {
	if p.Count == 0 {
		return "none"
	}
	return fmt.Sprintf("%d ups, p50 %s, p95 %s, max %s", p.Count, seconds(p.P50), seconds(p.P95), seconds(p.Max))
}

// text says how many of o were ok, as ok says it.
func (o Outcomes) text(ok string) string {
	if o.Total == 0 {
		return "none"
	}
	return fmt.Sprintf("%d of %d %s (%s): %d failed, %d cancelled, %d locked", o.OK, o.Total, ok, o.rateText(), o.Failed, o.Cancelled, o.Locked)
}

func (o Outcomes) rateText() string {
	if o.SuccessRate == nil {
		return "-"
	}
	return fmt.Sprintf("%.1f%%", *o.SuccessRate*100)
}

func (o Overrun) text() string {
	s := fmt.Sprintf("%s by %s", o.Env, o.age())
	if o.Live {
		s += " (still up)"
	}
	return s
}

func (c Cost) text() string {
	if !c.Rated {
		return "not computed"
	}
	return fmt.Sprintf("%s in total, %s per environment-hour", c.amount(c.Total, 2), c.amount(c.PerEnvironmentHour, 4))
}

// amount writes v with digits decimals and the currency, if any.
func (c Cost) amount(v float64, digits int) string {
	s := fmt.Sprintf("%.*f", digits, v)
	if c.Currency != "" {
		s += " " + c.Currency
	}
	return s
}

// seconds renders a duration given in seconds, to the second.
func seconds(s float64) string {
	return time.Duration(s * float64(time.Second)).Round(time.Second).String()
}

// hours renders environment-hours to a tenth.
func hours(h float64) string { return fmt.Sprintf("%.1f", h) }

// age is how long o outlived its TTL, as prenv ls writes ages.
func (o Overrun) age() string { return comment.Age(time.Duration(o.Seconds * float64(time.Second))) }
