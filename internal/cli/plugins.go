package cli

import (
	"encoding/json"
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/prenv/prenv/automation/pulumi"
	"github.com/prenv/prenv/stacks/aws"
)

// pinsJSON is what `prenv plugins --json` prints: the pulumi CLI and the
// provider plugins prenv is built against, versions without a leading v.
type pinsJSON struct {
	Pulumi  string       `json:"pulumi"`
	Plugins []pluginJSON `json:"plugins"`
}

type pluginJSON struct {
	Kind    string `json:"kind"`
	Name    string `json:"name"`
	Version string `json:"version"`
	// Built is the file `make tools` builds the plugin into, if it does.
	Built string `json:"built,omitempty"`
}

// pins are the versions prenv pins; the Action's image installs exactly
// these (a test keeps its Dockerfile equal to them).
func pins() pinsJSON {
	p := pinsJSON{Pulumi: pulumi.Version.String()}
	for _, plugin := range aws.Plugins {
		p.Plugins = append(p.Plugins, pluginJSON{Kind: "resource", Name: plugin.Name, Version: plugin.Version, Built: plugin.Built})
	}
	return p
}

func (a *App) pluginsCommand() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "plugins",
		Short: "Print the pulumi CLI version and the provider plugins prenv pins",
		Long: "plugins prints the pulumi CLI version prenv is tested with and the Pulumi provider plugins the aws target's program " +
			"is compiled against. The Action's image holds exactly these; elsewhere up and preview install a missing one, " +
			"or, with --offline, stop naming it: install them with the commands shown.",
		Args: exactArgs(0),
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print one JSON object instead of text")
	cmd.RunE = func(*cobra.Command, []string) error {
		p := pins()
		if asJSON {
			data, err := json.MarshalIndent(p, "", "  ")
			if err != nil {
				return err
			}
			_, err = fmt.Fprintf(a.Stdout, "%s\n", data)
			return err
		}
		w := tabwriter.NewWriter(a.Stdout, 0, 0, 2, ' ', 0)
		fmt.Fprintln(w, "KIND\tNAME\tVERSION\tINSTALL")
		fmt.Fprintf(w, "cli\tpulumi\tv%s\tcurl -fsSL https://get.pulumi.com | sh -s -- --version %s\n", p.Pulumi, p.Pulumi)
		for _, plugin := range p.Plugins {
			fmt.Fprintf(w, "%s\t%s\tv%s\tpulumi plugin install %s %s %s\n", plugin.Kind, plugin.Name, plugin.Version, plugin.Kind, plugin.Name, plugin.Version)
		}
		if err := w.Flush(); err != nil {
			return err
		}
		for _, plugin := range p.Plugins {
			if plugin.Built != "" {
				fmt.Fprintf(a.Stdout, "%s: `make tools` builds it from source; install that build with pulumi plugin install %s %s %s --file %s\n",
					plugin.Name, plugin.Kind, plugin.Name, plugin.Version, plugin.Built)
			}
		}
		return nil
	}
	return cmd
}
