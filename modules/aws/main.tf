# The aws target in Terraform: the HCL counterpart of prenv's Pulumi
# program in stacks/aws. One workspace per PR holds a namespace in an
# existing EKS cluster, the PR's database cloned from a snapshot, the
# services, Istio routing and a Route53 record.

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
  host         = "${var.env_name}.${var.domain}"
  entry        = one([for name, s in var.services : name if s.entry])
  db_name      = replace("prenv_${var.env_name}", "-", "_")
  db_role      = replace("prenv_${var.env_name}", "-", "_")
  database     = var.database == null ? 0 : 1 # 0: a stateless application, which gets no database
  source       = var.database == null ? "" : var.database.source
  rds          = local.source == "rds-snapshot" ? 1 : 0
  aurora       = local.source == "aurora-clone" ? 1 : 0
  ebs          = local.source == "ebs-snapshot" ? 1 : 0
  db_endpoint  = local.database == 0 ? null : local.rds == 1 ? aws_db_instance.database[0].address : local.aurora == 1 ? aws_rds_cluster.database[0].endpoint : "postgres.${var.env_name}.svc.cluster.local"
  scaled       = var.scale_to_zero ? var.services : {}
  ebs_services = local.ebs == 1 ? { postgres = true } : {}
}

resource "kubernetes_namespace_v1" "env" {
  metadata {
    name   = var.env_name
    labels = merge(local.labels, { "istio-injection" = "enabled" })
    annotations = {
      "prenv.dev/expires-at" = var.expires_at
    }
  }
}

resource "kubernetes_network_policy_v1" "default_deny" {
  metadata {
    name      = "default-deny"
    namespace = kubernetes_namespace_v1.env.metadata[0].name
  }
  spec {
    pod_selector {}
    policy_types = ["Ingress", "Egress"]

    ingress {
      from {
        namespace_selector {
          match_labels = { "kubernetes.io/metadata.name" = "istio-system" }
        }
      }
      from {
        pod_selector {}
      }
    }

    egress {
      to {
        namespace_selector {
          match_labels = { "kubernetes.io/metadata.name" = "kube-system" }
        }
      }
      ports {
        port     = 53
        protocol = "UDP"
      }
    }
    dynamic "egress" {
      for_each = local.database == 1 ? [var.database.cluster_cidr] : []
      content {
        to {
          ip_block {
            cidr = egress.value
          }
        }
        ports {
          port     = 5432
          protocol = "TCP"
        }
      }
    }
    egress {
      to {
        namespace_selector {
          match_labels = { "kubernetes.io/metadata.name" = var.baseline_namespace }
        }
      }
    }
    egress {
      to {
        pod_selector {}
      }
    }
  }
}
