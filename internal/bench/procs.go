package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
)

// backendBody is the static handler's answer.
const backendBody = "ok"

// serveBackend is the upstream of the router and stub benchmarks, run as a
// process of its own so it shares no scheduler with the proxies or the load.
func serveBackend() {
	http.HandleFunc("/", func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, backendBody) })
	_ = http.ListenAndServe("127.0.0.1:"+os.Getenv("PORT"), nil)
}

// backendCmd is this program serving the static handler on port.
func backendCmd(ctx context.Context, port int) *exec.Cmd {
	self, _ := os.Executable()
	c := exec.CommandContext(ctx, self, "-serve-backend")
	c.Env = append(os.Environ(), fmt.Sprintf("PORT=%d", port))
	return c
}

// startAll starts cmds and returns the function that kills and reaps them.
func startAll(cmds ...*exec.Cmd) (stop func(), err error) {
	var started []*exec.Cmd
	stop = func() {
		for _, c := range started {
			_ = c.Process.Kill()
			_ = c.Wait()
		}
	}
	for _, c := range cmds {
		if err := c.Start(); err != nil {
			stop()
			return nil, fmt.Errorf("start %s: %w", c.Path, err)
		}
		started = append(started, c)
	}
	return stop, nil
}

func freePort() int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}
