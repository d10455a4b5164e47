package actions

import (
	"encoding/json"
	"fmt"
	"os"

	"github.com/prenv/prenv/internal/groups"
)

// Event is the part of the triggering webhook payload prenv reads. It
// keeps no free text: titles, bodies and branch names never leave the
// payload file, so they cannot reach a shell, a name or a comment. Only
// the group a body or label names ("prenv-group: <name>") is kept, once
// validated as a DNS label.
type Event struct {
	Name   string // GITHUB_EVENT_NAME: pull_request, schedule, ...
	Action string // the payload's action: opened, synchronize, closed, ...
	PR     *PullRequest
}

// PullRequest is the event's pull request.
type PullRequest struct {
	Number   int
	State    string // open or closed
	Draft    bool
	Merged   bool
	HeadSHA  string
	HeadRepo string
	BaseRepo string
	Labels   []string
	// Group is the PR group its body or labels ask it to join, validated;
	// GroupInvalid says they named one that is not a DNS label, or two.
	Group        string
	GroupInvalid bool
}

// Fork reports whether the PR's head lives in another repository, whose
// runs GitHub gives no secrets.
func (p *PullRequest) Fork() bool { return p.HeadRepo != "" && p.HeadRepo != p.BaseRepo }

// payload is the webhook payload's shape, as GitHub documents it.
type payload struct {
	Action      string `json:"action"`
	PullRequest *struct {
		Number int    `json:"number"`
		State  string `json:"state"`
		Draft  bool   `json:"draft"`
		Merged bool   `json:"merged"`
		Body   string `json:"body"` // read for the group marker alone, then dropped
		Head   struct {
			SHA  string `json:"sha"`
			Repo *struct {
				FullName string `json:"full_name"`
			} `json:"repo"`
		} `json:"head"`
		Base struct {
			Repo struct {
				FullName string `json:"full_name"`
			} `json:"repo"`
		} `json:"base"`
		Labels []struct {
			Name string `json:"name"`
		} `json:"labels"`
	} `json:"pull_request"`
}

// ReadEvent reads the event named name from the payload file at path.
// Events without a payload file (a local run) have no PR.
func ReadEvent(name, path string) (Event, error) {
	ev := Event{Name: name}
	if path == "" {
		return ev, nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return ev, fmt.Errorf("read the event payload GITHUB_EVENT_PATH: %w", err)
	}
	var p payload
	if err := json.Unmarshal(data, &p); err != nil {
		return ev, fmt.Errorf("the event payload %s is not JSON: %w", path, err)
	}
	ev.Action = p.Action
	if pr := p.PullRequest; pr != nil {
		if pr.Number <= 0 {
			return ev, fmt.Errorf("the event payload's pull request has no number")
		}
		ev.PR = &PullRequest{
			Number: pr.Number, State: pr.State, Draft: pr.Draft, Merged: pr.Merged,
			HeadSHA: pr.Head.SHA, BaseRepo: pr.Base.Repo.FullName,
		}
		if pr.Head.Repo != nil {
			ev.PR.HeadRepo = pr.Head.Repo.FullName
		} else {
			ev.PR.HeadRepo = "(deleted fork)"
		}
		for _, l := range pr.Labels {
			ev.PR.Labels = append(ev.PR.Labels, l.Name)
		}
		group, err := groups.Marker(pr.Body, ev.PR.Labels)
		ev.PR.Group, ev.PR.GroupInvalid = group, err != nil
	}
	return ev, nil
}
