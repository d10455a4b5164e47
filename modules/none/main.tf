# The none target: one resource that holds the environment's name, so the
# whole lifecycle (workspaces, locks, outputs, destroy) runs anywhere.

terraform {
  required_version = ">= 1.5.0"
  backend "local" {}
}

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

resource "terraform_data" "env" {
  input = var.env_name
}

# The environment's lifetime, which prenv extend updates on its own
# (apply -target), so the reaper reads the new expiry from the outputs.
resource "terraform_data" "prenv_lifetime" {
  input = {
    created_at = var.created_at
    expires_at = var.expires_at
  }
}

output "env" {
  value = terraform_data.env.output
}

output "pr" {
  value = var.pr_number
}

output "expiresAt" {
  value = terraform_data.prenv_lifetime.output.expires_at
}

output "prenv__created-at" {
  description = "prenv:created-at, which the reaper reads."
  value       = terraform_data.prenv_lifetime.output.created_at
}

output "prenv__expires-at" {
  description = "prenv:expires-at, which the reaper reads."
  value       = terraform_data.prenv_lifetime.output.expires_at
}
