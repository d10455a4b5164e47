package testenv

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// GitHub is a local server that speaks the part of GitHub's REST API prenv
// uses, keeps what is written to it, records every call, and fails calls
// on request. Point GITHUB_API_URL at its URL.
type GitHub struct {
	URL   string
	Repo  string // owner/name it serves
	Token string // the bearer token it accepts

	mu          sync.Mutex
	calls       []Call
	pulls       map[int]*FakePR
	comments    []*FakeComment
	deployments []*FakeDeployment
	runs        map[int64]*FakeRun
	faults      []fault
	nextID      int64
}

// Call is one request the server received.
type Call struct {
	Method, Path, Query string
	Auth                string // the Authorization header
}

// FakePR is a pull request the server knows.
type FakePR struct {
	Number   int
	State    string // open (default) or closed
	Draft    bool
	HeadRepo string // defaults to the served repository
	HeadSHA  string
	Title    string
	Branch   string
	Labels   []string
	// Unlisted keeps an open PR out of the open-PR listing, as a listing
	// whose pages shifted while it was read would miss it.
	Unlisted bool
	// Files are the paths the PR changes, as its files listing gives them;
	// Renames maps a renamed file's new path to its old one.
	Files   []string
	Renames map[string]string
}

// FakeComment is an issue comment written to the server.
type FakeComment struct {
	ID   int64
	PR   int
	Body string
	// Author and AuthorType are who wrote it: the Actions token writes
	// as github-actions[bot], a Bot.
	Author, AuthorType string
}

// FakeRun is a workflow run the server knows.
type FakeRun struct {
	ID         int64
	Attempt    int    // the latest attempt; defaults to 1
	Status     string // queued, in_progress (default) or completed
	Conclusion string // cancelled, success, ... once completed
}

// FakeDeployment is a deployment and the states it went through.
type FakeDeployment struct {
	ID          int64
	Environment string
	Ref         string
	States      []string
	URL         string // the last environment_url given
}

type fault struct {
	method, path string // path prefix; method "" matches any
	query        string // substring of the raw query; "" matches any
	status       int    // 0 with truncate: a cut-off JSON body
	truncate     bool
	times        int // how often; -1 forever
}

// NewGitHub starts a server for repo that accepts token. It stops when the
// test ends.
func NewGitHub(t testing.TB, repo, token string) *GitHub {
	t.Helper()
	g := &GitHub{Repo: repo, Token: token, pulls: map[int]*FakePR{}, runs: map[int64]*FakeRun{}, nextID: 1000}
	mux := http.NewServeMux()
	base := "/repos/" + repo
	// An Actions token cannot read /user, as on GitHub.
	mux.HandleFunc("GET /user", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusForbidden, map[string]string{"message": "Resource not accessible by integration"})
	})
	mux.HandleFunc("GET "+base+"/pulls", g.listPulls)
	mux.HandleFunc("GET "+base+"/pulls/{n}", g.getPull)
	mux.HandleFunc("GET "+base+"/pulls/{n}/files", g.listFiles)
	mux.HandleFunc("GET "+base+"/issues/{n}/comments", g.listComments)
	mux.HandleFunc("POST "+base+"/issues/{n}/comments", g.createComment)
	mux.HandleFunc("PATCH "+base+"/issues/comments/{id}", g.editComment)
	mux.HandleFunc("GET "+base+"/deployments", g.listDeployments)
	mux.HandleFunc("POST "+base+"/deployments", g.createDeployment)
	mux.HandleFunc("POST "+base+"/deployments/{id}/statuses", g.createStatus)
	mux.HandleFunc("GET "+base+"/actions/runs/{id}", g.getRun)
	srv := httptest.NewServer(g.serve(mux))
	t.Cleanup(srv.Close)
	g.URL = srv.URL
	return g
}

