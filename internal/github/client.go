package github

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	gh "github.com/google/go-github/v74/github"
)

// DefaultAPIURL is GitHub.com's REST API.
const DefaultAPIURL = "https://api.github.com"

// Config says which repository to talk to, where, and as whom.
type Config struct {
	Repo   string // owner/name
	Token  string
	APIURL string // defaults to DefaultAPIURL
	// HTTP is the client requests go through; its transport is wrapped
	// with retries. Defaults to a client with a 30 s timeout.
	HTTP *http.Client
	// RetryBase is the first retry's delay; later ones double. Default 0.5 s.
	RetryBase time.Duration
	// Retries is how often a failed request is retried. Default 3.
	Retries int
}

// Client talks to one repository.
type Client struct {
	gh          *gh.Client
	owner, name string
	repo        string
	calls       *counter
	self        *identity // who the token writes comments as, once known
}

// New returns a client for cfg's repository. It refuses a config without a
// token or with a malformed repository, before any request.
func New(cfg Config) (*Client, error) {
	owner, name, ok := strings.Cut(cfg.Repo, "/")
	if !ok || owner == "" || name == "" || strings.Contains(name, "/") {
		return nil, fmt.Errorf("repository %q is not owner/name: pass --repo owner/name or set GITHUB_REPOSITORY", cfg.Repo)
	}
	if cfg.Token == "" {
		return nil, errors.New("no GitHub token: set GITHUB_TOKEN (in a workflow, pass github-token: ${{ github.token }})")
	}
	api := cfg.APIURL
	if api == "" {
		api = DefaultAPIURL
	}
	base, err := url.Parse(strings.TrimSuffix(api, "/") + "/")
	if err != nil || (base.Scheme != "https" && base.Scheme != "http") || base.Host == "" {
		return nil, fmt.Errorf("GitHub API URL %q is not an http(s) URL: set GITHUB_API_URL such as %s", api, DefaultAPIURL)
	}
	hc := http.Client{Timeout: 30 * time.Second}
	if cfg.HTTP != nil {
		hc = *cfg.HTTP
	}
	calls := &counter{}
	hc.Transport = &retrying{
		next:    hc.Transport,
		base:    orDefault(cfg.RetryBase, 500*time.Millisecond),
		retries: orDefault(cfg.Retries, 3),
		calls:   calls,
	}
	c := gh.NewClient(&hc).WithAuthToken(cfg.Token)
	c.BaseURL = base
	c.UserAgent = "prenv"
	return &Client{gh: c, owner: owner, name: name, repo: cfg.Repo, calls: calls}, nil
}

// Calls is how many HTTP requests the client has made, retries included.
func (c *Client) Calls() int { return int(c.calls.n.Load()) }

// Repo is the owner/name the client talks to.
func (c *Client) Repo() string { return c.repo }

func orDefault[T comparable](v, def T) T {
	var zero T
	if v == zero {
		return def
	}
	return v
}
