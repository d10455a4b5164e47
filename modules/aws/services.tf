# The services: a Deployment and a Service for each one the PR runs, an
# ExternalName Service for each borrowed from the baseline, and an
# optional KEDA ScaledObject that scales idle ones to zero.

resource "kubernetes_deployment_v1" "service" {
  for_each = var.services
  # The database must be anonymised before any service reads it.
  depends_on = [kubernetes_job_v1.anonymize]

  metadata {
    name      = each.key
    namespace = kubernetes_namespace_v1.env.metadata[0].name
    labels    = merge(local.labels, { app = each.key })
  }
  spec {
    replicas = 1
    selector {
      match_labels = { app = each.key }
    }
    template {
      metadata {
        labels = { app = each.key }
      }
      spec {
        container {
          name  = each.key
          image = "${each.value.image}:${var.git_sha}"
          port {
            container_port = each.value.port
          }
          dynamic "env" {
            for_each = each.value.env
            content {
              name  = env.key
              value = env.value
            }
          }
          dynamic "env_from" {
            for_each = kubernetes_secret_v1.database[*].metadata[0].name
            content {
              secret_ref {
                name = env_from.value
              }
            }
          }
          resources {
            requests = { cpu = "50m", memory = "64Mi" }
            limits   = { cpu = "500m", memory = "512Mi" }
          }
          readiness_probe {
            http_get {
              path = each.value.health
              port = each.value.port
            }
          }
        }
      }
    }
  }
}

resource "kubernetes_service_v1" "service" {
  for_each = var.services
  metadata {
    name      = each.key
    namespace = kubernetes_namespace_v1.env.metadata[0].name
  }
  spec {
    selector = { app = each.key }
    port {
      port        = 80
      target_port = each.value.port
    }
  }
}

resource "kubernetes_service_v1" "shared" {
  for_each = toset(var.shared_services)
  metadata {
    name      = each.key
    namespace = kubernetes_namespace_v1.env.metadata[0].name
  }
  spec {
    type          = "ExternalName"
    external_name = "${each.key}.${var.baseline_namespace}.svc.cluster.local"
  }
}

resource "kubernetes_manifest" "scaled_object" {
  for_each = local.scaled
  manifest = {
    apiVersion = "keda.sh/v1alpha1"
    kind       = "ScaledObject"
    metadata   = { name = each.key, namespace = kubernetes_namespace_v1.env.metadata[0].name }
    spec = {
      scaleTargetRef  = { name = kubernetes_deployment_v1.service[each.key].metadata[0].name }
      minReplicaCount = 0
      maxReplicaCount = 1
      triggers = [{
        type     = "prometheus"
        metadata = { serverAddress = "http://prometheus.monitoring:9090", query = "sum(rate(istio_requests_total{destination_workload=\"${each.key}\",destination_workload_namespace=\"${var.env_name}\"}[5m]))", threshold = "1" }
      }]
    }
  }
}
