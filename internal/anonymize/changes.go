package anonymize

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
)

// A column pass's spool holds, per row read, its ctid and each column's
// new value or unchanged; the changes it loads hold only the rows where a
// value changes.

// keepChanged reads spooled rows (ctid, then each column's new value or
// unchanged) and writes to out, as ctid and each column's value and
// whether it is set, the rows where a value changes. It returns how many
// it wrote. A NULL was never transformed: it is left as it is.
func keepChanged(spool *os.File, out io.Writer, columns int) (int64, error) {
	if _, err := spool.Seek(0, io.SeekStart); err != nil {
		return 0, err
	}
	r := bufio.NewReaderSize(spool, 1<<20)
	w := bufio.NewWriterSize(out, 1<<20)
	var n int64
	fields := make([][]byte, 0, 1+columns)
	for {
		line, err := r.ReadSlice('\n')
		if err == bufio.ErrBufferFull {
			// A row longer than the buffer: read the rest of it.
			rest, err2 := r.ReadBytes('\n')
			line, err = append(append([]byte(nil), line...), rest...), err2
		}
		if len(line) > 0 {
			fields = splitFields(fields[:0], bytes.TrimSuffix(line, []byte{'\n'}))
			if len(fields) != 1+columns {
				return n, fmt.Errorf("a spooled row has %d fields, want %d", len(fields), 1+columns)
			}
			if rowChanged(fields[1:]) {
				n++
				w.Write(fields[0])
				for _, f := range fields[1:] {
					switch {
					case kept(f):
						w.WriteString("\t\\N\tf")
					case string(f) == setNull:
						w.WriteString("\t\\N\tt")
					default:
						w.WriteByte('\t')
						w.Write(f)
						w.WriteString("\tt")
					}
				}
				w.WriteByte('\n')
			}
		}
		if err == io.EOF {
			return n, w.Flush()
		}
		if err != nil {
			return n, err
		}
	}
}

// splitFields appends line's tab-separated fields to dst.
func splitFields(dst [][]byte, line []byte) [][]byte {
	for {
		i := bytes.IndexByte(line, '\t')
		if i < 0 {
			return append(dst, line)
		}
		dst = append(dst, line[:i])
		line = line[i+1:]
	}
}

// kept reports whether a spooled field is a value left as it is: one its
// transformer kept, or a NULL.
func kept(f []byte) bool { return string(f) == unchanged || bytes.Equal(f, nullField) }

func rowChanged(fields [][]byte) bool {
	for _, f := range fields {
		if !kept(f) {
			return true
		}
	}
	return false
}
