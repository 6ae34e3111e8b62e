// Package compare says what changed from one run to the next: specs that
// newly fail, specs fixed, other changes of status, and timings (first
// scale-out, failover detection, client recovery, RPO) that moved by
// more than a tolerance. It reads two run folders and nothing else.
package compare

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/gameday-sre/gameday/reports/folder"
	"github.com/gameday-sre/gameday/reports/timings"
	"github.com/gameday-sre/gameday/timeline"
)

// DefaultTolerances are how far a timing may move between two runs of a
// healthy platform. A scale-out follows a one-minute alarm evaluation and
// a load window is a platform minute, so either can shift by one; a
// Route 53 health check probes every 30 s at most; replication lag that
// moves by a second is a change.
var DefaultTolerances = Tolerances{
	timings.ScaleOut:          time.Minute,
	timings.FailoverDetection: 30 * time.Second,
	timings.ClientRecovery:    time.Minute,
	timings.RPO:               time.Second,
}

// Tolerances are how far each kind of timing may move unremarked.
type Tolerances map[timings.Kind]time.Duration

// Parse reads --tolerance values into a copy of t: "2m" sets every kind,
// "rpo=5s" one kind; later values win.
func (t Tolerances) Parse(values []string) (Tolerances, error) {
	out := Tolerances{}
	for k, v := range t {
		out[k] = v
	}
	for _, s := range values {
		kind, value, one := strings.Cut(s, "=")
		if !one {
			kind, value = "", s
		}
		d, err := time.ParseDuration(value)
		if err != nil || d < 0 {
			return nil, fmt.Errorf("--tolerance %q: want a duration such as 2m, or KIND=DURATION with KIND one of %s", s, kinds())
		}
		switch {
		case !one:
			for _, k := range timings.Kinds {
				out[k] = d
			}
		case slices.Contains(timings.Kinds, timings.Kind(kind)):
			out[timings.Kind(kind)] = d
		default:
			return nil, fmt.Errorf("--tolerance %q: no timing %q; want one of %s", s, kind, kinds())
		}
	}
	return out, nil
}

func kinds() string {
	var ks []string
	for _, k := range timings.Kinds {
		ks = append(ks, string(k))
	}
	return strings.Join(ks, ", ")
}

// Diff is what changed from run A to run B.
type Diff struct {
	A folder.Manifest `json:"a"`
	B folder.Manifest `json:"b"`
	// SpecChanged says the runs read different specs: a change in a
	// verdict may be the runbook's, not the platform's.
	SpecChanged bool `json:"specChanged"`
	// NewFailures fail in B and did not in A (or did not run in A);
	// Fixed failed in A and passed in B; Changed are every other change
	// of status, a spec that ran in one run only included.
	NewFailures []Change `json:"newFailures"`
	Fixed       []Change `json:"fixed"`
	Changed     []Change `json:"changed"`
	// Moved are the timings that moved by more than their tolerance, or
	// that were measured in one run only.
	Moved []Move `json:"moved"`
}

// Change is one spec's status in each run; "" where it did not run.
type Change struct {
	Spec    string          `json:"spec"`
	Runbook string          `json:"runbook"`
	From    timeline.Status `json:"from"`
	To      timeline.Status `json:"to"`
	// Message is why it did not pass in B, or in A for a fixed spec.
	Message string `json:"message,omitempty"`
}

// Move is one timing in each run, in platform time ("3m23s" in JSON); a
// nil side was not measured.
type Move struct {
	Name      string             `json:"name"`
	Kind      timings.Kind       `json:"kind"`
	A         *timeline.Duration `json:"a"`
	B         *timeline.Duration `json:"b"`
	Tolerance timeline.Duration  `json:"tolerance"`
}

// Regressed says whether B is worse than A in a way a CI job should fail
// on: a new failure, or a timing moved beyond its tolerance, either way
// (a scale-out that comes sooner may mean a cooldown got shorter).
func (d Diff) Regressed() bool { return len(d.NewFailures)+len(d.Moved) > 0 }

// Runs compares run a with run b.
func Runs(a, b *folder.Folder, tol Tolerances) Diff {
	d := Diff{A: a.Manifest, B: b.Manifest, SpecChanged: a.Manifest.Spec.SHA256 != b.Manifest.Spec.SHA256,
		NewFailures: []Change{}, Fixed: []Change{}, Changed: []Change{}, Moved: []Move{}}
	va, vb := byID(a), byID(b)
	for _, id := range ids(a, b) {
		x, inA := va[id]
		y, inB := vb[id]
		c := Change{Spec: id, Runbook: y.RunbookRef, From: x.Status, To: y.Status, Message: y.Message}
		if !inB {
			c.Runbook = x.RunbookRef
		}
		switch {
		case inA && inB && x.Status == y.Status:
		case inB && y.Status.Failing() && !x.Status.Failing():
			d.NewFailures = append(d.NewFailures, c)
		case inA && inB && x.Status.Failing() && y.Status == timeline.Passed:
			c.Message = x.Message
			d.Fixed = append(d.Fixed, c)
		default:
			d.Changed = append(d.Changed, c)
		}
	}
	d.Moved = moves(timings.Measure(a.Events), timings.Measure(b.Events), tol)
	return d
}