// serve records the call, checks the token and applies faults.
func (g *GitHub) serve(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		g.mu.Lock()
		g.calls = append(g.calls, Call{Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery, Auth: r.Header.Get("Authorization")})
		f, faulted := g.fault(r)
		g.mu.Unlock()
		if r.Header.Get("Authorization") != "Bearer "+g.Token {
			writeJSON(w, http.StatusUnauthorized, map[string]string{"message": "Bad credentials"})
			return
		}
		switch {
		case faulted && f.truncate:
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprint(w, `[{"number": 1, "state": "op`)
		case faulted:
			writeJSON(w, f.status, map[string]string{"message": http.StatusText(f.status)})
		default:
			next.ServeHTTP(w, r)
		}
	})
}

// fault finds and uses up the first fault matching r. g.mu is held.
func (g *GitHub) fault(r *http.Request) (fault, bool) {
	for i := range g.faults {
		f := &g.faults[i]
		if f.times == 0 || (f.method != "" && f.method != r.Method) ||
			!strings.HasPrefix(r.URL.Path, "/repos/"+g.Repo+f.path) || !strings.Contains(r.URL.RawQuery, f.query) {
			continue
		}
		if f.times > 0 {
			f.times--
		}
		return *f, true
	}
	return fault{}, false
}

// Fail makes the next times calls of method to the repository path prefix
// (such as "/pulls") answer status; times -1 means every call.
func (g *GitHub) Fail(method, path string, status, times int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.faults = append(g.faults, fault{method: method, path: path, status: status, times: times})
}

// TruncatePage makes every request for page n of the pull request listing
// answer a cut-off JSON body.
func (g *GitHub) TruncatePage(n int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.faults = append(g.faults, fault{method: http.MethodGet, path: "/pulls", query: "page=" + strconv.Itoa(n), truncate: true, times: -1})
}

// AddPR adds or replaces a pull request.
func (g *GitHub) AddPR(pr FakePR) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if pr.State == "" {
		pr.State = "open"
	}
	g.pulls[pr.Number] = &pr
}

// AddRun adds or replaces a workflow run.
func (g *GitHub) AddRun(run FakeRun) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if run.Attempt == 0 {
		run.Attempt = 1
	}
	if run.Status == "" {
		run.Status = "in_progress"
	}
	g.runs[run.ID] = &run
}

// Calls returns the calls received so far.
func (g *GitHub) Calls() []Call {
	g.mu.Lock()
	defer g.mu.Unlock()
	return slices.Clone(g.calls)
}

// CountCalls counts the calls of method whose path ends with suffix.
func (g *GitHub) CountCalls(method, suffix string) int {
	n := 0
	for _, c := range g.Calls() {
		if c.Method == method && strings.HasSuffix(c.Path, suffix) {
			n++
		}
	}
	return n
}

// Comments returns the comments on pr, oldest first.
func (g *GitHub) Comments(pr int) []FakeComment {
	g.mu.Lock()
	defer g.mu.Unlock()
	var out []FakeComment
	for _, c := range g.comments {
		if c.PR == pr {
			out = append(out, *c)
		}
	}
	return out
}

// Deployments returns the deployments of environment env.
func (g *GitHub) Deployments(env string) []FakeDeployment {
	g.mu.Lock()
	defer g.mu.Unlock()
	var out []FakeDeployment
	for _, d := range g.deployments {
		if d.Environment == env {
			c := *d
			c.States = slices.Clone(d.States)
			out = append(out, c)
		}
	}
	return out
}

func (g *GitHub) listPulls(w http.ResponseWriter, r *http.Request) {
	g.mu.Lock()
	var open []map[string]any
	for _, n := range sortedKeys(g.pulls) {
		if pr := g.pulls[n]; !pr.Unlisted && (pr.State == r.URL.Query().Get("state") || r.URL.Query().Get("state") == "all") {
			open = append(open, g.pullJSON(pr))
		}
	}
	g.mu.Unlock()
	g.page(w, r, open)
}

