package testenv

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
)

// ProcessesWithEnv returns the live processes (zombies excluded) whose
// environment contains needle, such as a database URL that only one test's
// services were given.
func ProcessesWithEnv(needle string) []int {
	var pids []int
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		var pid int
		if _, err := fmt.Sscan(e.Name(), &pid); err != nil {
			continue
		}
		environ, err := os.ReadFile(filepath.Join("/proc", e.Name(), "environ"))
		if err != nil || !bytes.Contains(environ, []byte(needle)) {
			continue
		}
		stat, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if i := bytes.LastIndexByte(stat, ')'); err == nil && i > 0 && i+2 < len(stat) && stat[i+2] != 'Z' {
			pids = append(pids, pid)
		}
	}
	return pids
}

// DatabaseNeedle is the part of a service's DATABASE_URL that names
// database db on the server at adminURL: "127.0.0.1:<port>/<db>?".
func DatabaseNeedle(adminURL, db string) string {
	at := bytes.LastIndexByte([]byte(adminURL), '@')
	hostport, _, _ := bytes.Cut([]byte(adminURL[at+1:]), []byte("/"))
	return string(hostport) + "/" + db + "?"
}
