# The environment's database, from one of four sources, with a role and
# password of its own in a Secret, and the Job that creates the role (and
# on a shared instance the database), applies the migrations and
# anonymises what they touched before any service starts; none when
# var.database is null.

locals {
  db_endpoint = local.database == 0 ? null : (
    local.rds == 1 ? one(aws_db_instance.database[*].address) :
    local.aurora == 1 ? one(aws_rds_cluster.database[*].endpoint) :
    local.ebs == 1 ? "postgres.${local.ns}.svc.cluster.local" : var.database.shared_instance
  )
  admin_password = local.shared == 1 ? var.shared_instance_password : one(random_password.database_admin[*].result)
  snapshot_name  = local.ebs == 1 ? "golden-${var.database.golden_key}" : null
  claim_name     = local.ebs == 1 ? "postgres-${var.database.golden_key}" : null
  db_url         = local.database == 0 ? null : "${local.db_endpoint}:5432/${var.database.name}?sslmode=prefer"
  # What only the setup reads, in Secrets prenv deletes after every
  # successful apply; their names change with what their readers' runs
  # depend on (setup_secrets.go in stacks/aws).
  setup_data = local.database == 0 ? {} : merge(
    { PRENV_DATABASE_URL = "postgres://${var.database.master_username}:${local.admin_password}@${local.db_url}" },
    local.shared == 1 ? { PRENV_MAINTENANCE_URL = "postgres://${var.database.master_username}:${local.admin_password}@${local.db_endpoint}:5432/postgres?sslmode=prefer" } : {},
    var.anonymize_salt != "" ? { (var.database.salt_env) = var.anonymize_salt } : {},
  )
  setup_labels = merge(local.labels, { "prenv.dev/setup" = "true" })
  admin_secret = local.ebs == 1 ? var.database.admin_secret : null
  from_secret = local.database == 0 ? null : {
    admin_url = { name = "PRENV_DATABASE_URL", valueFrom = { secretKeyRef = { name = var.database.setup_secret, key = "PRENV_DATABASE_URL" } } }
  }
  small = { requests = { cpu = "100m", memory = "128Mi" }, limits = { cpu = "1", memory = "1Gi" } }
  role_container = local.database == 0 ? null : {
    name    = "role"
    image   = var.database.postgres_image
    command = ["sh", "-c", var.database.role_script]
    env = concat(
      [local.from_secret.admin_url, { name = "PGPASSWORD", valueFrom = { secretKeyRef = { name = "database", key = "PGPASSWORD" } } }],
      [for e in [
        { name = "PRENV_MAINTENANCE_URL", valueFrom = { secretKeyRef = { name = var.database.setup_secret, key = "PRENV_MAINTENANCE_URL" } } },
        { name = "PRENV_GOLDEN_TEMPLATE", value = var.database.golden },
      ] : e if local.shared == 1],
      local.database_env,
    )
    resources = local.small
  }
  anonymizes = local.database == 1 && try(var.database.anonymize_args, null) != null
  migrate_container = local.database == 1 && try(var.database.migrate, "") != "" ? [{
    name      = "migrate"
    image     = var.database.anonymizer_image
    command   = ["sh", "-c", var.database.migrate]
    env       = [{ name = "DATABASE_URL", valueFrom = { secretKeyRef = { name = var.database.setup_secret, key = "PRENV_DATABASE_URL" } } }]
    resources = local.small
  }] : []
  anonymize_container = local.anonymizes ? {
    name  = "anonymize"
    image = var.database.anonymizer_image
    args  = var.database.anonymize_args
    env = concat([local.from_secret.admin_url], var.anonymize_salt != "" ? [
      { name = var.database.salt_env, valueFrom = { secretKeyRef = { name = var.database.setup_secret, key = var.database.salt_env } } },
    ] : [])
    resources = local.small
  } : null
  # The role, then the migrations, then the anonymisation; or the role alone.
  job_containers = [for c in [local.role_container, local.anonymize_container] : c if try(c.name, "") == (local.anonymizes ? "anonymize" : "role")]
  job_init       = [for c in concat([local.role_container], local.migrate_container) : c if local.anonymizes]
  job_pod = local.database == 0 ? null : merge(
    { restartPolicy = "Never", automountServiceAccountToken = false, containers = local.job_containers },
    local.anonymizes ? { initContainers = local.job_init } : {},
  )
}

resource "random_password" "database" {
  count   = local.database
  length  = 32
  special = false
}

resource "random_password" "database_admin" {
  count   = local.database == 1 && local.shared == 0 ? 1 : 0
  length  = 32
  special = false
}

