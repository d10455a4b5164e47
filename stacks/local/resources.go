package local

import "github.com/pulumi/pulumi/sdk/v3/go/pulumi"

// The program's handles on the provider's resources. The program and the
// provider live in one binary, so these are registered by type token
// rather than through a generated SDK.

type databaseResource struct {
	pulumi.CustomResourceState
	URL pulumi.StringOutput `pulumi:"url"`
}

type serviceResource struct {
	pulumi.CustomResourceState
	URL pulumi.StringOutput `pulumi:"url"`
	Log pulumi.StringOutput `pulumi:"log"`
}

type routeResource struct {
	pulumi.CustomResourceState
}

func newDatabase(ctx *pulumi.Context, name string, args pulumi.Map, opts ...pulumi.ResourceOption) (*databaseResource, error) {
	var r databaseResource
	return &r, ctx.RegisterResource("prenv:local:Database", name, args, &r, append(opts, pulumi.AdditionalSecretOutputs([]string{"url"}))...)
}

func newService(ctx *pulumi.Context, name string, args pulumi.Map, opts ...pulumi.ResourceOption) (*serviceResource, error) {
	var r serviceResource
	return &r, ctx.RegisterResource("prenv:local:Service", name, args, &r, opts...)
}

func newRoute(ctx *pulumi.Context, name string, args pulumi.Map, opts ...pulumi.ResourceOption) (*routeResource, error) {
	var r routeResource
	return &r, ctx.RegisterResource("prenv:local:Route", name, args, &r, opts...)
}
