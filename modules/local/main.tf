# The local target in Terraform: the same environment as prenv's Pulumi
# local program, made with built-ins only, so it runs offline. Each
# resource is a terraform_data whose create-time and destroy-time
# local-exec provisioners run a hidden `prenv local` command with the
# resource's spec as one JSON argument: an argv, with no shell to parse it.

terraform {
  required_version = ">= 1.5.0"
  backend "local" {}
}

locals {
  # Attributes left null (the thin-clone ones, for a template clone) are
  # left out of the specs, so a spec, and the trigger it is, stays the same.
  golden_spec = var.golden == null ? null : jsonencode(merge({ for k, v in var.golden : k => v if v != null }, {
    state               = "${var.state_dir}/golden.json"
    golden              = true
    role                = ""
    template            = ""
    migrations          = ""
    migrations_revision = ""
  }))
  database_state = "${var.state_dir}/database.json"
  database_spec  = var.database == null ? null : jsonencode(merge({ for k, v in var.database : k => v if v != null }, { state = local.database_state, golden = false }))
}

resource "terraform_data" "golden" {
  count            = var.golden == null ? 0 : 1
  triggers_replace = local.golden_spec
  input            = { prenv = var.prenv, spec = local.golden_spec }

  provisioner "local-exec" {
    interpreter = [self.input.prenv, "local", "database", "create"]
    command     = self.input.spec
  }

  provisioner "local-exec" {
    when        = destroy
    interpreter = [self.input.prenv, "local", "database", "delete"]
    command     = self.input.spec
  }
}

resource "terraform_data" "database" {
  count            = var.database == null ? 0 : 1
  triggers_replace = local.database_spec
  input            = { prenv = var.prenv, spec = local.database_spec }
  depends_on       = [terraform_data.golden]

  provisioner "local-exec" {
    interpreter = [self.input.prenv, "local", "database", "create"]
    command     = self.input.spec
  }

  provisioner "local-exec" {
    when        = destroy
    interpreter = [self.input.prenv, "local", "database", "delete"]
    command     = self.input.spec
  }
}

resource "terraform_data" "service" {
  for_each = var.services
  # A new database (so a new DATABASE_URL) or a changed service restarts it.
  triggers_replace = [join(",", terraform_data.database[*].id), jsonencode(each.value)]
  input = {
    prenv = var.prenv
    spec = jsonencode(merge(each.value, {
      state    = "${var.state_dir}/service-${each.key}.json"
      database = var.database == null ? "" : local.database_state
      env      = var.env_name
      name     = each.key
    }))
  }

  provisioner "local-exec" {
    interpreter = [self.input.prenv, "local", "service", "start"]
    command     = self.input.spec
  }

  provisioner "local-exec" {
    when        = destroy
    interpreter = [self.input.prenv, "local", "service", "stop"]
    command     = self.input.spec
  }
}

resource "terraform_data" "route" {
  triggers_replace = [for name, s in terraform_data.service : s.id]
  input = {
    prenv = var.prenv
    spec = jsonencode(merge(var.route, {
      env      = var.env_name
      services = { for name, _ in var.services : name => "${var.state_dir}/service-${name}.json" }
    }))
  }

  provisioner "local-exec" {
    interpreter = [self.input.prenv, "local", "route", "publish"]
    command     = self.input.spec
  }

  provisioner "local-exec" {
    when        = destroy
    interpreter = [self.input.prenv, "local", "route", "remove"]
    command     = self.input.spec
  }
}

# The environment's lifetime, which prenv extend updates on its own
# (apply -target), so the reaper reads the new expiry from the outputs.
resource "terraform_data" "prenv_lifetime" {
  input = {
    created_at = var.created_at
    expires_at = var.expires_at
  }
}
