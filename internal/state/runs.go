package state

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/url"
	"path"
	"strings"
	"time"

	"gocloud.dev/blob"
	"gocloud.dev/gcerrors"

	"github.com/prenv/prenv/automation"
)

// RunRecord is prenv's provenance record of one operation on a stack: who
// runs it, where, since when, and for which GitHub Actions run. Pulumi's
// lock file holds only user, host, pid and time, and prenv cannot add to
// it, so prenv writes this record beside it when the operation starts and
// removes it when the operation ends. A run killed with kill -9 leaves it
// behind, which is what lets the next run tell whose lock it finds.
type RunRecord struct {
	Key     string // the record's key under the backend's root; set by WriteRun and Runs
	Stack   string
	User    string
	Host    string
	PID     int
	Started time.Time
	Run     automation.RunInfo // zero outside GitHub Actions
}

// runFile is a RunRecord as it is stored: a small JSON object.
type runFile struct {
	Stack   string    `json:"stack"`
	User    string    `json:"user"`
	Host    string    `json:"host"`
	PID     int       `json:"pid"`
	Started time.Time `json:"started"`
	Repo    string    `json:"repository,omitempty"`
	RunID   int64     `json:"run_id,omitempty"`
	Attempt int       `json:"run_attempt,omitempty"`
	Job     string    `json:"job,omitempty"`
}

// runsDir is where prenv keeps the records of a project's stacks, a
// directory per stack, under a prefix of its own beside pulumi's .pulumi.
func runsDir(project, stack string) string {
	return path.Join(".prenv/runs", project, stack)
}

// WriteRun stores r for project's stack r.Stack under a key of its own
// (the host, the pid and a random part, so concurrent operations of one
// process keep a record each) and returns it with Key set.
func (b *Backend) WriteRun(ctx context.Context, project string, r RunRecord) (RunRecord, error) {
	suffix := make([]byte, 4)
	if _, err := rand.Read(suffix); err != nil {
		return r, err
	}
	r.Key = path.Join(runsDir(project, r.Stack), fmt.Sprintf("%s.%d.%s.json", url.PathEscape(r.Host), r.PID, hex.EncodeToString(suffix)))
	data, err := json.Marshal(runFile{
		Stack: r.Stack, User: r.User, Host: r.Host, PID: r.PID, Started: r.Started.UTC(),
		Repo: r.Run.Repo, RunID: r.Run.RunID, Attempt: r.Run.Attempt, Job: r.Run.Job,
	})
	if err != nil {
		return r, err
	}
	if err := b.bucket.WriteAll(ctx, r.Key, data, &blob.WriterOptions{ContentType: "application/json"}); err != nil {
		return r, &WriteError{URL: b.url(r.Key), Err: err}
	}
	return r, nil
}

// Runs returns the records of project's stack: one listing and one read
// per record. A record that cannot be parsed, such as one a run was
// killed while writing, is left out: it traces no lock.
func (b *Backend) Runs(ctx context.Context, project, stack string) ([]RunRecord, error) {
	files, err := b.list(ctx, runsDir(project, stack)+"/", "/")
	if err != nil {
		return nil, err
	}
	var runs []RunRecord
	for _, f := range files {
		if f.IsDir || !strings.HasSuffix(f.Key, ".json") {
			continue
		}
		data, err := b.bucket.ReadAll(ctx, f.Key)
		if gcerrors.Code(err) == gcerrors.NotFound {
			continue // its run ended since the listing
		}
		if err != nil {
			return nil, &ReadError{URL: b.url(f.Key), Err: err}
		}
		var rf runFile
		if json.Unmarshal(data, &rf) != nil {
			continue
		}
		runs = append(runs, RunRecord{
			Key: f.Key, Stack: rf.Stack, User: rf.User, Host: rf.Host, PID: rf.PID, Started: rf.Started,
			Run: automation.RunInfo{Repo: rf.Repo, RunID: rf.RunID, Attempt: rf.Attempt, Job: rf.Job},
		})
	}
	return runs, nil
}

// RemoveRun deletes a record. One already gone is no error.
func (b *Backend) RemoveRun(ctx context.Context, r RunRecord) error {
	if err := b.bucket.Delete(ctx, r.Key); err != nil && gcerrors.Code(err) != gcerrors.NotFound {
		return &WriteError{URL: b.url(r.Key), Err: err}
	}
	return nil
}
