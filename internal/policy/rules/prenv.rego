# prenv's own rules, evaluated on an environment's planned resources before
# every up. A team's .rego files add deny rules to the same package.
#
# input.resources: [{type, name, inputs}] as prenv render shows them
# input.allowedSnapshots, input.allowedInstanceClasses: the blueprint's lists
# input.allowPublic: the blueprint's policy.allow-public
package prenv.policy

# Route53 records have no tags; every other AWS resource has.
untaggable := {"aws:route53/record:Record"}

internal_annotations := {
	"service.beta.kubernetes.io/aws-load-balancer-scheme": "internal",
	"service.beta.kubernetes.io/aws-load-balancer-internal": "true",
}

deny contains v if {
	r := input.resources[_]
	r.type == "kubernetes:core/v1:Service"
	r.inputs.spec.type == "LoadBalancer"
	annotations := object.get(r.inputs.metadata, "annotations", {})
	not object.get(annotations, "prenv.dev/public-load-balancer", "") == "allowed"
	not is_internal(annotations)
	v := {
		"rule": "public-load-balancer", "resource": r.name,
		"msg": "is a public LoadBalancer Service; make it internal or annotate it prenv.dev/public-load-balancer: allowed",
	}
}

is_internal(annotations) if {
	some k, want in internal_annotations
	annotations[k] == want
}

deny contains v if {
	some r in input.resources
	some source in snapshot_sources(r)
	not source in input.allowedSnapshots
	v := {
		"rule": "allowed-snapshots", "resource": r.name,
		"msg": sprintf("restores from %q, which policy.allowed-snapshots does not list; add it there or use a listed snapshot", [source]),
	}
}

snapshot_sources(r) := {r.inputs.snapshotIdentifier} if r.type == "aws:rds/instance:Instance"

snapshot_sources(r) := {r.inputs.restoreToPointInTime.sourceClusterIdentifier} if r.type == "aws:rds/cluster:Cluster"

snapshot_sources(r) := {r.inputs.spec.source.snapshotHandle} if {
	r.type == "kubernetes:snapshot.storage.k8s.io/v1:VolumeSnapshotContent"
}

deny contains v if {
	some r in input.resources
	r.type in {"aws:rds/instance:Instance", "aws:rds/clusterInstance:ClusterInstance"}
	not r.inputs.instanceClass in input.allowedInstanceClasses
	v := {
		"rule": "instance-class", "resource": r.name,
		"msg": sprintf("uses instance class %q, outside aws.allowed-instance-classes %v; pick a listed class", [r.inputs.instanceClass, input.allowedInstanceClasses]),
	}
}

deny contains v if {
	some r in input.resources
	startswith(r.type, "aws:")
	not r.type in untaggable
	not object.get(object.get(r.inputs, "tags", {}), "prenv:expires-at", "") != ""
	v := {
		"rule": "ttl-tag", "resource": r.name,
		"msg": sprintf("(%s) has no prenv:expires-at tag, so nothing can tell when it expires; tag it", [r.type]),
	}
}

deny contains v if {
	some r in input.resources
	r.type == "kubernetes:core/v1:Namespace"
	ns := r.inputs.metadata.name
	not default_deny(ns)
	v := {
		"rule": "default-deny", "resource": r.name,
		"msg": sprintf("namespace %s has no default-deny NetworkPolicy (empty podSelector, Ingress and Egress, no rules); add one", [ns]),
	}
}

default_deny(ns) if {
	some p in input.resources
	p.type == "kubernetes:networking.k8s.io/v1:NetworkPolicy"
	p.inputs.metadata.namespace == ns
	count(object.get(p.inputs.spec, "podSelector", {})) == 0
	{"Ingress", "Egress"} == {t | some t in p.inputs.spec.policyTypes}
	count(object.get(p.inputs.spec, "ingress", [])) == 0
	count(object.get(p.inputs.spec, "egress", [])) == 0
}

# A host on a gateway is open to anyone unless a CUSTOM AuthorizationPolicy
# (access: oidc) covers it; that needs the blueprint's policy.allow-public.
deny contains v if {
	some r in input.resources
	r.type == "kubernetes:networking.istio.io/v1:VirtualService"
	count(object.get(r.inputs.spec, "gateways", [])) > 0
	not input.allowPublic
	some host in r.inputs.spec.hosts
	not protected(host)
	v := {
		"rule": "public-host", "resource": r.name,
		"msg": sprintf("serves %s to anyone; set access.mode: oidc in the blueprint, or policy.allow-public: true to allow it", [host]),
	}
}

protected(host) if {
	some p in input.resources
	p.type == "kubernetes:security.istio.io/v1:AuthorizationPolicy"
	p.inputs.spec.action == "CUSTOM"
	some rule in p.inputs.spec.rules
	some to in rule.to
	host in to.operation.hosts
}
