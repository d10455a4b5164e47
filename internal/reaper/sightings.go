package reaper

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/prenv/prenv/internal/atomicfile"
)

// sightings are when each orphan (by its Key) was first seen.
type sightings map[string]time.Time

// first is when key was first seen, or now if it never was.
func (s sightings) first(key string, now time.Time) time.Time {
	if t, ok := s[key]; ok {
		return t
	}
	return now.UTC()
}

// keep adds the sightings of earlier that s lacks.
func (s sightings) keep(earlier sightings) {
	for k, t := range earlier {
		if _, ok := s[k]; !ok {
			s[k] = t
		}
	}
}

func readSightings(path string) (sightings, error) {
	seen := sightings{}
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return seen, nil
	}
	if err == nil {
		err = json.Unmarshal(data, &seen)
	}
	if err != nil {
		return nil, fmt.Errorf("read the orphan sightings %s: %w; delete the file to start the grace periods anew", path, err)
	}
	return seen, nil
}

func writeSightings(path string, seen sightings) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	data, err := json.MarshalIndent(seen, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.Write(path, data, 0o600)
}
