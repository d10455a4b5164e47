package anonymize

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

func TestKeepChangedWritesOnlyChangedValues(t *testing.T) {
	t.Parallel()
	spool, err := os.Create(filepath.Join(t.TempDir(), "spool"))
	if err != nil {
		t.Fatal(err)
	}
	defer spool.Close()
	// ctid, then two columns: a kept value (NUL), a new one, or NULL.
	spool.WriteString("(0,1)\t\x00\t\x00\n" + // nothing changed
		"(0,2)\tnew\\tvalue\t\x00\n" + // the first changed
		"(0,3)\t\\N\tother\n" + // NULL left, the second changed
		"(0,4)\t\\N\t\\N\n" + // NULLs only
		"(0,5)\t\x00N\t\x00\n") // the first made NULL
	var out bytes.Buffer
	n, err := keepChanged(spool, &out, 2)
	if err != nil {
		t.Fatal(err)
	}
	want := "(0,2)\tnew\\tvalue\tt\t\\N\tf\n" + "(0,3)\t\\N\tf\tother\tt\n" + "(0,5)\t\\N\tt\t\\N\tf\n"
	if got := out.String(); n != 3 || got != want {
		t.Errorf("keepChanged = %d rows:\n%q\nwant 3:\n%q", n, got, want)
	}
	spool.WriteString("(0,6)\tonly one field\n")
	if _, err := keepChanged(spool, &out, 2); err == nil {
		t.Error("a row with a missing field gave no error")
	}
}
