package stub

import (
	"context"
	"net/http"
	"strconv"
	"time"
)

// response is a mapping's response, its body read at load.
type response struct {
	status int
	header http.Header // canonical names, values in the mapping's order
	body   []byte
	delay  time.Duration
	// bodyFile is a bodyFileName, relative to the files directory, read
	// at load; bodyFileField is where the mapping gives it.
	bodyFile, bodyFileField string
}

// write sends the response after its fixed delay, unless the client goes
// away first. A mapping without a Content-Type gets none, as from
// WireMock: Go's sniffing is turned off.
func (r *response) write(ctx context.Context, w http.ResponseWriter) {
	if r.delay > 0 {
		t := time.NewTimer(r.delay)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
	}
	h := w.Header()
	for k, v := range r.header {
		h[k] = v
	}
	if _, ok := r.header["Content-Type"]; !ok {
		h["Content-Type"] = nil
	}
	if _, ok := r.header["Content-Length"]; !ok {
		h.Set("Content-Length", strconv.Itoa(len(r.body)))
	}
	w.WriteHeader(r.status)
	_, _ = w.Write(r.body)
}
