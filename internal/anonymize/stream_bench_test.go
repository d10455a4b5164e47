package anonymize

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"testing"
)

func BenchmarkTransformStream(b *testing.B) {
	var in bytes.Buffer
	for i := range 100000 {
		fmt.Fprintf(&in, "%d\tPerson %d\tperson%d@example.com\t+1-555-%07d\t%d Some Street\n", i, i, i, i, i)
	}
	salt := []byte("bench")
	name, _ := New("name", nil, salt)
	email, _ := New("email", nil, salt)
	phone, _ := New("phone", nil, salt)
	rules := []fieldRule{{index: 1, column: "name", t: name}, {index: 2, column: "email", t: email, unique: true}, {index: 3, column: "phone", t: phone}}
	b.ResetTimer()
	for range b.N {
		if _, err := transformStream(context.Background(), bytes.NewReader(in.Bytes()), io.Discard, rules, 2, 100000, func(int64) {}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(100000*b.N)/b.Elapsed().Seconds(), "rows/s")
}
