package reaper

import (
	"context"
	"fmt"
	"strings"

	"github.com/prenv/prenv/internal/naming"
)

// PRSource tells the reaper which pull requests are open.
type PRSource interface {
	// OpenPRs returns the number of every open pull request. It fails
	// rather than return part of the list: a PR left out is reaped as
	// closed.
	OpenPRs(ctx context.Context) ([]int, error)
	ClosedConfirmer
}

// ClosedConfirmer double-checks the PRs a plan reaps as closed.
type ClosedConfirmer interface {
	// ConfirmClosed fails if any of closed, the PRs a plan reaps because
	// open left them out, is open after all. A source whose list cannot
	// have missed one returns nil.
	ConfirmClosed(ctx context.Context, open, closed []int) error
}

// StaticPRs is a list of open PRs given up front, as prenv reap's
// --open-prs gives it.
type StaticPRs struct {
	Open []int
	// Confirm, when set, double-checks the closed PRs against another
	// source (GitHub, when a token is at hand).
	Confirm ClosedConfirmer
}

// OpenPRs returns the list.
func (s StaticPRs) OpenPRs(context.Context) ([]int, error) { return s.Open, nil }

// ConfirmClosed asks Confirm, if set.
func (s StaticPRs) ConfirmClosed(ctx context.Context, open, closed []int) error {
	if s.Confirm == nil {
		return nil
	}
	return s.Confirm.ConfirmClosed(ctx, open, closed)
}

// ParseOpenPRs reads a list of open PR numbers separated by commas,
// spaces or newlines, as --open-prs and its file give them. Empty text is
// an empty list: no PR is open.
func ParseOpenPRs(text string) ([]int, error) {
	var open []int
	for _, field := range strings.FieldsFunc(text, func(c rune) bool { return c == ',' || c == '\n' || c == ' ' }) {
		pr, err := naming.ParsePR(field)
		if err != nil {
			return nil, fmt.Errorf("open PR list: %w", err)
		}
		open = append(open, pr)
	}
	return open, nil
}
