package github

import (
	"errors"
	"fmt"
	"net/http"

	gh "github.com/google/go-github/v74/github"
)

// explain turns a go-github error into one line naming the cause and the
// fix. what says what was being done; permission is the workflow
// permission the call needs, for a 403's advice.
func explain(what, permission string, err error) error {
	if err == nil {
		return nil
	}
	var (
		rate  *gh.RateLimitError
		abuse *gh.AbuseRateLimitError
		resp  *gh.ErrorResponse
	)
	switch {
	case errors.As(err, &rate):
		return fmt.Errorf("%s: GitHub's rate limit is exhausted until %s: retry later, or use a token with a higher limit", what, rate.Rate.Reset.Format("15:04:05 MST"))
	case errors.As(err, &abuse):
		return fmt.Errorf("%s: GitHub's secondary rate limit held after retries: run fewer prenv jobs at once", what)
	case errors.As(err, &resp) && resp.Response != nil:
		var msg string
		switch code := resp.Response.StatusCode; code {
		case http.StatusUnauthorized:
			msg = fmt.Sprintf("%s: GitHub refused the token (401 %s): check github-token or GITHUB_TOKEN", what, resp.Message)
		case http.StatusForbidden:
			msg = fmt.Sprintf("%s: the token may not do this (403 %s): grant the job `permissions: %s`", what, resp.Message, permission)
		case http.StatusNotFound:
			msg = fmt.Sprintf("%s: not found (404): check the repository name, and that the token can read it", what)
		default:
			msg = fmt.Sprintf("%s: GitHub answered %d %s", what, code, resp.Message)
		}
		return &apiError{msg: msg, cause: resp}
	}
	return fmt.Errorf("%s: %w", what, err)
}

// StatusCode is the HTTP status of a GitHub error, or 0.
func StatusCode(err error) int {
	var resp *gh.ErrorResponse
	if errors.As(err, &resp) && resp.Response != nil {
		return resp.Response.StatusCode
	}
	return 0
}

// apiError is GitHub's refusal, explained; it unwraps to the response.
type apiError struct {
	msg   string
	cause *gh.ErrorResponse
}

func (e *apiError) Error() string { return e.msg }
func (e *apiError) Unwrap() error { return e.cause }
