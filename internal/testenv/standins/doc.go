// Command standins serves stand-ins for the aws and random Pulumi
// plugins, for the aws target's end-to-end test on a simulated cluster,
// where neither AWS nor those plugins' source is at hand. Installed as
// pulumi-resource-aws or pulumi-resource-random (its name says which), it
// answers at the version stacks/aws pins, and holds the only resources the
// Kubernetes half of the aws program makes of them: a Route53 Record, which
// it records and does nothing with, and a RandomPassword, whose result is
// random. internal/testenv.StandInPlugins builds it.
package main
