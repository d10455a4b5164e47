# The aws target in Terraform: the HCL counterpart of prenv's Pulumi
# program in stacks/aws. One workspace per environment holds a namespace
# in an existing EKS cluster, its NetworkPolicies, the database cloned
# from the golden, the services, Istio routing and a Route53 record. The
# Kubernetes objects are kubernetes_manifest resources (server-side
# apply) whose manifests are the program's, field for field.

locals {
  tags = {
    "prenv:repo"       = var.repo
    "prenv:pr"         = tostring(var.pr_number)
    "prenv:expires-at" = var.expires_at
    "managed-by"       = "prenv"
  }
  labels = {
    "app.kubernetes.io/managed-by" = "prenv"
    "prenv.dev/project"            = var.project
    "prenv.dev/env"                = var.env_name
    "prenv.dev/pr"                 = tostring(var.pr_number)
    "prenv.dev/owner"              = var.owner
  }
  ns       = var.namespace
  host     = "${var.env_name}.${var.domain}"
  gateway  = split("/", var.gateway)[0]
  sandbox  = var.routing_mode == "sandbox"
  database = var.database == null ? 0 : 1 # 0: a stateless application, which gets no database
  source   = var.database == null ? "" : var.database.source
  rds      = local.source == "rds-snapshot" ? 1 : 0
  aurora   = local.source == "aurora-clone" ? 1 : 0
  ebs      = local.source == "ebs-snapshot" ? 1 : 0
  shared   = local.source == "shared-instance" ? 1 : 0

  # Selectors and ports the policies use.
  project_namespaces = { matchLabels = { "app.kubernetes.io/managed-by" = "prenv", "prenv.dev/project" = var.project } }
  running_ports      = [for p in distinct([for s in values(var.services) : s.port]) : { port = p, protocol = "TCP" }]
  ingress = concat(
    [{ from = [{ namespaceSelector = { matchLabels = { "kubernetes.io/metadata.name" = local.gateway } } }, { podSelector = {} }] }],
    !var.baseline && length(var.services) > 0 && local.sandbox ? [{
      from  = [{ namespaceSelector = { matchLabels = { "kubernetes.io/metadata.name" = var.baseline_namespace } } }]
      ports = local.running_ports
    }] : [],
    !var.baseline && length(var.services) > 0 && var.interceptor != null ? [{
      from  = [{ namespaceSelector = { matchLabels = { "kubernetes.io/metadata.name" = var.interceptor.namespace } } }]
      ports = local.running_ports
    }] : [],
  )
  egress = concat(
    [
      { to = [{ podSelector = {} }] },
      {
        ports = [{ port = 53, protocol = "UDP" }, { port = 53, protocol = "TCP" }]
        to    = [{ namespaceSelector = { matchLabels = { "kubernetes.io/metadata.name" = "kube-system" } } }]
      },
      {
        ports = [{ port = 15012, protocol = "TCP" }]
        to = [{
          namespaceSelector = { matchLabels = { "kubernetes.io/metadata.name" = "istio-system" } }
          podSelector       = { matchLabels = { app = "istiod" } }
        }]
      },
    ],
    local.database == 1 && length(try(var.database.database_cidrs, [])) > 0 ? [{
      ports = [{ port = 5432, protocol = "TCP" }]
      to    = [for c in var.database.database_cidrs : { ipBlock = { cidr = c } }]
    }] : [],
    !var.baseline && length(var.borrowed) > 0 ? [{
      ports = [for p in distinct(values(var.borrowed)) : { port = p, protocol = "TCP" }]
      to = [{
        namespaceSelector = { matchLabels = { "kubernetes.io/metadata.name" = var.baseline_namespace } }
        podSelector       = { matchExpressions = [{ key = "app", operator = "In", values = keys(var.borrowed) }] }
      }]
    }] : [],
    var.baseline && local.sandbox && length(var.all_services) > 0 ? [{
      ports = [for p in distinct(values(var.all_services)) : { port = p, protocol = "TCP" }]
      to = [{
        namespaceSelector = local.project_namespaces
        podSelector       = { matchExpressions = [{ key = "app", operator = "In", values = keys(var.all_services) }] }
      }]
    }] : [],
    var.interceptor != null ? [{
      ports = [{ port = var.interceptor.port, protocol = "TCP" }]
      to    = [{ namespaceSelector = { matchLabels = { "kubernetes.io/metadata.name" = var.interceptor.namespace } } }]
    }] : [],
  )
}

resource "kubernetes_manifest" "namespace" {
  manifest = {
    apiVersion = "v1"
    kind       = "Namespace"
    metadata = {
      name        = local.ns
      labels      = merge(local.labels, var.injection)
      annotations = { "prenv.dev/expires-at" = var.expires_at, "prenv.dev/repo" = var.repo }
    }
  }
}

resource "kubernetes_manifest" "default_deny" {
  depends_on = [kubernetes_manifest.namespace]
  manifest = {
    apiVersion = "networking.k8s.io/v1"
    kind       = "NetworkPolicy"
    metadata   = { name = "default-deny", namespace = local.ns, labels = local.labels }
    spec       = { podSelector = {}, policyTypes = ["Ingress", "Egress"] }
  }
}

resource "kubernetes_manifest" "allow" {
  depends_on = [kubernetes_manifest.namespace]
  manifest = {
    apiVersion = "networking.k8s.io/v1"
    kind       = "NetworkPolicy"
    metadata   = { name = "prenv-allow", namespace = local.ns, labels = local.labels }
    spec = {
      podSelector = {}
      policyTypes = ["Ingress", "Egress"]
      ingress     = local.ingress
      egress      = local.egress
    }
  }
}

# The baseline admits the project's PR environments to the services they borrow.
resource "kubernetes_manifest" "allow_environments" {
  count      = length(var.lent) > 0 ? 1 : 0
  depends_on = [kubernetes_manifest.namespace]
  manifest = {
    apiVersion = "networking.k8s.io/v1"
    kind       = "NetworkPolicy"
    metadata   = { name = "prenv-allow-environments", namespace = local.ns, labels = local.labels }
    spec = {
      podSelector = { matchExpressions = [{ key = "app", operator = "In", values = keys(var.lent) }] }
      policyTypes = ["Ingress"]
      ingress = [{
        from  = [{ namespaceSelector = local.project_namespaces }]
        ports = [for p in distinct(values(var.lent)) : { port = p, protocol = "TCP" }]
      }]
    }
  }
}
