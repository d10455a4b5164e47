package pulumi_test

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/prenv/prenv/automation"
	"github.com/prenv/prenv/automation/internal/enginetest"
	"github.com/prenv/prenv/automation/pulumi"
	"github.com/prenv/prenv/internal/testenv"
	"github.com/prenv/prenv/stacks"
)

// The pins of these tests: a plugin that exists nowhere, on a server that
// PULUMI_PLUGIN_DOWNLOAD_URL_OVERRIDES sends to a local one, and one
// pinned as the aws target pins its own, from Pulumi's default source,
// which the override sends there too.
const fakeServer = "https://plugins.prenv.invalid"

var (
	fromServer = stacks.Plugin{Name: "prenvtest", Version: "1.2.3", Server: fakeServer}
	fromPulumi = stacks.Plugin{Name: "random", Version: "0.0.1-prenvtest"}
)

// pluginServer serves Pulumi plugin archives by their download names,
// pulumi-resource-<name>-v<version>-<os>-<arch>.tar.gz, and counts requests.
type pluginServer struct {
	URL      string
	mu       sync.Mutex
	archives map[string][]byte
	got      []string
}

func newPluginServer(t *testing.T) *pluginServer {
	t.Helper()
	s := &pluginServer{archives: map[string][]byte{}}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		defer s.mu.Unlock()
		name := strings.TrimPrefix(r.URL.Path, "/")
		s.got = append(s.got, name)
		data, ok := s.archives[name]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Write(data)
	}))
	t.Cleanup(srv.Close)
	s.URL = srv.URL
	return s
}

// archiveName is the file pulumi downloads for pin on this machine.
func archiveName(pin stacks.Plugin) string {
	return fmt.Sprintf("pulumi-resource-%s-v%s-%s-%s.tar.gz", pin.Name, pin.Version, runtime.GOOS, runtime.GOARCH)
}

// serve makes the server answer pin's download with data.
func (s *pluginServer) serve(pin stacks.Plugin, data []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.archives[archiveName(pin)] = data
}

// requests returns the files asked for so far.
func (s *pluginServer) requests() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.got)
}