// byID indexes a run's verdicts by spec id.
func byID(f *folder.Folder) map[string]folder.Verdict {
	m := map[string]folder.Verdict{}
	for _, v := range folder.Verdicts(f.Events) {
		m[v.Spec] = v
	}
	return m
}

// ids lists the specs of both runs: A's in its order, then B's new ones.
func ids(a, b *folder.Folder) []string {
	var out []string
	for _, f := range []*folder.Folder{a, b} {
		for _, v := range folder.Verdicts(f.Events) {
			if !slices.Contains(out, v.Spec) {
				out = append(out, v.Spec)
			}
		}
	}
	return out
}

func moves(a, b []timings.Timing, tol Tolerances) []Move {
	var out []Move
	find := func(ts []timings.Timing, name string) *timeline.Duration {
		if i := slices.IndexFunc(ts, func(t timings.Timing) bool { return t.Name() == name }); i >= 0 {
			d := timeline.Duration(ts[i].Value)
			return &d
		}
		return nil
	}
	seen := map[string]bool{}
	for _, t := range append(slices.Clone(a), b...) {
		if seen[t.Name()] {
			continue
		}
		seen[t.Name()] = true
		m := Move{Name: t.Name(), Kind: t.Kind, A: find(a, t.Name()), B: find(b, t.Name()), Tolerance: timeline.Duration(tol[t.Kind])}
		if m.A != nil && m.B != nil && time.Duration(*m.B-*m.A).Abs() <= time.Duration(m.Tolerance) {
			continue
		}
		out = append(out, m)
	}
	return out
}

// Write prints the comparison for a terminal or a CI log.
func (d Diff) Write(w io.Writer) error {
	fmt.Fprintf(w, "A: %s\nB: %s\n", describe(d.A), describe(d.B))
	if d.SpecChanged {
		fmt.Fprintf(w, "The runs read different specs (sha256 %.12s, then %.12s): a change may be the runbook's.\n", d.A.Spec.SHA256, d.B.Spec.SHA256)
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	section := func(title string, n int) {
		fmt.Fprintf(tw, "\n%s (%d)\n", title, n)
	}
	section("NEW FAILURES", len(d.NewFailures))
	for _, c := range d.NewFailures {
		fmt.Fprintf(tw, "  %s\t%s -> %s\t%s: %s\n", c.Spec, status(c.From), status(c.To), c.Runbook, oneLine(c.Message))
	}
	section("FIXED", len(d.Fixed))
	for _, c := range d.Fixed {
		fmt.Fprintf(tw, "  %s\t%s -> %s\t%s\n", c.Spec, status(c.From), status(c.To), c.Runbook)
	}
	section("OTHER CHANGES", len(d.Changed))
	for _, c := range d.Changed {
		fmt.Fprintf(tw, "  %s\t%s -> %s\t%s\n", c.Spec, status(c.From), status(c.To), c.Runbook)
	}
	section("TIMINGS MOVED BEYOND TOLERANCE", len(d.Moved))
	for _, m := range d.Moved {
		fmt.Fprintf(tw, "  %s\t%s -> %s\t%s\n", m.Name, took(m.A), took(m.B), delta(m))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	verdict := "B is no worse than A"
	if d.Regressed() {
		verdict = fmt.Sprintf("B regressed: %d new failures, %d timings moved", len(d.NewFailures), len(d.Moved))
	}
	_, err := fmt.Fprintf(w, "\n%s\n", verdict)
	return err
}

func describe(m folder.Manifest) string {
	return fmt.Sprintf("run %s against %s (gameday %s, spec sha256 %.12s)", m.ID, m.Target, m.Version, m.Spec.SHA256)
}

func status(s timeline.Status) string {
	if s == "" {
		return "(not run)"
	}
	return string(s)
}

func took(d *timeline.Duration) string {
	if d == nil {
		return "(not measured)"
	}
	return timings.Readable(time.Duration(*d))
}

func delta(m Move) string {
	if m.A == nil || m.B == nil {
		return "measured in one run only"
	}
	d := time.Duration(*m.B - *m.A)
	sign := ""
	if d > 0 {
		sign = "+"
	}
	return fmt.Sprintf("%s%s, tolerance %s", sign, timings.Readable(d), m.Tolerance)
}

func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > 160 {
		s = string(r[:159]) + "…"
	}
	return s
}
