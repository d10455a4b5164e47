package stub

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// FilesDir is the directory, beside the mapping files (or beside mappings/
// in a WireMock root), that bodyFileName is relative to.
const FilesDir = "__files"

// Set is a directory of mappings, loaded and checked, and the files a stub
// serves them from.
type Set struct {
	// Dir is the directory Load was given.
	Dir string
	// Mappings are in the order they are tried (see Mapping.Priority).
	Mappings []*Mapping
	// Files are the mapping files and the body files they name, by path.
	Files []File
}

// File is one file of a Set: its path under the set's directory, with
// slashes, and its content.
type File struct {
	Path string
	Data []byte
}

// Load reads the mappings under dir: every *.json file in it (and in its
// subdirectories, but for __files), or in dir/mappings when dir is a
// WireMock root with a mappings directory. Body files are read from
// __files beside them. Every mapping prenv cannot serve faithfully is
// reported, naming its file and field, in one *LoadError.
func Load(dir string) (*Set, error) {
	info, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, &LoadError{Dir: dir, Errs: []error{fmt.Errorf("stub mappings directory %s not found: create it with WireMock mapping files (prenv stub record writes them)", dir)}}
	case err != nil:
		return nil, &LoadError{Dir: dir, Errs: []error{err}}
	case !info.IsDir():
		return nil, &LoadError{Dir: dir, Errs: []error{fmt.Errorf("stub mappings %s is a file, not a directory of mapping files", dir)}}
	}
	mappingsDir, skip := dir, filepath.Join(dir, FilesDir)
	if sub, err := os.Stat(filepath.Join(dir, "mappings")); err == nil && sub.IsDir() {
		mappingsDir = filepath.Join(dir, "mappings")
	}
	set := &Set{Dir: dir}
	var errs []error
	err = filepath.WalkDir(mappingsDir, func(p string, d fs.DirEntry, err error) error {
		switch {
		case err != nil:
			return err
		case d.IsDir() && p == skip:
			return filepath.SkipDir
		case d.IsDir() || !strings.HasSuffix(d.Name(), ".json"):
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel := relSlash(dir, p)
		set.Files = append(set.Files, File{Path: rel, Data: data})
		ps := &parser{file: p, rel: rel}
		for _, m := range ps.parseFile(data) {
			m.order = len(set.Mappings)
			set.Mappings = append(set.Mappings, m)
		}
		errs = append(errs, ps.errs...)
		return nil
	})
	if err != nil {
		return nil, &LoadError{Dir: dir, Errs: []error{fmt.Errorf("read stub mappings in %s: %w", dir, err)}}
	}
	errs = append(errs, set.readBodies()...)
	if len(errs) == 0 && len(set.Mappings) == 0 {
		errs = append(errs, fmt.Errorf("stub mappings directory %s holds no mapping (*.json files): add WireMock mapping files, or record them with prenv stub record", dir))
	}
	if len(errs) > 0 {
		return nil, &LoadError{Dir: dir, Errs: errs}
	}
	sortMappings(set.Mappings)
	return set, nil
}

// readBodies reads each bodyFileName from __files, once per file.
func (s *Set) readBodies() []error {
	var errs []error
	read := map[string][]byte{}
	for _, m := range s.Mappings {
		r := &m.response
		if r.bodyFile == "" {
			continue
		}
		name := filepath.FromSlash(r.bodyFile)
		if !filepath.IsLocal(name) {
			errs = append(errs, &MappingError{File: filepath.Join(s.Dir, m.File), Field: r.bodyFileField, Msg: fmt.Sprintf("%q must be a path inside %s, without a leading / or ..", r.bodyFile, FilesDir)})
			continue
		}
		p := filepath.Join(s.Dir, FilesDir, name)
		if data, ok := read[p]; ok {
			r.body = data
			continue
		}
		data, err := os.ReadFile(p)
		if err != nil {
			errs = append(errs, &MappingError{File: filepath.Join(s.Dir, m.File), Field: r.bodyFileField, Msg: fmt.Sprintf("names %s, which cannot be read (%v): put the body there or fix the name", p, errors.Unwrap(err))})
			continue
		}
		read[p], r.body = data, data
		s.Files = append(s.Files, File{Path: relSlash(s.Dir, p), Data: data})
	}
	return errs
}

// Revision fingerprints the set's files, so a change to any of them is
// seen: the local target restarts the stub, the aws target rolls its pod.
func (s *Set) Revision() string {
	h := sha256.New()
	for _, f := range s.Files {
		fmt.Fprintf(h, "%s\x00%d\x00", f.Path, len(f.Data))
		h.Write(f.Data)
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

func relSlash(dir, p string) string {
	rel, err := filepath.Rel(dir, p)
	if err != nil {
		return filepath.ToSlash(p)
	}
	return path.Clean(filepath.ToSlash(rel))
}
