output "url" {
  description = "The environment's entry through the local router."
  value       = var.urls.entry
}

output "url__" {
  description = "Each service's URL through the router: prenv shows url__ = {web = ...} as url:web."
  value       = var.urls.services
}

output "database" {
  description = "The environment's database; none without one."
  value       = var.database == null ? null : var.database.name
}

output "databaseUrl" {
  description = "The database URL of the environment's own role, read from what `prenv local database create` made; none without a database."
  sensitive   = true
  # Unknown until the database exists, so a new one's URL is read at apply.
  value = var.database == null ? null : terraform_data.database[0].id == "" ? "" : try(jsondecode(file(local.database_state)).URL, "")
}

output "prenv__created-at" {
  description = "prenv:created-at, which the reaper reads."
  value       = terraform_data.prenv_lifetime.output.created_at
}

output "prenv__expires-at" {
  description = "prenv:expires-at, which the reaper reads."
  value       = terraform_data.prenv_lifetime.output.expires_at
}
