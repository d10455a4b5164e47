package local

import (
	"context"
	"time"

	"github.com/pulumi/pulumi-go-provider/infer"

	"github.com/prenv/prenv/internal/router"
)

// Route publishes an environment's services to the local router.
type Route struct{}

// RouteArgs are a Route's inputs.
type RouteArgs struct {
	RoutesDir string            `pulumi:"routesDir"`
	Env       string            `pulumi:"env"`
	Entry     string            `pulumi:"entry,optional"`
	URLs      map[string]string `pulumi:"urls"`
	Logs      map[string]string `pulumi:"logs,optional"`
	// Members, for a PR group, are the environments it routes to.
	Members []string `pulumi:"members,optional"`
	// RouterAddr is the router's host:port; up waits until it serves the
	// route, so the environment answers with its new version when up ends.
	RouterAddr string `pulumi:"routerAddr,optional"`
}

// Annotate documents the resource.
func (*Route) Annotate(a infer.Annotator) {
	a.Describe(&Route{}, "The local router's entry for one environment.")
}

func (in RouteArgs) route() router.Route {
	r := router.Route{Env: in.Env, Entry: in.Entry, Services: map[string]router.Service{}, Members: in.Members}
	for name, url := range in.URLs {
		r.Services[name] = router.Service{URL: url, Log: in.Logs[name]}
	}
	return r
}

// publish writes the route and waits until the router serves it.
func (in RouteArgs) publish(ctx context.Context) error {
	r := in.route()
	if err := router.Save(in.RoutesDir, r); err != nil {
		return err
	}
	if in.RouterAddr == "" {
		return nil
	}
	return router.WaitLive(ctx, in.RouterAddr, in.Env, &r, 5*time.Second)
}

// Create implements infer.CustomCreate.
func (*Route) Create(ctx context.Context, req infer.CreateRequest[RouteArgs]) (infer.CreateResponse[RouteArgs], error) {
	if !req.DryRun {
		if err := req.Inputs.publish(ctx); err != nil {
			return infer.CreateResponse[RouteArgs]{}, err
		}
	}
	return infer.CreateResponse[RouteArgs]{ID: req.Inputs.Env, Output: req.Inputs}, nil
}

// Update implements infer.CustomUpdate.
func (*Route) Update(ctx context.Context, req infer.UpdateRequest[RouteArgs, RouteArgs]) (infer.UpdateResponse[RouteArgs], error) {
	if !req.DryRun {
		if err := req.Inputs.publish(ctx); err != nil {
			return infer.UpdateResponse[RouteArgs]{}, err
		}
	}
	return infer.UpdateResponse[RouteArgs]{Output: req.Inputs}, nil
}

// Read implements infer.CustomRead: a missing route file is drift.
func (*Route) Read(_ context.Context, req infer.ReadRequest[RouteArgs, RouteArgs]) (infer.ReadResponse[RouteArgs, RouteArgs], error) {
	_, ok, err := router.Load(req.State.RoutesDir, req.State.Env)
	if err != nil || !ok {
		return infer.ReadResponse[RouteArgs, RouteArgs]{}, err
	}
	return infer.ReadResponse[RouteArgs, RouteArgs]{ID: req.ID, Inputs: req.Inputs, State: req.State}, nil
}

// Delete implements infer.CustomDelete.
func (*Route) Delete(ctx context.Context, req infer.DeleteRequest[RouteArgs]) (infer.DeleteResponse, error) {
	if err := router.Remove(req.State.RoutesDir, req.State.Env); err != nil {
		return infer.DeleteResponse{}, err
	}
	if req.State.RouterAddr == "" {
		return infer.DeleteResponse{}, nil
	}
	return infer.DeleteResponse{}, router.WaitLive(ctx, req.State.RouterAddr, req.State.Env, nil, 5*time.Second)
}
