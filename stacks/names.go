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

// Clone is the blueprint's `database.clone:`, how the local target clones
// the golden for each environment.
type Clone string

// The clone methods.
const (
	// CloneAuto picks CloneThin where the filesystem can share blocks.
	CloneAuto Clone = "auto"
	// CloneThin copies a golden cluster's files with reflinks and runs a
	// PostgreSQL per environment.
	CloneThin Clone = "thin"
	// CloneTemplate copies the golden template database in one shared
	// PostgreSQL (CREATE DATABASE ... STRATEGY FILE_COPY).
	CloneTemplate Clone = "template"
)
