package stacks

// Plugin is a Pulumi resource plugin a target's program needs at exactly
// one version. The Pulumi engine installs it into PULUMI_HOME when it is
// missing, unless it runs offline.
type Plugin struct {
	// Name is the plugin's name, as in pulumi-resource-<name>.
	Name string
	// Version is the exact version, without the leading v.
	Version string
	// Server is where the plugin is downloaded from, as `pulumi plugin
	// install --server` takes it; empty means Pulumi's own source for the
	// name (its GitHub releases, then get.pulumi.com).
	Server string
	// Built is the file, relative to the repository, that `make tools`
	// builds the plugin into from its Go module source at this version;
	// empty when it builds none. `pulumi plugin install resource <name>
	// <version> --file <Built>` installs that build.
	Built string
}

// String is the plugin as people write it: "aws v6.83.0".
func (p Plugin) String() string { return p.Name + " v" + p.Version }

// Plugins are the provider plugins a target's program needs.
type Plugins struct {
	// Dirs are those the target serves itself, by plugin name: each a
	// directory holding pulumi-resource-<name>.
	Dirs map[string]string
	// Pinned are those that must be installed in PULUMI_HOME, each at
	// exactly its version.
	Pinned []Plugin
}
