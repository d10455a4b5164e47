# A gate for the engine tests: each up replaces one resource whose
# provisioner marks that it is inside, holds, and leaves. An entry that
# finds another run inside records an overlap.

terraform {
  backend "local" {}
}

variable "pr_number" { type = number }
variable "env_name" { type = string }
variable "git_sha" { type = string }
variable "created_at" { type = string }
variable "expires_at" { type = string }
variable "run" { type = string }
variable "dir" { type = string }
variable "hold" { type = number }

resource "terraform_data" "gate" {
  triggers_replace = var.run
  input            = var.env_name

  provisioner "local-exec" {
    interpreter = ["/bin/sh", "-c"]
    command     = <<-EOT
      touch "$GATE_DIR/entered"
      mkdir "$GATE_DIR/inside" 2>/dev/null || touch "$GATE_DIR/overlap"
      sleep "$GATE_HOLD" </dev/null >/dev/null 2>&1 &
      wait $!
      rmdir "$GATE_DIR/inside"
    EOT
    environment = {
      GATE_DIR  = var.dir
      GATE_HOLD = var.hold
    }
  }
}

output "env" {
  value = terraform_data.gate.output
}

resource "terraform_data" "prenv_lifetime" {
  input = {
    created_at = var.created_at
    expires_at = var.expires_at
  }
}

output "prenv__created-at" {
  value = terraform_data.prenv_lifetime.output.created_at
}

output "prenv__expires-at" {
  value = terraform_data.prenv_lifetime.output.expires_at
}