# Name prefixes, not names: a rotated golden forces a new database, which
# is created before the old one is deleted without the two names clashing.
resource "aws_security_group" "database" {
  count       = local.rds + local.aurora
  name_prefix = var.database.security_group_prefix
  description = "The database of ${var.env_name}, open only to the cluster."
  vpc_id      = var.database.vpc_id
  tags        = { Name = "${var.database.rds_identifier}-db" }

  ingress {
    from_port   = 5432
    to_port     = 5432
    protocol    = "tcp"
    cidr_blocks = [var.database.cluster_cidr]
  }

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_db_instance" "database" {
  count                  = local.rds
  identifier_prefix      = var.database.identifier_prefix
  snapshot_identifier    = var.database.golden
  instance_class         = var.database.instance_class
  db_subnet_group_name   = var.database.subnet_group
  vpc_security_group_ids = [aws_security_group.database[0].id]
  password               = local.admin_password
  skip_final_snapshot    = true
  deletion_protection    = false
  publicly_accessible    = false
  apply_immediately      = true
  tags                   = { Name = var.database.rds_identifier }

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_rds_cluster" "database" {
  count                     = local.aurora
  cluster_identifier_prefix = var.database.identifier_prefix
  engine                    = "aurora-postgresql"
  db_subnet_group_name      = var.database.subnet_group
  vpc_security_group_ids    = [aws_security_group.database[0].id]
  master_password           = local.admin_password
  skip_final_snapshot       = true
  deletion_protection       = false
  apply_immediately         = true
  tags                      = { Name = var.database.rds_identifier }

  restore_to_point_in_time {
    source_cluster_identifier  = var.database.golden
    restore_type               = "copy-on-write"
    use_latest_restorable_time = true
  }

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_rds_cluster_instance" "database" {
  count              = local.aurora
  identifier_prefix  = var.database.instance_prefix
  cluster_identifier = aws_rds_cluster.database[0].id
  engine             = aws_rds_cluster.database[0].engine
  instance_class     = var.database.instance_class
  tags               = { Name = "${var.database.rds_identifier}-1" }

  lifecycle {
    create_before_destroy = true
  }
}

# The EBS path's snapshot objects are named after the golden: their
# sources cannot change, so a rotated golden gets new ones.
resource "kubernetes_manifest" "volume_snapshot_content" {
  count = local.ebs
  manifest = {
    apiVersion = "snapshot.storage.k8s.io/v1"
    kind       = "VolumeSnapshotContent"
    metadata   = { name = "${var.database.rds_identifier}-golden-${var.database.golden_key}", labels = local.labels }
    spec = {
      deletionPolicy          = "Retain"
      driver                  = "ebs.csi.aws.com"
      volumeSnapshotClassName = var.database.snapshot_class
      source                  = { snapshotHandle = var.database.golden }
      volumeSnapshotRef       = { name = local.snapshot_name, namespace = local.ns }
    }
  }
}

resource "kubernetes_manifest" "volume_snapshot" {
  count      = local.ebs
  depends_on = [kubernetes_manifest.namespace, kubernetes_manifest.volume_snapshot_content]
  manifest = {
    apiVersion = "snapshot.storage.k8s.io/v1"
    kind       = "VolumeSnapshot"
    metadata   = { name = local.snapshot_name, namespace = local.ns, labels = local.labels }
    spec = {
      volumeSnapshotClassName = var.database.snapshot_class
      source                  = { volumeSnapshotContentName = "${var.database.rds_identifier}-golden-${var.database.golden_key}" }
    }
  }
}

resource "kubernetes_manifest" "persistent_volume_claim" {
  count      = local.ebs
  depends_on = [kubernetes_manifest.volume_snapshot]
  manifest = {
    apiVersion = "v1"
    kind       = "PersistentVolumeClaim"
    metadata   = { name = local.claim_name, namespace = local.ns, labels = local.labels }
    spec = {
      accessModes      = ["ReadWriteOnce"]
      storageClassName = var.database.storage_class
      resources        = { requests = { storage = var.database.volume_size } }
      dataSource       = { apiGroup = "snapshot.storage.k8s.io", kind = "VolumeSnapshot", name = local.snapshot_name }
    }
  }
}

