package aws

import (
	"fmt"

	"k8s.io/apimachinery/pkg/api/resource"

	"github.com/prenv/prenv/stacks"
)

// The requests of the ebs-snapshot source's PostgreSQL container, which
// runs in the environment's namespace beside its services.
const (
	ebsPostgresCPU    = "250m"
	ebsPostgresMemory = "512Mi"
)

// Footprint implements stacks.Sizer: the requests of the services env
// runs itself (aws.requests each, a stub its own small ones, one replica,
// as the Deployments ask;
// with scale-to-zero an idle service is still counted), the ebs-snapshot
// source's PostgreSQL container, and the instance class of an
// rds-snapshot or aurora-clone database. The anonymisation Job, which
// runs to completion, is not counted.
func (t Target) Footprint(bp *stacks.Blueprint, env stacks.Env) (stacks.Footprint, error) {
	var f stacks.Footprint
	cpu, err := quantity("aws.requests.cpu", bp.AWS.Requests.CPU)
	if err != nil {
		return f, err
	}
	mem, err := quantity("aws.requests.memory", bp.AWS.Requests.Memory)
	if err != nil {
		return f, err
	}
	stubCPU, _ := quantity("", stubRequestCPU)
	stubMem, _ := quantity("", stubRequestMemory)
	for _, s := range t.running(bp, env) {
		if s.IsStub() {
			f.VCPU, f.MemoryGiB = f.VCPU+stubCPU, f.MemoryGiB+stubMem/(1<<30)
		} else {
			f.VCPU, f.MemoryGiB = f.VCPU+cpu, f.MemoryGiB+mem/(1<<30)
		}
	}
	if !bp.HasDatabase() {
		return f, nil
	}
	switch bp.Database.Source {
	case "rds-snapshot", "aurora-clone":
		f.DatabaseClass = bp.DatabaseInstanceClass()
	case "ebs-snapshot":
		cpu, _ := quantity("", ebsPostgresCPU)
		mem, _ := quantity("", ebsPostgresMemory)
		f.VCPU += cpu
		f.MemoryGiB += mem / (1 << 30)
	}
	return f, nil
}

// quantity reads a Kubernetes quantity as a number: cores for CPU, bytes
// for memory.
func quantity(field, value string) (float64, error) {
	q, err := resource.ParseQuantity(value)
	if err != nil {
		return 0, stacks.Input(fmt.Errorf("%s %q is not a Kubernetes quantity: write it like 250m, 1, 512Mi or 2Gi", field, value))
	}
	return q.AsApproximateFloat64(), nil
}
