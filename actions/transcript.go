package actions

import (
	"bytes"
	"fmt"
	"sync"
)

// outputLimit is the most of a step's progress the output output holds:
// its end, well below what a step output may carry.
const outputLimit = 64 << 10

// transcript keeps the end of what a step's engine printed, for the
// output output (pulumi/actions' output: the command's output).
type transcript struct {
	mu    sync.Mutex
	limit int
	buf   []byte
	cut   int // bytes dropped from the front
}

func newTranscript(limit int) *transcript { return &transcript{limit: limit} }

// Write keeps p; past twice the limit the front is dropped, so a long run
// costs a bounded buffer.
func (t *transcript) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, p...)
	if over := len(t.buf) - t.limit; len(t.buf) > 2*t.limit {
		t.cut += over
		t.buf = append([]byte(nil), t.buf[over:]...)
	}
	return len(p), nil
}

// String is the last limit bytes from a line's start, after a line
// saying how much was cut.
func (t *transcript) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	text, cut := t.buf, t.cut
	if over := len(text) - t.limit; over > 0 {
		text, cut = text[over:], cut+over
	}
	if cut == 0 {
		return string(text)
	}
	if i := bytes.IndexByte(text, '\n'); i >= 0 {
		text, cut = text[i+1:], cut+i+1
	}
	return fmt.Sprintf("[%d bytes cut; the step's log has them all]\n%s", cut, text)
}