func (g *GitHub) getPull(w http.ResponseWriter, r *http.Request) {
	n, _ := strconv.Atoi(r.PathValue("n"))
	g.mu.Lock()
	pr, ok := g.pulls[n]
	var body map[string]any
	if ok {
		body = g.pullJSON(pr)
	}
	g.mu.Unlock()
	if !ok {
		writeJSON(w, http.StatusNotFound, map[string]string{"message": "Not Found"})
		return
	}
	writeJSON(w, http.StatusOK, body)
}

// maxPRFiles is where GitHub stops listing a pull request's files.
const maxPRFiles = 3000

// listFiles lists a PR's files as GitHub does: paged, and at most
// maxPRFiles of them however many the PR changes.
func (g *GitHub) listFiles(w http.ResponseWriter, r *http.Request) {
	n, _ := strconv.Atoi(r.PathValue("n"))
	g.mu.Lock()
	pr, ok := g.pulls[n]
	var files []map[string]any
	if ok {
		for _, f := range pr.Files[:min(len(pr.Files), maxPRFiles)] {
			file := map[string]any{"filename": f, "status": "modified"}
			if old, renamed := pr.Renames[f]; renamed {
				file["status"], file["previous_filename"] = "renamed", old
			}
			files = append(files, file)
		}
	}
	g.mu.Unlock()
	if !ok {
		writeJSON(w, http.StatusNotFound, map[string]string{"message": "Not Found"})
		return
	}
	g.page(w, r, files)
}

// pullJSON is pr in GitHub's shape. g.mu is held.
func (g *GitHub) pullJSON(pr *FakePR) map[string]any {
	head := pr.HeadRepo
	if head == "" {
		head = g.Repo
	}
	labels := []map[string]string{}
	for _, l := range pr.Labels {
		labels = append(labels, map[string]string{"name": l})
	}
	return map[string]any{
		"number": pr.Number, "state": pr.State, "draft": pr.Draft, "title": pr.Title, "labels": labels, "changed_files": len(pr.Files),
		"head": map[string]any{"sha": pr.HeadSHA, "ref": pr.Branch, "repo": map[string]string{"full_name": head}},
		"base": map[string]any{"ref": "main", "repo": map[string]string{"full_name": g.Repo}},
	}
}

func (g *GitHub) getRun(w http.ResponseWriter, r *http.Request) {
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	g.mu.Lock()
	run, ok := g.runs[id]
	var body map[string]any
	if ok {
		var conclusion any // null until the run completes, as on GitHub
		if run.Conclusion != "" {
			conclusion = run.Conclusion
		}
		body = map[string]any{"id": run.ID, "run_attempt": run.Attempt, "status": run.Status, "conclusion": conclusion,
			"repository": map[string]string{"full_name": g.Repo}}
	}
	g.mu.Unlock()
	if !ok {
		writeJSON(w, http.StatusNotFound, map[string]string{"message": "Not Found"})
		return
	}
	writeJSON(w, http.StatusOK, body)
}

func (g *GitHub) listComments(w http.ResponseWriter, r *http.Request) {
	n, _ := strconv.Atoi(r.PathValue("n"))
	var out []map[string]any
	for _, c := range g.Comments(n) {
		out = append(out, g.commentJSON(c))
	}
	g.page(w, r, out)
}

func (g *GitHub) createComment(w http.ResponseWriter, r *http.Request) {
	n, _ := strconv.Atoi(r.PathValue("n"))
	var in struct{ Body string }
	if !readJSON(w, r, &in) {
		return
	}
	g.mu.Lock()
	g.nextID++
	c := &FakeComment{ID: g.nextID, PR: n, Body: in.Body, Author: "github-actions[bot]", AuthorType: "Bot"}
	g.comments = append(g.comments, c)
	g.mu.Unlock()
	writeJSON(w, http.StatusCreated, g.commentJSON(*c))
}

func (g *GitHub) editComment(w http.ResponseWriter, r *http.Request) {
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	var in struct{ Body string }
	if !readJSON(w, r, &in) {
		return
	}
	g.mu.Lock()
	var found *FakeComment
	for _, c := range g.comments {
		if c.ID == id {
			c.Body, found = in.Body, c
		}
	}
	g.mu.Unlock()
	if found == nil {
		writeJSON(w, http.StatusNotFound, map[string]string{"message": "Not Found"})
		return
	}
	writeJSON(w, http.StatusOK, g.commentJSON(*found))
}