// pluginArchive is a plugin release archive as pulumi expects one: a
// gzipped tar holding the executable pulumi-resource-<name>.
func pluginArchive(t *testing.T, name string) []byte {
	t.Helper()
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	body := []byte("#!/bin/sh\necho 'the prenv test plugin serves nothing' >&2\nexit 1\n")
	if err := tw.WriteHeader(&tar.Header{Name: "pulumi-resource-" + name, Mode: 0o755, Size: int64(len(body))}); err != nil {
		t.Fatal(err)
	}
	if _, err := tw.Write(body); err != nil {
		t.Fatal(err)
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := gz.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// pinnedEngine is an engine whose program needs pins from home, with
// both pins' downloads sent to srv.
func pinnedEngine(t *testing.T, srv *pluginServer, backend, home string, offline bool, pins ...stacks.Plugin) *pulumi.Engine {
	t.Helper()
	eng, err := pulumi.New(t.Context(), pulumi.Config{
		Project: enginetest.Project, BackendURL: backend, Binary: testenv.Pulumi(t), Passphrase: "test-passphrase",
		Program: noneProgram, Plugins: pins, PulumiHome: home, Offline: offline,
		Env: map[string]string{
			"PULUMI_PLUGIN_DOWNLOAD_URL_OVERRIDES": `^https://plugins\.prenv\.invalid=` + srv.URL + `,^github://api\.github\.com/pulumi/pulumi-random$=` + srv.URL,
			"PULUMI_DISABLE_REGISTRY_RESOLVE":      "true", // the pins need no registry, and this machine may have no network
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	return eng
}

// installed lists what pulumi keeps in home's plugins directory.
func installed(t *testing.T, home string) []string {
	t.Helper()
	entries, err := os.ReadDir(filepath.Join(home, "plugins"))
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

func TestUpInstallsMissingPinnedPluginsOnce(t *testing.T) {
	t.Parallel()
	srv := newPluginServer(t)
	srv.serve(fromServer, pluginArchive(t, fromServer.Name))
	srv.serve(fromPulumi, pluginArchive(t, fromPulumi.Name))
	backend, home := testenv.Backend(t), t.TempDir()
	eng := pinnedEngine(t, srv, backend, home, false, fromServer, fromPulumi)
	env := enginetest.Env(t, 1)

	var progress strings.Builder
	if _, err := eng.Up(t.Context(), env, automation.Progress(&progress)); err != nil {
		t.Fatal(err)
	}
	for _, pin := range []stacks.Plugin{fromServer, fromPulumi} {
		if want := "installing the Pulumi plugin " + pin.String(); !strings.Contains(progress.String(), want) {
			t.Errorf("progress of the first up:\n%s\nwant %q", progress.String(), want)
		}
		bin := filepath.Join(home, "plugins", "resource-"+pin.Name+"-v"+pin.Version, "pulumi-resource-"+pin.Name)
		if fi, err := os.Stat(bin); err != nil || fi.Mode()&0o100 == 0 {
			t.Errorf("%s after the first up: %v, want the pinned version's executable", bin, err)
		}
	}
	want := []string{archiveName(fromServer), archiveName(fromPulumi)}
	if got := srv.requests(); !slices.Equal(got, want) {
		t.Errorf("downloads of the first up = %q, want %q", got, want)
	}
	for _, name := range installed(t, home) {
		if strings.HasSuffix(name, ".partial") || (!strings.Contains(name, "-v"+fromServer.Version) && !strings.Contains(name, "-v"+fromPulumi.Version)) {
			t.Errorf("%s in %s/plugins: want only the pinned versions, complete", name, home)
		}
	}

	progress.Reset()
	if _, err := eng.Up(t.Context(), env, automation.Progress(&progress)); err != nil {
		t.Fatal(err)
	}
	if got := srv.requests(); len(got) != len(want) {
		t.Errorf("downloads after the second up = %q, want still %q", got, want)
	}
	if strings.Contains(progress.String(), "installing") {
		t.Errorf("progress of the second up:\n%s\nwant no install", progress.String())
	}

	// Offline, installed pins are all it needs: it runs, asking nothing.
	offline := pinnedEngine(t, srv, backend, home, true, fromServer, fromPulumi)
	if _, err := offline.Preview(t.Context(), env); err != nil {
		t.Fatalf("offline preview with the pins installed: %v", err)
	}
	if got := srv.requests(); len(got) != len(want) {
		t.Errorf("downloads after the offline preview = %q, want still %q", got, want)
	}
}

func TestPreviewInstallsMissingPinnedPlugins(t *testing.T) {
	t.Parallel()
	srv := newPluginServer(t)
	srv.serve(fromServer, pluginArchive(t, fromServer.Name))
	home := t.TempDir()
	eng := pinnedEngine(t, srv, testenv.Backend(t), home, false, fromServer)
	var progress strings.Builder
	if _, err := eng.Preview(t.Context(), enginetest.Env(t, 1), automation.Progress(&progress)); err != nil {
		t.Fatal(err)
	}
	if want := "installed the Pulumi plugin " + fromServer.String(); !strings.Contains(progress.String(), want) {
		t.Errorf("progress of preview:\n%s\nwant %q", progress.String(), want)
	}
	if got, want := srv.requests(), []string{archiveName(fromServer)}; !slices.Equal(got, want) {
		t.Errorf("downloads = %q, want %q", got, want)
	}
	if _, err := os.Stat(filepath.Join(home, "plugins", "resource-prenvtest-v1.2.3")); err != nil {
		t.Errorf("after preview: %v, want the plugin installed", err)
	}
}

func TestPluginInstallFailuresAreClear(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		archive []byte // nil: not served, a 404
		want    []string
	}{
		{"not found", nil, []string{"404", "/" + archiveName(fromServer)}},
		{"corrupt archive", []byte("not a gzipped tar"), []string{"uncompressing"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := newPluginServer(t)
			if tt.archive != nil {
				srv.serve(fromServer, tt.archive)
			}
			backend, home := testenv.Backend(t), t.TempDir()
			eng := pinnedEngine(t, srv, backend, home, false, fromServer)
			_, err := eng.Up(t.Context(), enginetest.Env(t, 1))
			if err == nil {
				t.Fatal("up with an uninstallable plugin succeeded")
			}
			msg := err.Error()
			t.Logf("up: %s", msg)
			if strings.Contains(msg, "\n") {
				t.Errorf("error spans lines, want one:\n%s", msg)
			}
			for _, want := range append(tt.want, "Pulumi plugin prenvtest v1.2.3", "from "+fakeServer, "PULUMI_PLUGIN_DOWNLOAD_URL_OVERRIDES",
				"`pulumi plugin install resource prenvtest 1.2.3 --server "+fakeServer+"`", "--offline") {
				if !strings.Contains(msg, want) {
					t.Errorf("error %q does not name %q", msg, want)
				}
			}
			if list, err := eng.List(t.Context()); err != nil || len(list) != 0 {
				t.Errorf("stacks after the failed up: %v, %v; want none, the program never ran", list, err)
			}

			// What a failed install left is not taken for the plugin: once
			// the server has it, the next up installs it.
			srv.serve(fromServer, pluginArchive(t, fromServer.Name))
			if _, err := eng.Up(t.Context(), enginetest.Env(t, 1)); err != nil {
				t.Fatalf("up once the plugin is served: %v", err)
			}
			if got := srv.requests(); len(got) != 2 {
				t.Errorf("downloads = %q, want the failed one and the good one", got)
			}
		})
	}
}

func TestOfflineDownloadsNoPlugin(t *testing.T) {
	t.Parallel()
	srv := newPluginServer(t)
	srv.serve(fromServer, pluginArchive(t, fromServer.Name))
	home := t.TempDir()
	eng := pinnedEngine(t, srv, testenv.Backend(t), home, true, fromServer, fromPulumi)
	for _, op := range []struct {
		name string
		run  func() (automation.Result, error)
	}{
		{"up", func() (automation.Result, error) { return eng.Up(t.Context(), enginetest.Env(t, 1)) }},
		{"preview", func() (automation.Result, error) { return eng.Preview(t.Context(), enginetest.Env(t, 1)) }},
	} {
		_, err := op.run()
		if err == nil {
			t.Fatalf("offline %s with missing pins succeeded", op.name)
		}
		for _, want := range []string{"prenvtest v1.2.3, random v0.0.1-prenvtest", filepath.Join(home, "plugins"),
			"`pulumi plugin install resource prenvtest 1.2.3 --server " + fakeServer + " && pulumi plugin install resource random 0.0.1-prenvtest`", "prenv plugins"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("offline %s: error %q does not name %q", op.name, err, want)
			}
		}
	}
	if got := srv.requests(); len(got) != 0 {
		t.Errorf("offline runs downloaded %q, want nothing", got)
	}
	if got := installed(t, home); len(got) != 0 {
		t.Errorf("offline runs left %q in %s/plugins, want nothing", got, home)
	}
}
