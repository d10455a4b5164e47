package automation

import (
	"testing"
	"time"
)

func TestOptions(t *testing.T) {
	t.Parallel()
	o := Resolve([]Option{WaitForLock(2 * time.Minute), MaxJobTime(time.Hour), Remove(), RefreshFirst()})
	if o.WaitForLock != 2*time.Minute || o.MaxJobTime != time.Hour || !o.Remove || !o.RefreshFirst {
		t.Errorf("options = %+v", o)
	}
	if d := Resolve(nil); d.WaitForLock != 0 || d.MaxJobTime != DefaultMaxJobTime || d.Progress == nil {
		t.Errorf("default options = %+v", d)
	}
}
