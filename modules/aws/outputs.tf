output "url" {
  description = "The environment's public URL."
  value       = "https://${local.host}"
}

output "namespace" {
  description = "The environment's Kubernetes namespace."
  value       = local.ns
}

output "services" {
  description = "The services the environment runs itself."
  value       = keys(var.services)
}

output "databaseEndpoint" {
  description = "The host of the environment's database; none without one."
  value       = local.db_endpoint
}

output "expiresAt" {
  description = "When the reaper may remove the environment."
  value       = terraform_data.prenv_lifetime.output.expires_at
}

output "prenv__created-at" {
  description = "prenv:created-at, which the reaper reads."
  value       = terraform_data.prenv_lifetime.output.created_at
}

output "prenv__expires-at" {
  description = "prenv:expires-at, which the reaper reads."
  value       = terraform_data.prenv_lifetime.output.expires_at
}
