variable "pr_number" {
  description = "The pull request's number; 0 for the baseline."
  type        = number
}

variable "env_name" {
  description = "The environment, pr-<n>: also its namespace."
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
  description = "The repository, owner/name, recorded in tags and labels."
  type        = string
}

variable "owner" {
  description = "Who asked for the environment, recorded in labels."
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

variable "baseline_namespace" {
  description = "The baseline's namespace, where shared services run."
  type        = string
  default     = "baseline"
}

variable "routing_header" {
  description = "The request header that carries the routing key."
  type        = string
  default     = "x-prenv-route"
}

variable "gateway" {
  description = "The shared Istio gateway, namespace/name, that the per-PR host is bound to."
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

variable "services" {
  description = "The services the environment runs itself, by name. Shared ones are the baseline's, through ExternalName."
  type = map(object({
    image  = string
    port   = number
    health = string
    entry  = bool
    env    = map(string)
  }))
}

variable "shared_services" {
  description = "The services borrowed from the baseline namespace."
  type        = list(string)
  default     = []
}

variable "scale_to_zero" {
  description = "Whether a KEDA ScaledObject scales each service to zero when idle."
  type        = bool
  default     = false
}

variable "database" {
  description = "The database source: rds-snapshot, aurora-clone or ebs-snapshot, and what it is cloned from. Null for an application without a database, which gets none."
  type = object({
    source          = string
    snapshot        = string
    source_cluster  = string
    instance_class  = string
    subnet_group    = string
    vpc_id          = string
    cluster_cidr    = string
    volume_size     = string
    storage_class   = string
    snapshot_class  = string
    anonymize_image = string
    base_sha        = string
  })
  default = null

  validation {
    condition     = var.database == null ? true : contains(["rds-snapshot", "aurora-clone", "ebs-snapshot"], var.database.source)
    error_message = "database.source must be rds-snapshot, aurora-clone or ebs-snapshot."
  }
}
