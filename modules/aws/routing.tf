# The per-PR host: a VirtualService on the shared gateway that sets the
# routing key and reaches the entry service, and its Route53 record.

resource "kubernetes_manifest" "virtual_service" {
  manifest = {
    apiVersion = "networking.istio.io/v1beta1"
    kind       = "VirtualService"
    metadata   = { name = "entry", namespace = kubernetes_namespace_v1.env.metadata[0].name }
    spec = {
      hosts    = [local.host]
      gateways = [var.gateway]
      http = [{
        headers = { request = { set = { (var.routing_header) = var.env_name } } }
        route   = [{ destination = { host = "${local.entry}.${var.env_name}.svc.cluster.local" } }]
      }]
    }
  }
}

resource "aws_route53_record" "host" {
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
