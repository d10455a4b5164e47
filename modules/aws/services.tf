# The services: a Deployment and a Service for each one the environment
# runs, an ExternalName Service for each shared one it borrows, and KEDA
# scaling: an HTTPScaledObject and a VirtualService through the HTTP
# add-on's interceptor, or a ScaledObject that keeps one replica.

locals {
  database_env = local.database == 0 ? [] : [
    { name = "PGHOST", value = local.db_endpoint },
    { name = "PGDATABASE", value = var.database.name },
    { name = "PGUSER", value = var.database.role },
  ]
  scaled      = var.scales && var.interceptor == null ? var.services : {}
  http_scaled = var.scales && var.interceptor != null ? var.services : {}
  interceptor = var.interceptor == null ? null : "${var.interceptor.service}.${var.interceptor.namespace}.svc.cluster.local"
}

resource "kubernetes_manifest" "deployment" {
  for_each = var.services
  # The database must be anonymised before any service reads it.
  depends_on = [kubernetes_manifest.namespace, kubernetes_manifest.job]
  manifest = {
    apiVersion = "apps/v1"
    kind       = "Deployment"
    metadata   = { name = each.key, namespace = local.ns, labels = merge(local.labels, { app = each.key }) }
    # KEDA owns the replica count of a scaled service: server-side apply
    # leaves a field it is not given alone, so no apply fights it.
    spec = merge(var.scales ? {} : { replicas = 1 }, {
      selector = { matchLabels = { app = each.key } }
      template = {
        metadata = { labels = { app = each.key } }
        spec = {
          # No API token: the app has no business with the cluster's API.
          automountServiceAccountToken = false
          containers = [merge({
            name           = each.key
            image          = each.value.image
            ports          = [{ name = "http", containerPort = each.value.port }]
            env            = concat(each.value.env, local.database_env)
            readinessProbe = { httpGet = { path = each.value.health, port = each.value.port }, periodSeconds = 5 }
            resources      = { requests = var.requests, limits = var.limits }
          }, local.database == 0 ? {} : { envFrom = [{ secretRef = { name = "database" } }] })]
        }
      }
    })
  }
  wait {
    rollout = true
  }
}

resource "kubernetes_manifest" "service" {
  for_each   = var.services
  depends_on = [kubernetes_manifest.namespace]
  manifest = {
    apiVersion = "v1"
    kind       = "Service"
    metadata   = { name = each.key, namespace = local.ns, labels = merge(local.labels, { app = each.key }) }
    spec = {
      selector = { app = each.key }
      ports    = [{ name = "http", port = each.value.port, targetPort = "http" }]
    }
  }
}

# Istio needs the port to route an ExternalName Service's traffic.
resource "kubernetes_manifest" "shared" {
  for_each   = var.shared
  depends_on = [kubernetes_manifest.namespace]
  manifest = {
    apiVersion = "v1"
    kind       = "Service"
    metadata   = { name = each.key, namespace = local.ns, labels = merge(local.labels, { app = each.key }) }
    spec = {
      type         = "ExternalName"
      externalName = "${each.key}.${var.baseline_namespace}.svc.cluster.local"
      ports        = [{ name = "http", port = each.value, protocol = "TCP" }]
    }
  }
}

# Without the HTTP add-on nothing holds a request while a pod starts: KEDA
# keeps one replica rather than answer the first request 503.
resource "kubernetes_manifest" "scaled_object" {
  for_each   = local.scaled
  depends_on = [kubernetes_manifest.deployment]
  manifest = {
    apiVersion = "keda.sh/v1alpha1"
    kind       = "ScaledObject"
    metadata   = { name = each.key, namespace = local.ns, labels = local.labels }
    spec = {
      scaleTargetRef        = { name = each.key }
      minReplicaCount       = 1
      maxReplicaCount       = 1
      initialCooldownPeriod = 1800
      cooldownPeriod        = 1800
      triggers = [{
        type = "prometheus"
        metadata = {
          serverAddress       = var.prometheus
          query               = "sum(rate(istio_requests_total{destination_service_namespace=\"${local.ns}\",destination_service_name=\"${each.key}\"}[10m]))"
          threshold           = "1"
          activationThreshold = "0"
        }
      }]
    }
  }
}

resource "kubernetes_manifest" "http_scaled_object" {
  for_each   = local.http_scaled
  depends_on = [kubernetes_manifest.deployment]
  manifest = {
    apiVersion = "http.keda.sh/v1alpha1"
    kind       = "HTTPScaledObject"
    metadata   = { name = each.key, namespace = local.ns, labels = local.labels }
    spec = {
      hosts                 = concat(["${each.key}.${local.ns}.svc.cluster.local"], try(var.entry.name, "") == each.key ? [local.host] : [])
      scaleTargetRef        = { name = each.key, kind = "Deployment", apiVersion = "apps/v1", service = each.key, port = each.value.port }
      replicas              = { min = 0, max = 1 }
      initialCooldownPeriod = 1800
      scaledownPeriod       = 1800
    }
  }
}

# The namespace's own requests for a scaled service go through the
# interceptor; exported to the namespace only, so the interceptor's own
# request reaches the service.
resource "kubernetes_manifest" "via_interceptor" {
  for_each   = local.http_scaled
  depends_on = [kubernetes_manifest.namespace]
  manifest = {
    apiVersion = "networking.istio.io/v1"
    kind       = "VirtualService"
    metadata   = { name = "via-interceptor-${each.key}", namespace = local.ns, labels = local.labels }
    spec = {
      hosts    = ["${each.key}.${local.ns}.svc.cluster.local"]
      exportTo = ["."]
      http = [{
        rewrite = { authority = "${each.key}.${local.ns}.svc.cluster.local" }
        route   = [{ destination = { host = local.interceptor, port = { number = var.interceptor.port } } }]
      }]
    }
  }
}
