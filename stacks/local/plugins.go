package local

import (
	"os"
	"path/filepath"

	"github.com/prenv/prenv/stacks"
)

// PulumiPlugins implements stacks.PulumiPlugins: the local provider is
// this binary, linked as pulumi-resource-prenv for pulumi to start.
func (t Target) PulumiPlugins() (stacks.Plugins, error) {
	dir, err := pluginDir(t.Binary, t.Home)
	if err != nil {
		return stacks.Plugins{}, err
	}
	return stacks.Plugins{Dirs: map[string]string{ProviderName: dir}}, nil
}

// pluginDir returns a directory holding pulumi-resource-prenv, a link to
// the prenv binary self: its own directory when the link is already there
// (as make build leaves it), else <home>/plugins.
func pluginDir(self, home string) (string, error) {
	if sibling := filepath.Join(filepath.Dir(self), PluginBinary); sameFile(sibling, self) {
		return filepath.Dir(self), nil
	}
	dir := filepath.Join(home, "plugins")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	link := filepath.Join(dir, PluginBinary)
	if sameFile(link, self) {
		return dir, nil
	}
	tmp := link + ".tmp"
	os.Remove(tmp)
	if err := os.Symlink(self, tmp); err != nil {
		return "", err
	}
	return dir, os.Rename(tmp, link)
}

func sameFile(a, b string) bool {
	fa, err1 := os.Stat(a)
	fb, err2 := os.Stat(b)
	return err1 == nil && err2 == nil && os.SameFile(fa, fb)
}
