package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
)

// caddyfile is the router benchmark's Caddy: a plain reverse proxy on
// 127.0.0.1:port to the upstream for any Host (a site address naming a host
// would answer other hosts with an empty 200 of its own), with what Caddy
// would do unasked that the router does not (HTTPS, the admin API, a saved
// config) turned off.
const caddyfile = `{
	admin off
	auto_https off
	persist_config off
}
http://:%d {
	bind 127.0.0.1
	reverse_proxy 127.0.0.1:%d
}
`

// caddyCmd runs bin/caddy as that proxy, its config and data under work.
func caddyCmd(ctx context.Context, bin, work string, port, upstream int) (*exec.Cmd, error) {
	caddy := filepath.Join(bin, "caddy")
	if _, err := os.Stat(caddy); err != nil {
		return nil, fmt.Errorf("no Caddy at %s: make bench builds it (make bin/caddy), or pass -bin a directory holding one", caddy)
	}
	config := filepath.Join(work, "Caddyfile")
	if err := os.WriteFile(config, fmt.Appendf(nil, caddyfile, port, upstream), 0o644); err != nil {
		return nil, err
	}
	c := exec.CommandContext(ctx, caddy, "run", "--config", config, "--adapter", "caddyfile")
	c.Env = append(os.Environ(), "HOME="+work, "XDG_CONFIG_HOME="+work, "XDG_DATA_HOME="+work)
	return c, nil
}
