package terraform

import (
	"fmt"
	"time"

	"github.com/prenv/prenv/automation"
)

// staleReason says why the S3 lock h is provably stale, or "" if it may be
// live, by the rules pulumi's locks follow: its holder ran on this host
// and no terraform run of its is left (run says what runs there), or its
// host's run has ended (o.FinishedHost), or it is older than o.MaxJobTime.
// A terraform that prenv did not start, running on the lock's host on
// the same state, may be its holder: the lock is then judged by age alone.
func staleReason(h automation.LockHolder, r run, now time.Time, o automation.Options) string {
	age := now.Sub(h.Since).Round(time.Second)
	switch {
	case h.Unreadable:
		if o.MaxJobTime > 0 && now.Sub(h.Since) > o.MaxJobTime {
			return fmt.Sprintf("its file holds no lock record and is %s old, past the %s maximum job time", age, o.MaxJobTime)
		}
		return ""
	case r.here && r.pid == 0 && !r.unmarked:
		return fmt.Sprintf("no terraform run for it is left on %s: its process is gone", h.Host)
	case o.FinishedHost != "" && h.Host == o.FinishedHost:
		return fmt.Sprintf("it was taken on %s, whose run has ended", h.Host)
	case !h.Since.IsZero() && o.MaxJobTime > 0 && now.Sub(h.Since) > o.MaxJobTime:
		return fmt.Sprintf("it is %s old, past the %s maximum job time", age, o.MaxJobTime)
	}
	return ""
}
