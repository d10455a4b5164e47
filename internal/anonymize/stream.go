package anonymize

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"hash/maphash"
	"io"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/sync/errgroup"
)

// fieldRule is the transformer of one field of a COPY row.
type fieldRule struct {
	index  int // the field's position in the row
	column string
	t      Transformer
	unique bool
}

// batch is a run of rows read together, numbered to keep their order.
// Workers encode the rows into out; a unique column's value is left out
// at a recorded offset, for the writer to settle in row order.
type batch struct {
	seq      int
	firstRow int
	rows     [][]byte
	out      []byte
	ends     []int         // per row, where it ends in out
	slots    []uniqueValue // the unique values, in row and rule order
	err      error
}

// uniqueValue is a transformed value of a unique column, and where in out
// it belongs.
type uniqueValue struct {
	row, rule, at int
	value         *string
}

// chunkSize is how much of the COPY stream one batch holds.
const chunkSize = 1 << 20

// transformStream reads COPY text rows from in, rewrites the ruled fields
// with workers goroutines, and writes the rows to out in their order. It
// keeps unique columns unique: a value already written is changed by a
// numbered suffix until it is new. progress is called with the rows done.
func transformStream(ctx context.Context, in io.Reader, out io.Writer, rules []fieldRule, workers, sizeHint int, progress func(int64)) (int64, error) {
	g, ctx := errgroup.WithContext(ctx)
	batches := make(chan *batch, workers*2)
	done := make(chan *batch, workers*2)
	g.Go(func() error {
		defer close(batches)
		// Rows are read in chunks and split in place: no allocation per row.
		var carry []byte
		rowsSoFar, seq := 0, 0
		for {
			chunk := make([]byte, len(carry), chunkSize+len(carry))
			copy(chunk, carry)
			n, err := io.ReadFull(in, chunk[len(chunk):cap(chunk)])
			chunk = chunk[:len(chunk)+n]
			last := bytes.LastIndexByte(chunk, '\n')
			done := err == io.EOF || err == io.ErrUnexpectedEOF
			if err != nil && !done {
				return err
			}
			if done && last < len(chunk)-1 {
				return fmt.Errorf("the table's COPY stream ended in the middle of a row")
			}
			carry = append([]byte(nil), chunk[last+1:]...)
			b := &batch{seq: seq, firstRow: rowsSoFar, out: make([]byte, 0, last+1+last/4)}
			for rest := chunk[:last+1]; len(rest) > 0; {
				i := bytes.IndexByte(rest, '\n')
				b.rows = append(b.rows, rest[:i+1])
				rest = rest[i+1:]
			}
			rowsSoFar += len(b.rows)
			if len(b.rows) > 0 {
				seq++ // only batches that are sent are numbered: the writer waits for each number
				select {
				case batches <- b:
				case <-ctx.Done():
					return ctx.Err()
				}
			}
			if done {
				return nil
			}
		}
	})
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		g.Go(func() error {
			defer wg.Done()
			for b := range batches {
				transformBatch(b, rules)
				select {
				case done <- b:
				case <-ctx.Done():
					return ctx.Err()
				}
			}
			return nil
		})
	}
	go func() { wg.Wait(); close(done) }()
	var rows int64
	g.Go(func() error {
		seen := make([]map[valueKey]uint32, len(rules))
		for i, r := range rules {
			if r.unique {
				seen[i] = make(map[valueKey]uint32, sizeHint)
			}
		}
		pending := map[int]*batch{}
		next := 0
		w := bufio.NewWriterSize(out, 1<<20)
		for b := range done {
			pending[b.seq] = b
			for b, ok := pending[next]; ok; b, ok = pending[next] {
				delete(pending, next)
				next++
				if b.err != nil {
					return b.err
				}
				if err := writeBatch(w, b, seen); err != nil {
					return err
				}
				rows += int64(len(b.ends))
				progress(rows)
			}
		}
		return w.Flush()
	})
	return rows, g.Wait()
}

