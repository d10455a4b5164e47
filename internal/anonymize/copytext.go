package anonymize

import (
	"bytes"
	"strconv"
	"unsafe"
)

// PostgreSQL's COPY text format: rows end in \n, fields are separated by
// \t, NULL is \N, and backslash escapes the rest. Only ruled fields are
// decoded and encoded; every other field passes through byte for byte.

var nullField = []byte(`\N`)

// decodeField returns the value of one COPY text field, and whether it
// is NULL. A field without escapes is returned without a copy: the
// string shares f's bytes, which must never change afterwards (the
// stream reads every chunk into fresh memory).
func decodeField(f []byte) (string, bool) {
	if bytes.Equal(f, nullField) {
		return "", true
	}
	if bytes.IndexByte(f, '\\') < 0 {
		return unsafe.String(unsafe.SliceData(f), len(f)), false
	}
	out := make([]byte, 0, len(f))
	for i := 0; i < len(f); i++ {
		c := f[i]
		if c != '\\' || i+1 == len(f) {
			out = append(out, c)
			continue
		}
		i++
		switch e := f[i]; e {
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'v':
			out = append(out, '\v')
		case 'x':
			j := i + 1
			for j < len(f) && j < i+3 && isHex(f[j]) {
				j++
			}
			n, _ := strconv.ParseUint(string(f[i+1:j]), 16, 8)
			out = append(out, byte(n))
			i = j - 1
		default:
			if e >= '0' && e <= '7' {
				j := i
				for j < len(f) && j < i+3 && f[j] >= '0' && f[j] <= '7' {
					j++
				}
				n, _ := strconv.ParseUint(string(f[i:j]), 8, 8)
				out = append(out, byte(n))
				i = j - 1
			} else {
				out = append(out, e)
			}
		}
	}
	return string(out), false
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

// appendField appends v, or NULL for nil, as a COPY text field.
func appendField(dst []byte, v *string) []byte {
	if v == nil {
		return append(dst, nullField...)
	}
	for i := 0; i < len(*v); i++ {
		switch c := (*v)[i]; c {
		case '\\':
			dst = append(dst, '\\', '\\')
		case '\n':
			dst = append(dst, '\\', 'n')
		case '\r':
			dst = append(dst, '\\', 'r')
		case '\t':
			dst = append(dst, '\\', 't')
		default:
			dst = append(dst, c)
		}
	}
	return dst
}