func (g *GitHub) commentJSON(c FakeComment) map[string]any {
	return map[string]any{"id": c.ID, "body": c.Body, "html_url": fmt.Sprintf("%s/%s/pull/%d#issuecomment-%d", g.URL, g.Repo, c.PR, c.ID),
		"user": map[string]string{"login": c.Author, "type": c.AuthorType}}
}

// AddComment adds a comment on pr written by author, a User or a Bot.
func (g *GitHub) AddComment(pr int, body, author, authorType string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.nextID++
	g.comments = append(g.comments, &FakeComment{ID: g.nextID, PR: pr, Body: body, Author: author, AuthorType: authorType})
}

func (g *GitHub) listDeployments(w http.ResponseWriter, r *http.Request) {
	var out []map[string]any
	for _, d := range g.Deployments(r.URL.Query().Get("environment")) {
		out = append(out, map[string]any{"id": d.ID, "environment": d.Environment, "ref": d.Ref})
	}
	g.page(w, r, out)
}

func (g *GitHub) createDeployment(w http.ResponseWriter, r *http.Request) {
	var in struct{ Ref, Environment string }
	if !readJSON(w, r, &in) {
		return
	}
	g.mu.Lock()
	g.nextID++
	d := &FakeDeployment{ID: g.nextID, Environment: in.Environment, Ref: in.Ref}
	g.deployments = append(g.deployments, d)
	g.mu.Unlock()
	writeJSON(w, http.StatusCreated, map[string]any{"id": d.ID, "environment": d.Environment, "ref": d.Ref})
}

func (g *GitHub) createStatus(w http.ResponseWriter, r *http.Request) {
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	var in struct {
		State          string
		EnvironmentURL string `json:"environment_url"`
	}
	if !readJSON(w, r, &in) {
		return
	}
	g.mu.Lock()
	var found *FakeDeployment
	for _, d := range g.deployments {
		if d.ID == id {
			found = d
			d.States = append(d.States, in.State)
			if in.EnvironmentURL != "" {
				d.URL = in.EnvironmentURL
			}
		}
	}
	g.nextID++
	statusID := g.nextID
	g.mu.Unlock()
	if found == nil {
		writeJSON(w, http.StatusNotFound, map[string]string{"message": "Not Found"})
		return
	}
	writeJSON(w, http.StatusCreated, map[string]any{"id": statusID, "state": in.State})
}

// page serves one page of items as GitHub does: per_page (default 30,
// at most 100), page from 1, and a Link header naming the next page.
func (g *GitHub) page(w http.ResponseWriter, r *http.Request, items []map[string]any) {
	q := r.URL.Query()
	per, _ := strconv.Atoi(q.Get("per_page"))
	if per <= 0 {
		per = 30
	}
	per = min(per, 100)
	page, _ := strconv.Atoi(q.Get("page"))
	page = max(page, 1)
	start := min((page-1)*per, len(items))
	end := min(start+per, len(items))
	if end < len(items) {
		q.Set("page", strconv.Itoa(page+1))
		w.Header().Set("Link", fmt.Sprintf(`<%s%s?%s>; rel="next"`, g.URL, r.URL.Path, q.Encode()))
	}
	out := items[start:end]
	if out == nil {
		out = []map[string]any{}
	}
	writeJSON(w, http.StatusOK, out)
}

func sortedKeys[V any](m map[int]V) []int {
	keys := make([]int, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func readJSON(w http.ResponseWriter, r *http.Request, v any) bool {
	if err := json.NewDecoder(r.Body).Decode(v); err != nil {
		writeJSON(w, http.StatusUnprocessableEntity, map[string]string{"message": "Problems parsing JSON"})
		return false
	}
	return true
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v) //nolint:errcheck // the client sees a short body
}
