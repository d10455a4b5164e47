// Module tofu pins the OpenTofu CLI that prenv's Terraform engine uses when
// no terraform is installed. `make tools` builds it from this module into
// ./bin only then; its go.sum is filled on that first build.
module github.com/prenv/prenv/internal/tools/tofu

go 1.26

tool github.com/opentofu/opentofu/cmd/tofu

require github.com/opentofu/opentofu v1.10.6
