package pulumi

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/blang/semver"
	"github.com/pulumi/pulumi/sdk/v3/go/auto"

	"github.com/prenv/prenv/stacks"
)

// defaultSource is where pulumi downloads a plugin pinned without a server.
const defaultSource = "Pulumi's default source (its GitHub releases, then get.pulumi.com)"

// checkPins refuses pins pulumi could not install at exactly their version.
func checkPins(pins []stacks.Plugin, home string) error {
	if len(pins) > 0 && home == "" {
		return errors.New("pulumi: Config needs PulumiHome with Plugins")
	}
	for _, p := range pins {
		if p.Name == "" || strings.ContainsAny(p.Name, `/\ `) {
			return fmt.Errorf("pulumi: pinned plugin %q needs a plain name, as in pulumi-resource-<name>", p.Name)
		}
		if _, err := semver.Parse(p.Version); err != nil {
			return fmt.Errorf("pulumi: pinned plugin %s has version %q, which is not an exact version such as 6.83.0 (without the v)", p.Name, p.Version)
		}
	}
	return nil
}

// ensurePlugins installs the pinned plugins missing from PulumiHome, each
// at exactly its version, through the Automation API, and says so on
// progress. Offline it installs nothing and names the commands that would.
func (p *Engine) ensurePlugins(ctx context.Context, progress io.Writer) error {
	missing := missingPlugins(p.cfg.PulumiHome, p.cfg.Plugins)
	if len(missing) == 0 {
		return nil
	}
	if p.cfg.Offline {
		return offlineError(p.cfg.PulumiHome, missing)
	}
	ws, cleanup, err := p.workspace(ctx)
	if err != nil {
		return err
	}
	defer cleanup()
	for _, pin := range missing {
		fmt.Fprintf(progress, "installing the Pulumi plugin %s (missing from %s)…\n", pin, pluginsDir(p.cfg.PulumiHome))
		if err := installPlugin(ctx, ws, pin); err != nil {
			return installError(ctx, pin, err)
		}
		if len(missingPlugins(p.cfg.PulumiHome, []stacks.Plugin{pin})) > 0 {
			return fmt.Errorf("pulumi reported the plugin %s installed, but %s is not there: unset PULUMI_ENABLE_LEGACY_PLUGIN_SEARCH, with which pulumi takes a newer version for it, or run `%s --exact`",
				pin, pluginDir(p.cfg.PulumiHome, pin), installCommand(pin))
		}
		fmt.Fprintf(progress, "installed the Pulumi plugin %s\n", pin)
	}
	return nil
}

// installPlugin runs `pulumi plugin install resource <name> <version>`,
// with --server when the pin names one; outside its legacy search mode
// pulumi takes the version as exact. Pins carry no checksum: the
// Automation API passes no --checksum, and pulumi v3.250.0 refuses even
// the right one over HTTP: Go's client returns the last bytes with
// io.EOF, and pulumi's checksum reader sums before it counts them.
func installPlugin(ctx context.Context, ws auto.Workspace, pin stacks.Plugin) error {
	if pin.Server != "" {
		return ws.InstallPluginFromServer(ctx, pin.Name, pin.Version, pin.Server)
	}
	return ws.InstallPlugin(ctx, pin.Name, pin.Version)
}

// missingPlugins returns the pins not installed in home. Pulumi keeps a
// plugin in plugins/resource-<name>-v<version>, with a .partial file
// beside it until it is complete, as its own HasPlugin checks; reading
// the directory spares a `pulumi plugin ls` run on every up.
func missingPlugins(home string, pins []stacks.Plugin) []stacks.Plugin {
	var missing []stacks.Plugin
	for _, pin := range pins {
		dir := pluginDir(home, pin)
		if fi, err := os.Stat(dir); err == nil && fi.IsDir() {
			if _, err := os.Stat(dir + ".partial"); errors.Is(err, fs.ErrNotExist) {
				continue
			}
		}
		missing = append(missing, pin)
	}
	return missing
}

func pluginsDir(home string) string { return filepath.Join(home, "plugins") }

func pluginDir(home string, pin stacks.Plugin) string {
	return filepath.Join(pluginsDir(home), "resource-"+pin.Name+"-v"+pin.Version)
}

// installCommand is the command that installs pin by hand.
func installCommand(pin stacks.Plugin) string {
	cmd := "pulumi plugin install resource " + pin.Name + " " + pin.Version
	if pin.Server != "" {
		cmd += " --server " + pin.Server
	}
	return cmd
}

// offlineError names the missing plugins and how to install them.
func offlineError(home string, missing []stacks.Plugin) error {
	names, cmds := make([]string, len(missing)), make([]string, len(missing))
	for i, pin := range missing {
		names[i], cmds[i] = pin.String(), installCommand(pin)
	}
	return fmt.Errorf("the program needs the Pulumi plugins %s, missing from %s, and offline prenv installs none: run `%s` (prenv plugins lists the pins), or run without --offline",
		strings.Join(names, ", "), pluginsDir(home), strings.Join(cmds, " && "))
}

// pluginError is a pinned plugin that could not be installed: one line
// for people, the cause kept for errors.Is.
type pluginError struct {
	msg string
	err error
}

func (e *pluginError) Error() string { return e.msg }
func (e *pluginError) Unwrap() error { return e.err }

// installError is one line naming the plugin, its source, pulumi's own
// reason (which names the URL it tried) and the ways out.
func installError(ctx context.Context, pin stacks.Plugin, err error) error {
	if ctx.Err() != nil {
		return fmt.Errorf("install the Pulumi plugin %s: interrupted: %w", pin, ctx.Err())
	}
	source := defaultSource
	if pin.Server != "" {
		source = pin.Server
	}
	return &pluginError{
		msg: fmt.Sprintf("install the Pulumi plugin %s from %s: %s: check the network and PULUMI_PLUGIN_DOWNLOAD_URL_OVERRIDES, "+
			"or install it yourself with `%s` and run with --offline", pin, source, pulumiReason(err), installCommand(pin)),
		err: err,
	}
}

// retryPrefix starts each warning pulumi prints before it retries a
// download; its "error: " line then only says every attempt failed.
const retryPrefix = "warning: Error downloading plugin: "

// pulumiReason is the last "error: " line of the pulumi run in err's
// message (which carries the run's stderr), with the last retried
// download's error, else the message's first line.
func pulumiReason(err error) string {
	text := err.Error()
	reason, retried := "", ""
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if r, ok := strings.CutPrefix(line, "error: "); ok {
			reason = r
		}
		if r, ok := strings.CutPrefix(line, retryPrefix); ok {
			retried = r
		}
	}
	if reason == "" {
		reason, _, _ = strings.Cut(text, "\n")
	}
	if retried != "" {
		reason += " (the last: " + retried + ")"
	}
	return strings.TrimSpace(reason)
}
