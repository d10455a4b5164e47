# prenv computes these from the blueprint with the Pulumi program's own
# code (stacks/aws.Target.TerraformVars), so both engines build the same
# objects; a test compares them field by field.

variable "pr_number" {
  description = "The pull request's number; 0 for the baseline."
  type        = number
}

variable "env_name" {
  description = "The environment: pr-<n> or baseline."
  type        = string
}

variable "git_sha" {
  description = "The commit the environment is built from: every image is tagged with it."
  type        = string
}

variable "created_at" {
  description = "When the environment was first created (RFC 3339)."
  type        = string
}

variable "expires_at" {
  description = "When the reaper may remove the environment (RFC 3339)."
  type        = string
}

variable "project" {
  description = "The blueprint's project, recorded in labels; the reaper's orphan sweep recognises namespaces by it."
  type        = string
}

variable "repo" {
  description = "The repository, owner/name, recorded in tags and annotations."
  type        = string
}

variable "owner" {
  description = "Who asked for the environment, as a label value."
  type        = string
  default     = ""
}

variable "region" {
  description = "The AWS region of the cluster, database and zone."
  type        = string
}

variable "kubeconfig" {
  description = "The kubeconfig of the existing EKS cluster. With aws.cluster in the blueprint, prenv sets it to the kubeconfig it builds, whose user runs prenv eks-token."
  type        = string
  default     = "~/.kube/config"
}

variable "kube_context" {
  description = "The kubeconfig context to use; empty for the current one."
  type        = string
  default     = ""
}

variable "namespace" {
  description = "The environment's namespace: pr-<n>, or the baseline's."
  type        = string
}

variable "baseline" {
  description = "Whether this is the baseline environment."
  type        = bool
  default     = false
}

variable "baseline_namespace" {
  description = "The baseline's namespace, where shared and unchanged services run."
  type        = string
  default     = "baseline"
}

variable "routing_mode" {
  description = "isolated or sandbox."
  type        = string
  default     = "isolated"
}

variable "routing_header" {
  description = "The request header that carries the routing key."
  type        = string
  default     = "x-prenv-route"
}

variable "gateway" {
  description = "The shared Istio gateway, namespace/name, that the host is bound to."
  type        = string
}

variable "domain" {
  description = "The domain under which pr-<n>.<domain> is created."
  type        = string
}

variable "zone_id" {
  description = "The Route53 hosted zone of the domain."
  type        = string
}

variable "gateway_hostname" {
  description = "The gateway load balancer's DNS name, which the record points at."
  type        = string
}

variable "injection" {
  description = "The namespace's sidecar injection label: istio-injection=enabled, or istio.io/rev=<revision>."
  type        = map(string)
  default     = { "istio-injection" = "enabled" }
}

variable "services" {
  description = "The services the environment runs itself, by name: image (tagged), port, health path, and env in name order."
  type = map(object({
    image  = string
    port   = number
    health = string
    env    = list(object({ name = string, value = string }))
  }))
}

variable "entry" {
  description = "The entry service: its name, port and whether the environment runs it (else the baseline's)."
  type        = object({ name = string, port = number, runs_own = bool })
  default     = null
}

variable "borrowed" {
  description = "The baseline's services this environment reaches, by name, with their ports."
  type        = map(number)
  default     = {}
}

variable "shared" {
  description = "The shared services that get an ExternalName Service to the baseline (isolated mode), with their ports."
  type        = map(number)
  default     = {}
}

variable "lent" {
  description = "In the baseline: the services PR environments borrow, with their ports."
  type        = map(number)
  default     = {}
}

variable "all_services" {
  description = "Every service of the blueprint, with its port: the baseline reaches them in the sandboxes (sandbox mode)."
  type        = map(number)
  default     = {}
}

variable "scales" {
  description = "Whether KEDA scales the environment's services (a PR's, with scale-to-zero)."
  type        = bool
  default     = false
}

variable "interceptor" {
  description = "The KEDA HTTP add-on's interceptor proxy (namespace, service, port) that scale-to-zero goes through; null without it (KEDA then keeps one replica)."
  type        = object({ namespace = string, service = string, port = number })
  default     = null
}

variable "prometheus" {
  description = "The Prometheus of the ScaledObjects' trigger."
  type        = string
  default     = "http://prometheus.istio-system:9090"
}

variable "requests" {
  description = "Resource requests of each service container."
  type        = object({ cpu = string, memory = string })
}

variable "limits" {
  description = "Resource limits of each service container."
  type        = object({ cpu = string, memory = string })
}

variable "anonymize_salt" {
  description = "The anonymisation salt (TF_VAR_anonymize_salt); it reaches the Job through the database setup Secret, which prenv deletes after each apply."
  type        = string
  default     = ""
  sensitive   = true
}

variable "shared_instance_password" {
  description = "The master user's password on the shared instance (source shared-instance; TF_VAR_shared_instance_password)."
  type        = string
  default     = ""
  sensitive   = true
}

variable "database" {
  description = "The database: its source and names, null for an application without one."
  type = object({
    source                = string
    golden                = string
    golden_key            = string
    name                  = string
    role                  = string
    master_username       = string
    rds_identifier        = string
    identifier_prefix     = string
    instance_prefix       = string
    security_group_prefix = string
    instance_class        = string
    subnet_group          = string
    vpc_id                = string
    cluster_cidr          = string
    database_cidrs        = list(string)
    shared_instance       = string
    volume_size           = string
    storage_class         = string
    snapshot_class        = string
    postgres_image        = string
    anonymizer_image      = string
    salt_env              = string
    setup_secret          = string
    admin_secret          = string
    migrate               = string
    anonymize_args        = list(string)
    role_script           = string
    reset_script          = string
  })
  default = null

  validation {
    condition     = var.database == null ? true : contains(["rds-snapshot", "aurora-clone", "ebs-snapshot", "shared-instance"], var.database.source)
    error_message = "database.source must be rds-snapshot, aurora-clone, ebs-snapshot or shared-instance."
  }
}

variable "access" {
  description = "access: oidc of the blueprint: the mesh's extension provider, the issuer (and its keys' URL, or \"\") and audiences of CI's bearer tokens, and the gateway pods' labels; null for a public host."
  type = object({
    provider         = string
    issuer           = string
    jwks_uri         = string
    audiences        = list(string)
    gateway_selector = map(string)
  })
  default = null
}
