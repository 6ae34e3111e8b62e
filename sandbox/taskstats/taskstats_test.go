package taskstats

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

var t0 = time.Date(2026, 12, 6, 3, 0, 0, 0, time.UTC)

func TestBusy(t *testing.T) {
	for _, tt := range []struct {
		name string
		rec  Record
		now  time.Time
		want time.Duration
	}{
		{"nothing admitted", Record{Started: t0}, t0.Add(time.Hour), 0},
		{"all done", Record{First: t0, Work: 2 * time.Second, Booked: t0.Add(3 * time.Second)}, t0.Add(10 * time.Second), 2 * time.Second},
		{"work still queued is not spent", Record{First: t0, Work: 5 * time.Second, Booked: t0.Add(6 * time.Second)}, t0.Add(4 * time.Second), 3 * time.Second},
		{"no more than since the first request", Record{First: t0, Work: 9 * time.Second, Booked: t0.Add(2 * time.Second)}, t0.Add(time.Second), time.Second},
		{"before any of it is done", Record{First: t0, Work: time.Second, Booked: t0.Add(5 * time.Second)}, t0.Add(time.Second), 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.rec.Busy(tt.now); got != tt.want {
				t.Errorf("Busy = %s, want %s", got, tt.want)
			}
		})
	}
}

// pair creates a stats file started at t0 and opens it, both closed with
// the test.
func pair(t *testing.T) (*Writer, *Reader, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "task.stats")
	w, err := Create(path, t0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	r, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return w, r, path
}

func TestReaderSeesWhatTheWriterStored(t *testing.T) {
	w, r, _ := pair(t)
	if got, err := r.Load(); err != nil || !got.Started.Equal(t0) || !got.First.IsZero() || got.Work != 0 {
		t.Fatalf("a new file reads %+v, %v; want only its start", got, err)
	}
	want := Record{Started: t0, First: t0.Add(time.Second), Work: 250 * time.Millisecond, Booked: t0.Add(2 * time.Second)}
	w.Store(want)
	got, err := r.Load()
	if err != nil || !got.Started.Equal(want.Started) || !got.First.Equal(want.First) || got.Work != want.Work || !got.Booked.Equal(want.Booked) {
		t.Errorf("read %+v, %v; want %+v", got, err, want)
	}
}

// Each record the writer stores is consistent (Booked is First plus
// Work); a reader that ever sees a mix of two records has read a torn
// store.
func TestLoadNeverSeesATornStore(t *testing.T) {
	w, _, path := pair(t)
	var wg sync.WaitGroup
	done := make(chan struct{})
	wg.Go(func() {
		for i := time.Duration(1); ; i++ {
			select {
			case <-done:
				return
			default:
			}
			w.Store(Record{Started: t0, First: t0.Add(i), Work: i, Booked: t0.Add(2 * i)})
		}
	})
	for range 4 {
		wg.Go(func() {
			r, err := Open(path)
			if err != nil {
				t.Error(err)
				return
			}
			defer r.Close()
			for range 100000 {
				rec, err := r.Load()
				if err != nil {
					t.Error(err)
					return
				}
				if !rec.First.IsZero() && !rec.First.Add(rec.Work).Equal(rec.Booked) {
					t.Errorf("torn record %+v", rec)
					return
				}
			}
		})
	}
	time.Sleep(50 * time.Millisecond)
	close(done)
	wg.Wait()
}

func TestOpenRefusals(t *testing.T) {
	dir := t.TempDir()
	short := filepath.Join(dir, "short")
	if err := os.WriteFile(short, []byte("12"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		path, says string
	}{
		{filepath.Join(dir, "missing"), "no such file"},
		{short, "not a stats file"},
	} {
		if _, err := Open(tt.path); err == nil || !strings.Contains(err.Error(), tt.says) {
			t.Errorf("Open(%s) = %v, want an error saying %q", tt.path, err, tt.says)
		}
	}
}

func TestLoadAfterCloseIsAnErrorNotACrash(t *testing.T) {
	_, r, _ := pair(t)
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	if err := r.Close(); err != nil {
		t.Errorf("second Close = %v, want nothing done", err)
	}
	if _, err := r.Load(); !errors.Is(err, ErrClosed) {
		t.Errorf("Load after Close = %v, want ErrClosed", err)
	}
}