resource "kubernetes_manifest" "stateful_set" {
  count      = local.ebs
  depends_on = [kubernetes_manifest.persistent_volume_claim, kubernetes_manifest.admin_secret]
  manifest = {
    apiVersion = "apps/v1"
    kind       = "StatefulSet"
    metadata   = { name = "postgres", namespace = local.ns, labels = merge(local.labels, { app = "postgres" }) }
    spec = {
      serviceName = "postgres"
      replicas    = 1
      selector    = { matchLabels = { app = "postgres" } }
      template = {
        metadata = { labels = { app = "postgres" } }
        spec = {
          # PostgreSQL refuses root; the snapshot's files are the postgres user's already.
          securityContext = { runAsUser = 999, fsGroup = 999, fsGroupChangePolicy = "OnRootMismatch" }
          initContainers = [{
            name    = "reset-password"
            image   = var.database.postgres_image
            command = ["sh", "-c", var.database.reset_script]
            env = [
              { name = "PGDATA", value = "/var/lib/postgresql/data/pgdata" },
              { name = "PGADMIN", value = var.database.master_username },
              { name = "PGADMINPASSWORD", valueFrom = { secretKeyRef = { name = local.admin_secret, key = "PGADMINPASSWORD", optional = true } } },
            ]
            volumeMounts = [{ name = "data", mountPath = "/var/lib/postgresql/data" }]
          }]
          containers = [{
            name           = "postgres"
            image          = var.database.postgres_image
            env            = [{ name = "PGDATA", value = "/var/lib/postgresql/data/pgdata" }]
            ports          = [{ name = "postgres", containerPort = 5432 }]
            volumeMounts   = [{ name = "data", mountPath = "/var/lib/postgresql/data" }]
            readinessProbe = { exec = { command = ["pg_isready", "-U", var.database.master_username] }, periodSeconds = 5 }
            resources      = { requests = { cpu = "250m", memory = "512Mi" }, limits = { cpu = "1", memory = "2Gi" } }
          }]
          volumes = [{ name = "data", persistentVolumeClaim = { claimName = local.claim_name } }]
        }
      }
    }
  }
}

resource "kubernetes_manifest" "database_service" {
  count      = local.ebs
  depends_on = [kubernetes_manifest.namespace]
  manifest = {
    apiVersion = "v1"
    kind       = "Service"
    metadata   = { name = "postgres", namespace = local.ns, labels = merge(local.labels, { app = "postgres" }) }
    spec = {
      selector = { app = "postgres" }
      ports    = [{ name = "postgres", port = 5432 }]
    }
  }
}

resource "kubernetes_manifest" "database_secret" {
  count      = local.database
  depends_on = [kubernetes_manifest.namespace]
  manifest = {
    apiVersion = "v1"
    kind       = "Secret"
    metadata   = { name = "database", namespace = local.ns, labels = local.labels }
    stringData = {
      DATABASE_URL = "postgres://${var.database.role}:${random_password.database[0].result}@${local.db_url}"
      PGPASSWORD   = random_password.database[0].result
    }
  }
}

resource "kubernetes_manifest" "setup_secret" {
  count      = local.database
  depends_on = [kubernetes_manifest.namespace]
  manifest = {
    apiVersion = "v1"
    kind       = "Secret"
    metadata   = { name = var.database.setup_secret, namespace = local.ns, labels = local.setup_labels }
    stringData = local.setup_data
  }
}

# The postgres pod's superuser password, for a volume restored from this
# golden; a later pod, on a volume whose password is set, does without.
resource "kubernetes_manifest" "admin_secret" {
  count      = local.ebs
  depends_on = [kubernetes_manifest.namespace]
  manifest = {
    apiVersion = "v1"
    kind       = "Secret"
    metadata   = { name = local.admin_secret, namespace = local.ns, labels = local.setup_labels }
    stringData = { PGADMINPASSWORD = local.admin_password }
  }
}

resource "kubernetes_manifest" "job" {
  count = local.database
  depends_on = [
    kubernetes_manifest.database_secret, kubernetes_manifest.setup_secret, kubernetes_manifest.stateful_set,
    kubernetes_manifest.database_service, aws_db_instance.database, aws_rds_cluster_instance.database,
  ]
  manifest = {
    apiVersion = "batch/v1"
    kind       = "Job"
    metadata   = { name = "anonymize", namespace = local.ns, labels = local.labels, annotations = { "pulumi.com/replaceUnready" = "true" } }
    spec = {
      backoffLimit = 2
      template = {
        # No sidecar: an injected proxy would keep the Job from completing.
        metadata = { labels = { app = "anonymize", "sidecar.istio.io/inject" = "false" } }
        spec     = local.job_pod
      }
    }
  }
  wait {
    condition {
      type   = "Complete"
      status = "True"
    }
  }
  timeouts {
    create = "30m"
    update = "30m"
  }
}
