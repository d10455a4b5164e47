package anonymize

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"strings"
)

// indexBuildMemory is the maintenance_work_mem index builds get: sized
// to this machine when the server runs on it (the managed local cluster),
// else the 512 MB the in-place reload has always used.
func indexBuildMemory(ctx context.Context, q querier) (string, error) {
	var local bool
	err := q.QueryRow(ctx, "SELECT coalesce(inet_server_addr() <<= '127.0.0.0/8' OR inet_server_addr() = '::1', true)").Scan(&local)
	if err != nil || !local {
		return "512MB", err
	}
	return maintenanceWorkMem(), nil
}

// maintenanceWorkMem sizes the memory an index build sorts in: a
// sixteenth of the machine's memory, between 256 MB and 2 GB (beyond
// which a sort of keys gains little).
func maintenanceWorkMem() string {
	const floor, ceiling = 256, 2048 // MB
	total, err := memTotalMB()
	if err != nil {
		return fmt.Sprintf("%dMB", floor)
	}
	return fmt.Sprintf("%dMB", min(max(total/16, floor), ceiling))
}

// memTotalMB reads the machine's memory from /proc/meminfo (Linux).
func memTotalMB() (int64, error) {
	f, err := os.Open("/proc/meminfo")
	if err != nil {
		return 0, err
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if rest, ok := strings.CutPrefix(s.Text(), "MemTotal:"); ok {
			var kb int64
			if _, err := fmt.Sscanf(strings.TrimSpace(rest), "%d kB", &kb); err != nil {
				return 0, err
			}
			return kb / 1024, nil
		}
	}
	return 0, fmt.Errorf("no MemTotal in /proc/meminfo")
}
