package local

import (
	"maps"
	"testing"

	p "github.com/pulumi/pulumi-go-provider"
)

func TestDatabaseChanges(t *testing.T) {
	t.Parallel()
	base := DatabaseArgs{Name: "prenv_shop_pr_1", Role: "prenv_shop_pr_1", Clone: "thin", SharedBuffers: "16MB", MaxConnections: 40, MigrationsRevision: "r1"}
	tests := []struct {
		name string
		edit func(*DatabaseArgs)
		want map[string]p.DiffKind
	}{
		{"nothing", func(*DatabaseArgs) {}, map[string]p.DiffKind{}},
		{"sizes restart", func(a *DatabaseArgs) { a.SharedBuffers, a.MaxConnections = "64MB", 80 },
			map[string]p.DiffKind{"sharedBuffers": p.Update, "maxConnections": p.Update}},
		{"a new migration makes a new clone", func(a *DatabaseArgs) { a.MigrationsRevision = "r2" },
			map[string]p.DiffKind{"migrationsRevision": p.UpdateReplace}},
		{"a move to template makes a new clone", func(a *DatabaseArgs) { a.Clone, a.SharedBuffers, a.MaxConnections = "", "", 0 },
			map[string]p.DiffKind{"clone": p.UpdateReplace, "sharedBuffers": p.Update, "maxConnections": p.Update}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			next := base
			tt.edit(&next)
			if got := databaseChanges(base, next); !maps.Equal(got, tt.want) {
				t.Errorf("databaseChanges = %v, want %v", got, tt.want)
			}
		})
	}
}
