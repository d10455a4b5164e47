package local

import (
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/prenv/prenv/internal/pg"
	"github.com/prenv/prenv/internal/proc"
	"github.com/prenv/prenv/internal/reflink"
)

// ClonesStatus is where thin clones live, what database.clone: auto picks
// on this machine, and the goldens they are copied from.
type ClonesStatus struct {
	Dir     string         `json:"dir"`
	Auto    CloneChoice    `json:"auto"`
	Goldens []GoldenStatus `json:"goldens"`
}

// GoldenStatus is one project's golden cluster under clone: thin.
type GoldenStatus struct {
	Project   string `json:"project"`
	Dir       string `json:"dir"`
	SizeBytes int64  `json:"size_bytes"`
}

// PostmasterStatus is the PostgreSQL of one environment's thin clone.
type PostmasterStatus struct {
	Project string `json:"project"`
	Env     string `json:"env"`
	Dir     string `json:"dir"`
	Running bool   `json:"running"`
	PID     int    `json:"pid,omitempty"`
	Port    int    `json:"port,omitempty"`
	// RSSBytes is the resident memory of the postmaster and its processes,
	// each page they share counted once (their summed PSS).
	RSSBytes int64 `json:"rss_bytes"`
	// OwnedBytes is the disk the clone holds beyond the blocks it still
	// shares with the golden (and other clones): what its writes cost.
	OwnedBytes int64 `json:"owned_bytes"`
}

// clonesStatus reads ThinDir: the method auto picks, and the goldens.
func (m Machine) clonesStatus() (ClonesStatus, error) {
	cs := ClonesStatus{Dir: m.ThinDir, Goldens: []GoldenStatus{}}
	var err error
	if cs.Auto, err = m.ChooseClone(""); err != nil {
		return cs, err
	}
	for _, dir := range m.thinClusters() {
		if filepath.Base(dir) != thinGolden {
			continue
		}
		st, err := (&pg.Cluster{Dir: dir}).Status()
		if err != nil {
			return cs, err
		}
		cs.Goldens = append(cs.Goldens, GoldenStatus{Project: filepath.Base(filepath.Dir(dir)), Dir: dir, SizeBytes: st.SizeBytes})
	}
	return cs, nil
}

// postmasters reads each environment's thin clone under ThinDir: whether
// its PostgreSQL runs, its memory and the disk it owns.
func (m Machine) postmasters() []PostmasterStatus {
	var out []PostmasterStatus
	for _, dir := range m.thinClusters() {
		env := filepath.Base(dir)
		if env == thinGolden {
			continue
		}
		pm := PostmasterStatus{Project: filepath.Base(filepath.Dir(dir)), Env: env, Dir: dir}
		if st, err := (&pg.Cluster{Dir: dir}).Status(); err == nil {
			pm.Running, pm.PID, pm.Port = st.Running, st.PID, st.Port
		}
		if pm.Running {
			pm.RSSBytes, _ = proc.Memory(pm.PID)
		}
		pm.OwnedBytes, _ = reflink.OwnedBytes(filepath.Join(dir, "data"))
		out = append(out, pm)
	}
	return out
}

// thinClusters lists the cluster directories under ThinDir:
// <project>/golden and <project>/<env>, without a rebuild's golden.next.
func (m Machine) thinClusters() []string {
	dirs, _ := filepath.Glob(filepath.Join(m.ThinDir, "*", "*"))
	out := dirs[:0]
	for _, d := range dirs {
		if fi, err := os.Stat(d); err == nil && fi.IsDir() && !strings.Contains(filepath.Base(d), ".") {
			out = append(out, d)
		}
	}
	slices.Sort(out)
	return out
}
