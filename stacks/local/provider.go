package local

import (
	"context"

	p "github.com/pulumi/pulumi-go-provider"
	"github.com/pulumi/pulumi-go-provider/infer"
)

// Provider names and versions the plugin prenv serves for this target.
const (
	ProviderName    = "prenv"
	ProviderVersion = "0.1.0"
	// PluginBinary is the name the prenv binary answers to as a plugin.
	PluginBinary = "pulumi-resource-" + ProviderName
)

// Serve runs the provider plugin until pulumi is done with it.
func Serve(ctx context.Context) error {
	prov, err := provider()
	if err != nil {
		return err
	}
	return p.RunProvider(ctx, ProviderName, ProviderVersion, prov)
}

func provider() (p.Provider, error) {
	return infer.NewProviderBuilder().
		WithDisplayName("prenv local target").
		WithResources(
			infer.Resource(&Database{}),
			infer.Resource(&Service{}),
			infer.Resource(&Route{}),
		).
		Build()
}
