package stacks

// TargetName names a target, the blueprint's `target:`.
type TargetName string

// The targets prenv is built with.
const (
	TargetLocal TargetName = "local"
	TargetAWS   TargetName = "aws"
	TargetNone  TargetName = "none"
)

// EngineName names an engine, the blueprint's `engine:`.
type EngineName string

// The engines prenv is built with.
const (
	EnginePulumi    EngineName = "pulumi"
	EngineTerraform EngineName = "terraform"
)

// RoutingMode is the blueprint's `routing.mode:`.
type RoutingMode string

// The routing modes.
const (
	// RoutingIsolated runs every service in each PR environment.
	RoutingIsolated RoutingMode = "isolated"
	// RoutingSandbox runs only the services a PR changed and routes the
	// rest to the baseline.
	RoutingSandbox RoutingMode = "sandbox"
)

// TTLFrom is the blueprint's `ttl-from:`, what an environment's TTL counts from.
type TTLFrom string

// What a TTL counts from.
const (
	TTLFromCreation   TTLFrom = "creation"
	TTLFromLastUpdate TTLFrom = "last-update"
)
