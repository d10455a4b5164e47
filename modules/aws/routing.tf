# The environment's host: a VirtualService on the shared gateway that sets
# the routing key and reaches the entry service (the baseline's when the
# environment does not run it; the interceptor's when it scales to zero),
# and its Route53 record.

locals {
  entry_host = var.entry == null ? null : (var.entry.runs_own ? "${var.entry.name}.${local.ns}.svc.cluster.local" : "${var.entry.name}.${var.baseline_namespace}.svc.cluster.local")
  entry_destination = var.entry == null ? null : (
    var.interceptor != null && var.scales && var.entry.runs_own ?
    { host = local.interceptor, port = { number = var.interceptor.port } } :
    { host = local.entry_host, port = { number = var.entry.port } }
  )
}

resource "kubernetes_manifest" "virtual_service" {
  count      = var.entry == null ? 0 : 1
  depends_on = [kubernetes_manifest.namespace]
  manifest = {
    apiVersion = "networking.istio.io/v1"
    kind       = "VirtualService"
    metadata   = { name = "host", namespace = local.ns, labels = local.labels }
    spec = {
      hosts    = [local.host]
      gateways = [var.gateway]
      http = [merge(
        { route = [{ destination = local.entry_destination }] },
        var.pr_number != 0 ? { headers = { request = { set = { (var.routing_header) = var.env_name } } } } : {},
      )]
    }
  }
}

resource "aws_route53_record" "host" {
  count   = var.entry == null ? 0 : 1
  zone_id = var.zone_id
  name    = local.host
  type    = "CNAME"
  ttl     = 60
  records = [var.gateway_hostname]
}

# The environment's lifetime, which prenv extend updates on its own.
resource "terraform_data" "prenv_lifetime" {
  input = {
    created_at = var.created_at
    expires_at = var.expires_at
  }
}
