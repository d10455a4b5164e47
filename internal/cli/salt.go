package cli

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/prenv/prenv/internal/atomicfile"
	"github.com/prenv/prenv/stacks"
)

// salt returns the key of the blueprint's deterministic anonymisation:
// the variable database.anonymize.salt-env names, which must then be set;
// else PRENV_ANONYMIZE_SALT; else, for local use only, one generated
// into <home>/anonymize-salt (mode 0600). In CI a missing salt is refused:
// a salt that changes between runs would break determinism.
func (a *App) salt(bp *stacks.Blueprint, home string) (string, error) {
	if len(bp.Database.Anonymize.Rules) == 0 {
		return "", nil
	}
	if name := bp.Database.Anonymize.SaltEnv; name != "" {
		if v := a.Getenv(name); v != "" {
			return v, nil
		}
		return "", usage(fmt.Errorf("database.anonymize.salt-env names %s, which is not set: export it (in CI, from a secret)", name))
	}
	if v := a.Getenv(stacks.DefaultSaltEnv); v != "" {
		return v, nil
	}
	path := filepath.Join(home, "anonymize-salt")
	data, err := os.ReadFile(path)
	if err == nil {
		return strings.TrimSpace(string(data)), nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("read %s: %w", path, err)
	}
	if a.Getenv("CI") == "true" {
		return "", usage(fmt.Errorf("no anonymisation salt: set %s from a secret, or name another variable in database.anonymize.salt-env", stacks.DefaultSaltEnv))
	}
	buf := make([]byte, 32)
	_, _ = rand.Read(buf)
	salt := base64.RawURLEncoding.EncodeToString(buf)
	if err := atomicfile.Write(path, []byte(salt+"\n"), 0o600); err != nil {
		return "", err
	}
	a.notice(fmt.Sprintf("%s is not set; generated an anonymisation salt for local use in %s (mode 0600)", stacks.DefaultSaltEnv, path))
	return salt, nil
}
