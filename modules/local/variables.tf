variable "pr_number" {
  description = "The pull request's number; 0 for the baseline."
  type        = number
}

variable "env_name" {
  description = "The environment: pr-<n> or baseline."
  type        = string
}

variable "git_sha" {
  description = "The commit the environment is built from."
  type        = string
  default     = ""
}

variable "created_at" {
  description = "When the environment was first created (RFC 3339)."
  type        = string
}

variable "expires_at" {
  description = "When the reaper may remove the environment (RFC 3339)."
  type        = string
}

variable "prenv" {
  description = "The prenv binary, whose hidden `local` commands make and remove each resource."
  type        = string
}

variable "state_dir" {
  description = "Where the prenv local commands keep what each resource made (mode 0600 files)."
  type        = string
}

variable "database" {
  description = "The environment's database: a clone of the golden template, owned by its own role, with the PR's migrations, anonymised as the blueprint says (the salt comes from PRENV_ANONYMIZE_SALT). With an empty template (a self-contained environment, which has no baseline) it is built from source, a SQL file or a postgres:// URL, as the golden is. Null for an application without a database. Under database.clone: thin, clone is \"thin\" and the database is a copy-on-write copy of the golden cluster (golden_dir) in cluster_dir, run by a PostgreSQL of its own sized by shared_buffers and max_connections."
  type = object({
    name                = string
    role                = string
    template            = string
    source              = string
    objects_owner       = string
    migrations          = string
    migrations_revision = string
    anonymize           = string
    clone               = optional(string)
    cluster_dir         = optional(string)
    golden_dir          = optional(string)
    shared_buffers      = optional(string)
    max_connections     = optional(number)
  })
  default = null
}

variable "golden" {
  description = "The golden, which only the baseline builds: from a SQL file or a postgres:// URL. Under database.clone: thin (clone = \"thin\"), a stopped cluster of its own in cluster_dir."
  type = object({
    name          = string
    objects_owner = string
    source        = string
    anonymize     = string
    clone         = optional(string)
    cluster_dir   = optional(string)
  })
  default = null
}

variable "services" {
  description = "The services the environment runs itself, by name. DATABASE_URL is added to each one's environment when there is a database."
  type = map(object({
    command     = string
    dir         = string
    environment = map(string)
    health      = string
    log_dir     = string
    revision    = string
  }))
  default = {}
}

variable "route" {
  description = "The local router's entry for the environment."
  type = object({
    routes_dir  = string
    entry       = string
    router_addr = string
  })
}

variable "urls" {
  description = "The router's URLs of the environment's entry and of each service."
  type = object({
    entry    = string
    services = map(string)
  })
}
