package modules

import (
	"embed"
	"fmt"
	"io/fs"
	"slices"
	"strings"
)

//go:embed none/*.tf local/*.tf aws/*.tf
var files embed.FS

// Names lists the embedded modules, one per target.
func Names() []string { return []string{"aws", "local", "none"} }

// For returns the module of target, its *.tf files at the top.
func For(target string) (fs.FS, error) {
	if !slices.Contains(Names(), target) {
		return nil, fmt.Errorf("no Terraform module for target %q: use one of %s", target, strings.Join(Names(), ", "))
	}
	return fs.Sub(files, target)
}
