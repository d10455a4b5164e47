package reaper_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/prenv/prenv/internal/reaper"
)

func TestParseOpenPRs(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, text string
		want       []int
		wantErr    string
	}{
		{"empty means none open", "", nil, ""},
		{"commas", "1,2,3", []int{1, 2, 3}, ""},
		{"a file's lines", "4\n5\r\n#6\n\n", []int{4, 5, 6}, ""},
		{"spaces and commas", " 7, 8 ", []int{7, 8}, ""},
		{"not a number", "1,two", nil, `open PR list: PR number "two" is not a number`},
		{"out of range", "0", nil, "open PR list: PR number 0 is out of range"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := reaper.ParseOpenPRs(tc.text)
			if (err == nil) != (tc.wantErr == "") || (err != nil && !strings.Contains(err.Error(), tc.wantErr)) || !slices.Equal(got, tc.want) {
				t.Errorf("ParseOpenPRs(%q) = %v, %v; want %v, %q", tc.text, got, err, tc.want, tc.wantErr)
			}
		})
	}
}

// confirmer records what it is asked.
type confirmer struct{ open, closed []int }

func (c *confirmer) ConfirmClosed(_ context.Context, open, closed []int) error {
	c.open, c.closed = open, closed
	return errors.New("asked")
}

func TestStaticPRsConfirmThroughAnotherSource(t *testing.T) {
	t.Parallel()
	if err := (reaper.StaticPRs{Open: []int{1}}).ConfirmClosed(t.Context(), []int{1}, []int{2}); err != nil {
		t.Errorf("without a confirmer: %v, want nil", err)
	}
	c := &confirmer{}
	err := (reaper.StaticPRs{Open: []int{1}, Confirm: c}).ConfirmClosed(t.Context(), []int{1}, []int{2})
	if err == nil || !slices.Equal(c.open, []int{1}) || !slices.Equal(c.closed, []int{2}) {
		t.Errorf("with a confirmer: %v, asked about open %v closed %v", err, c.open, c.closed)
	}
}
