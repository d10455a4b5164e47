package anonymize

import (
	"strconv"
	"strings"
	"testing"
)

func TestMaintenanceWorkMemIsBounded(t *testing.T) {
	t.Parallel()
	got := maintenanceWorkMem()
	mb, err := strconv.Atoi(strings.TrimSuffix(got, "MB"))
	if err != nil || !strings.HasSuffix(got, "MB") {
		t.Fatalf("maintenanceWorkMem() = %q, want a number of MB", got)
	}
	if mb < 256 || mb > 2048 {
		t.Errorf("maintenanceWorkMem() = %s, want between 256MB and 2048MB", got)
	}
	if total, err := memTotalMB(); err == nil && total >= 16*256 && total <= 16*2048 && int64(mb) != total/16 {
		t.Errorf("maintenanceWorkMem() = %s on a machine of %d MB, want a sixteenth", got, total)
	}
}
