package stub

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// FetchUnmatched asks the stub serving at baseURL (http://host:port) for
// its count of requests no mapping matched. client nil is
// http.DefaultClient.
func FetchUnmatched(ctx context.Context, client *http.Client, baseURL string) (Unmatched, error) {
	if client == nil {
		client = http.DefaultClient
	}
	var u Unmatched
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimSuffix(baseURL, "/")+UnmatchedPath, nil)
	if err != nil {
		return u, err
	}
	resp, err := client.Do(req)
	if err != nil {
		return u, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return u, err
	}
	if resp.StatusCode != http.StatusOK {
		return u, fmt.Errorf("%s answered %s: is it a prenv stub?", req.URL, resp.Status)
	}
	return DecodeUnmatched(body)
}

// DecodeUnmatched reads the body of a stub's GET /__admin/requests/unmatched.
func DecodeUnmatched(body []byte) (Unmatched, error) {
	var u Unmatched
	if err := json.Unmarshal(body, &u); err != nil {
		return u, fmt.Errorf("not a prenv stub's unmatched requests: %w", err)
	}
	return u, nil
}
