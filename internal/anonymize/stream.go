package anonymize

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
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
type batch struct {
	seq  int
	rows [][]byte
	keys [][]uniqueValue // per row, the unique fields' values to check
	err  error
}

// uniqueValue is a transformed value of a unique column, and where it
// sits in the output, for a collision fix.
type uniqueValue struct {
	rule  int
	value *string
}

const batchRows = 2048

// transformStream reads COPY text rows from in, rewrites the ruled fields
// with workers goroutines, and writes the rows to out in their order. It
// keeps unique columns unique: a value already written is changed by a
// numbered suffix until it is new. progress is called with the rows done.
func transformStream(ctx context.Context, in io.Reader, out io.Writer, rules []fieldRule, workers int, progress func(int64)) (int64, error) {
	g, ctx := errgroup.WithContext(ctx)
	batches := make(chan *batch, workers*2)
	done := make(chan *batch, workers*2)
	g.Go(func() error {
		defer close(batches)
		r := bufio.NewReaderSize(in, 1<<20)
		for seq := 0; ; seq++ {
			b := &batch{seq: seq}
			for len(b.rows) < batchRows {
				line, err := r.ReadBytes('\n')
				if len(line) > 0 {
					b.rows = append(b.rows, line)
				}
				if err == io.EOF {
					break
				}
				if err != nil {
					return err
				}
			}
			if len(b.rows) == 0 {
				return nil
			}
			select {
			case batches <- b:
			case <-ctx.Done():
				return ctx.Err()
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
		seen := make([]map[string]struct{}, len(rules))
		for i, r := range rules {
			if r.unique {
				seen[i] = map[string]struct{}{}
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
				if err := writeBatch(w, b, rules, seen); err != nil {
					return err
				}
				rows += int64(len(b.rows))
				progress(rows)
			}
		}
		return w.Flush()
	})
	return rows, g.Wait()
}

// transformBatch rewrites the ruled fields of every row in b.
func transformBatch(b *batch, rules []fieldRule) {
	for n, line := range b.rows {
		line = bytes.TrimSuffix(line, []byte{'\n'})
		fields := bytes.Split(line, []byte{'\t'})
		var keys []uniqueValue
		for i, r := range rules {
			if r.index >= len(fields) {
				b.err = fmt.Errorf("%s: row %d has %d fields, fewer than the table's columns", r.column, b.seq*batchRows+n+1, len(fields))
				return
			}
			v, isNull := decodeField(fields[r.index])
			var got *string
			if !isNull {
				var err error
				if got, err = r.t.Transform(v); err != nil {
					// The error names the column and row, never the value.
					b.err = fmt.Errorf("%s: row %d: %w", r.column, b.seq*batchRows+n+1, err)
					return
				}
			}
			if r.unique {
				keys = append(keys, uniqueValue{rule: i, value: got})
				fields[r.index] = nil // filled in by the writer
				continue
			}
			fields[r.index] = appendField(nil, got)
		}
		b.keys = append(b.keys, keys)
		b.rows[n] = bytes.Join(fields, []byte{'\t'})
	}
}

// writeBatch writes b's rows, settling unique values in row order.
func writeBatch(w *bufio.Writer, b *batch, rules []fieldRule, seen []map[string]struct{}) error {
	for n, row := range b.rows {
		keys := b.keys[n]
		if len(keys) == 0 {
			w.Write(row)
			w.WriteByte('\n')
			continue
		}
		fields := bytes.Split(row, []byte{'\t'})
		for _, k := range keys {
			v := k.value
			if v != nil {
				v = settle(seen[k.rule], *v)
			}
			fields[rules[k.rule].index] = appendField(nil, v)
		}
		w.Write(bytes.Join(fields, []byte{'\t'}))
		if err := w.WriteByte('\n'); err != nil {
			return err
		}
	}
	return nil
}

// settle returns v, or v with the smallest numbered suffix that makes it
// new among seen, and records it. Emails keep their domain: a.b+2@x.
func settle(seen map[string]struct{}, v string) *string {
	candidate := v
	for n := 2; ; n++ {
		if _, dup := seen[candidate]; !dup {
			seen[candidate] = struct{}{}
			return &candidate
		}
		if at := strings.LastIndex(v, "@"); at > 0 {
			candidate = v[:at] + "+" + strconv.Itoa(n) + v[at:]
		} else {
			candidate = v + "-" + strconv.Itoa(n)
		}
	}
}
