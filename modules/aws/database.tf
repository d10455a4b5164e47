# The environment's database, from one of three sources, with a role and
# password of its own in a Secret, and the anonymisation Job that must
# finish before any service starts; none when var.database is null.

resource "random_password" "database" {
  count   = local.database
  length  = 32
  special = false
}

resource "aws_security_group" "database" {
  count       = local.rds + local.aurora
  name        = "prenv-${var.env_name}-db"
  description = "The database of ${var.env_name}, open only to the cluster."
  vpc_id      = var.database.vpc_id

  ingress {
    from_port   = 5432
    to_port     = 5432
    protocol    = "tcp"
    cidr_blocks = [var.database.cluster_cidr]
  }
}

resource "aws_db_instance" "database" {
  count                  = local.rds
  identifier             = "prenv-${var.env_name}"
  snapshot_identifier    = var.database.snapshot
  instance_class         = var.database.instance_class
  db_subnet_group_name   = var.database.subnet_group
  vpc_security_group_ids = [aws_security_group.database[0].id]
  skip_final_snapshot    = true
  deletion_protection    = false
  publicly_accessible    = false
  apply_immediately      = true
}

resource "aws_rds_cluster" "database" {
  count                  = local.aurora
  cluster_identifier     = "prenv-${var.env_name}"
  engine                 = "aurora-postgresql"
  db_subnet_group_name   = var.database.subnet_group
  vpc_security_group_ids = [aws_security_group.database[0].id]
  skip_final_snapshot    = true
  deletion_protection    = false

  restore_to_point_in_time {
    source_cluster_identifier  = var.database.source_cluster
    restore_type               = "copy-on-write"
    use_latest_restorable_time = true
  }
}

resource "aws_rds_cluster_instance" "database" {
  count              = local.aurora
  identifier         = "prenv-${var.env_name}-1"
  cluster_identifier = aws_rds_cluster.database[0].id
  engine             = aws_rds_cluster.database[0].engine
  instance_class     = var.database.instance_class
}

resource "kubernetes_manifest" "volume_snapshot_content" {
  count = local.ebs
  manifest = {
    apiVersion = "snapshot.storage.k8s.io/v1"
    kind       = "VolumeSnapshotContent"
    metadata   = { name = "prenv-${var.env_name}-golden" }
    spec = {
      deletionPolicy          = "Retain"
      driver                  = "ebs.csi.aws.com"
      volumeSnapshotClassName = var.database.snapshot_class
      source                  = { snapshotHandle = var.database.snapshot }
      volumeSnapshotRef       = { name = "golden", namespace = kubernetes_namespace_v1.env.metadata[0].name }
    }
  }
}

resource "kubernetes_manifest" "volume_snapshot" {
  count = local.ebs
  manifest = {
    apiVersion = "snapshot.storage.k8s.io/v1"
    kind       = "VolumeSnapshot"
    metadata   = { name = "golden", namespace = kubernetes_namespace_v1.env.metadata[0].name }
    spec = {
      volumeSnapshotClassName = var.database.snapshot_class
      source                  = { volumeSnapshotContentName = kubernetes_manifest.volume_snapshot_content[0].manifest.metadata.name }
    }
  }
}

resource "kubernetes_persistent_volume_claim_v1" "database" {
  count = local.ebs
  metadata {
    name      = "postgres"
    namespace = kubernetes_namespace_v1.env.metadata[0].name
  }
  spec {
    access_modes       = ["ReadWriteOnce"]
    storage_class_name = var.database.storage_class
    resources {
      requests = { storage = var.database.volume_size }
    }
    data_source {
      api_group = "snapshot.storage.k8s.io"
      kind      = "VolumeSnapshot"
      name      = kubernetes_manifest.volume_snapshot[0].manifest.metadata.name
    }
  }
}

resource "kubernetes_stateful_set_v1" "database" {
  count = local.ebs
  metadata {
    name      = "postgres"
    namespace = kubernetes_namespace_v1.env.metadata[0].name
  }
  spec {
    service_name = "postgres"
    replicas     = 1
    selector {
      match_labels = { app = "postgres" }
    }
    template {
      metadata {
        labels = { app = "postgres" }
      }
      spec {
        container {
          name  = "postgres"
          image = "postgres:15"
          port {
            container_port = 5432
          }
          volume_mount {
            name       = "data"
            mount_path = "/var/lib/postgresql/data"
          }
        }
        volume {
          name = "data"
          persistent_volume_claim {
            claim_name = kubernetes_persistent_volume_claim_v1.database[0].metadata[0].name
          }
        }
      }
    }
  }
}

resource "kubernetes_service_v1" "database" {
  for_each = local.ebs_services
  metadata {
    name      = "postgres"
    namespace = kubernetes_namespace_v1.env.metadata[0].name
  }
  spec {
    selector = { app = "postgres" }
    port {
      port = 5432
    }
  }
}

resource "kubernetes_secret_v1" "database" {
  count = local.database
  metadata {
    name      = "database"
    namespace = kubernetes_namespace_v1.env.metadata[0].name
  }
  data = {
    DATABASE_URL = "postgres://${local.db_role}:${random_password.database[0].result}@${local.db_endpoint}:5432/${local.db_name}"
    PGUSER       = local.db_role
    PGPASSWORD   = random_password.database[0].result
  }
}

resource "kubernetes_job_v1" "anonymize" {
  count = local.database
  metadata {
    name      = "anonymize"
    namespace = kubernetes_namespace_v1.env.metadata[0].name
  }
  spec {
    backoff_limit = 2
    template {
      metadata {
        # No sidecar: an injected proxy would keep the Job from completing.
        labels = { app = "anonymize", "sidecar.istio.io/inject" = "false" }
      }
      spec {
        restart_policy = "Never"
        container {
          name  = "anonymize"
          image = "${var.database.anonymize_image}:${var.git_sha}"
          # The PR's migrations between the base commit and this one; the
          # image holds the repository's blueprint and migrations.
          args = ["anonymize", "--blueprint", "prenv.yaml", "--scope", "migrations", "--base", var.database.base_sha, "--head", var.git_sha]
          env {
            name = "PRENV_DATABASE_URL"
            value_from {
              secret_key_ref {
                name = kubernetes_secret_v1.database[0].metadata[0].name
                key  = "DATABASE_URL"
              }
            }
          }
          env_from {
            secret_ref {
              name = kubernetes_secret_v1.database[0].metadata[0].name
            }
          }
        }
      }
    }
  }
  wait_for_completion = true
  timeouts {
    create = "30m"
  }
}
