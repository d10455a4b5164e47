package session

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

// Passphrase returns PULUMI_CONFIG_PASSPHRASE (or the file
// PULUMI_CONFIG_PASSPHRASE_FILE names), or for local use a generated one
// kept in <home>/passphrase with mode 0600. In CI a missing one is refused.
func (h Host) Passphrase(home string) (string, error) {
	if p := h.Getenv("PULUMI_CONFIG_PASSPHRASE"); p != "" {
		return p, nil
	}
	if file := h.Getenv("PULUMI_CONFIG_PASSPHRASE_FILE"); file != "" {
		data, err := os.ReadFile(file)
		if err != nil {
			return "", fmt.Errorf("read PULUMI_CONFIG_PASSPHRASE_FILE: %w", err)
		}
		return strings.TrimSpace(string(data)), nil
	}
	return h.localSecret(filepath.Join(home, "passphrase"),
		"PULUMI_CONFIG_PASSPHRASE is not set: in CI, pass it from a secret so every run can open the stacks",
		"PULUMI_CONFIG_PASSPHRASE is not set; generated one for local use in %s (mode 0600)")
}

// Salt returns the key of the blueprint's deterministic anonymisation:
// the variable database.anonymize.salt-env names, which must then be set;
// else PRENV_ANONYMIZE_SALT; else, for local use only, one generated into
// <home>/anonymize-salt (mode 0600). In CI a missing salt is refused: a
// salt that changes between runs would break determinism.
func (h Host) Salt(bp *stacks.Blueprint, home string) (string, error) {
	if len(bp.Database.Anonymize.Rules) == 0 {
		return "", nil
	}
	if name := bp.Database.Anonymize.SaltEnv; name != "" {
		if v := h.Getenv(name); v != "" {
			return v, nil
		}
		return "", stacks.Input(fmt.Errorf("database.anonymize.salt-env names %s, which is not set: export it (in CI, from a secret)", name))
	}
	if v := h.Getenv(stacks.DefaultSaltEnv); v != "" {
		return v, nil
	}
	return h.localSecret(filepath.Join(home, "anonymize-salt"),
		fmt.Sprintf("no anonymisation salt: set %s from a secret, or name another variable in database.anonymize.salt-env", stacks.DefaultSaltEnv),
		stacks.DefaultSaltEnv+" is not set; generated an anonymisation salt for local use in %s (mode 0600)")
}

// localSecret reads the secret kept at path, or outside CI generates one
// there (mode 0600) and says so.
func (h Host) localSecret(path, inCI, generated string) (string, error) {
	data, err := os.ReadFile(path)
	if err == nil {
		return strings.TrimSpace(string(data)), nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("read %s: %w", path, err)
	}
	if h.Getenv("CI") == "true" {
		return "", stacks.Input(errors.New(inCI))
	}
	buf := make([]byte, 32)
	_, _ = rand.Read(buf)
	secret := base64.RawURLEncoding.EncodeToString(buf)
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return "", err
	}
	if err := atomicfile.Write(path, []byte(secret+"\n"), 0o600); err != nil {
		return "", err
	}
	h.notice(fmt.Sprintf(generated, path))
	return secret, nil
}