// transformBatch rewrites the ruled fields of every row in b.
func transformBatch(b *batch, rules []fieldRule) {
	// ruleAt[field] is the field's rule, or -1: a slice, as a map lookup
	// per field of every row shows in profiles.
	var ruleAt []int
	for i, r := range rules {
		for len(ruleAt) <= r.index {
			ruleAt = append(ruleAt, -1)
		}
		ruleAt[r.index] = i
	}
	for n, line := range b.rows {
		line = bytes.TrimSuffix(line, []byte{'\n'})
		field, seen := 0, 0
		for {
			cut := bytes.IndexByte(line, '\t')
			f := line
			if cut >= 0 {
				f, line = line[:cut], line[cut+1:]
			} else {
				line = nil
			}
			if field > 0 {
				b.out = append(b.out, '\t')
			}
			i := -1
			if field < len(ruleAt) {
				i = ruleAt[field]
			}
			if i < 0 {
				b.out = append(b.out, f...)
			} else {
				seen++
				r := rules[i]
				v, isNull := decodeField(f)
				var got *string
				if !isNull {
					var err error
					if got, err = r.t.Transform(v); err != nil {
						// The error names the column and row, never the value.
						b.err = fmt.Errorf("%s: row %d: %w", r.column, b.firstRow+n+1, err)
						return
					}
				}
				if r.unique {
					b.slots = append(b.slots, uniqueValue{row: n, rule: i, at: len(b.out), value: got})
				} else {
					b.out = appendField(b.out, got)
				}
			}
			field++
			if cut < 0 {
				break
			}
		}
		if seen < len(rules) {
			b.err = fmt.Errorf("row %d has %d fields, fewer than the table's columns", b.firstRow+n+1, field)
			return
		}
		b.out = append(b.out, '\n')
		b.ends = append(b.ends, len(b.out))
	}
	b.rows = nil
}

// writeBatch writes b's rows, settling unique values in row order.
func writeBatch(w *bufio.Writer, b *batch, seen []map[valueKey]uint32) error {
	at := 0
	var buf []byte
	for _, s := range b.slots {
		w.Write(b.out[at:s.at])
		v := s.value
		if v != nil {
			v = settle(seen[s.rule], *v)
		}
		buf = appendField(buf[:0], v)
		w.Write(buf)
		at = s.at
	}
	_, err := w.Write(b.out[at:])
	return err
}

// settle returns v, or v with the smallest numbered suffix that makes it
// new among seen, and records it. Emails keep their domain: a.b+2@x. The
// next suffix to try is kept per value, so many equal values (a constant,
// a masked domain) cost one probe each, not one per earlier duplicate.
func settle(seen map[valueKey]uint32, v string) *string {
	base := keyOf(v)
	n, dup := seen[base]
	if !dup {
		seen[base] = 1
		return &v
	}
	for {
		n++
		candidate := v + "-" + strconv.Itoa(int(n))
		if at := strings.LastIndex(v, "@"); at > 0 {
			candidate = v[:at] + "+" + strconv.Itoa(int(n)) + v[at:]
		}
		k := keyOf(candidate)
		if _, taken := seen[k]; !taken {
			seen[base] = n
			seen[k] = 1
			return &candidate
		}
	}
}

// valueKey stands for a value in the uniqueness sets: 128 bits of its
// hash hold no pointers, so millions of them cost the collector nothing.
// Two independently seeded 64-bit hashes (AES-based, a tenth the cost of
// SHA-256) make a chance collision among 50M values about 2^-76.
type valueKey [2]uint64

var keySeeds = [2]maphash.Seed{maphash.MakeSeed(), maphash.MakeSeed()}

func keyOf(v string) valueKey {
	return valueKey{maphash.String(keySeeds[0], v), maphash.String(keySeeds[1], v)}
}
