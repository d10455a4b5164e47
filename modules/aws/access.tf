# access: oidc (the program's access.go): the host's requests without a
# valid bearer token go to the mesh's external authorizer, and bearer tokens
# of the team's issuer are validated at the gateway. Both objects live in the
# gateway's namespace, selecting its pods, and are named after the
# environment's namespace so that environments do not collide.

locals {
  gateway_namespace = split("/", var.gateway)[0]
  access_meta       = { name = "prenv-${local.ns}", namespace = local.gateway_namespace, labels = local.labels }
}

resource "kubernetes_manifest" "request_authentication" {
  count      = var.access == null || var.entry == null ? 0 : 1
  depends_on = [kubernetes_manifest.namespace]
  manifest = {
    apiVersion = "security.istio.io/v1"
    kind       = "RequestAuthentication"
    metadata   = local.access_meta
    spec = {
      selector = { matchLabels = var.access.gateway_selector }
      jwtRules = [merge(
        { issuer = var.access.issuer, forwardOriginalToken = true },
        var.access.jwks_uri != "" ? { jwksUri = var.access.jwks_uri } : {},
        length(var.access.audiences) > 0 ? { audiences = var.access.audiences } : {},
      )]
    }
  }
}

resource "kubernetes_manifest" "authorization_policy" {
  count      = var.access == null || var.entry == null ? 0 : 1
  depends_on = [kubernetes_manifest.namespace]
  manifest = {
    apiVersion = "security.istio.io/v1"
    kind       = "AuthorizationPolicy"
    metadata   = local.access_meta
    spec = {
      selector = { matchLabels = var.access.gateway_selector }
      action   = "CUSTOM"
      provider = { name = var.access.provider }
      rules = [{
        from = [{ source = { notRequestPrincipals = ["*"] } }]
        to   = [{ operation = { hosts = [local.host, "${local.host}:*"] } }]
      }]
    }
  }
}
