package compliance

import (
	"slices"
	"time"

	"github.com/onsi/ginkgo/v2"
	"github.com/onsi/gomega"
	"github.com/onsi/gomega/gcustom"

	"github.com/gameday-sre/gameday/suites/compliance/rows"
	"github.com/gameday-sre/gameday/targets"
	"github.com/gameday-sre/gameday/targets/profile"
)

// Label is the suite's label; each row also carries its area's.
const Label = "compliance"

// findingEntry names the report entry in which each spec leaves its
// finding, so that a caller can rebuild the drift table from Ginkgo's
// report alone (Findings).
const findingEntry = "finding"

// readTimeout bounds the reads of one area. An area is a handful of calls,
// but against staging they are paced and throttling is retried.
const readTimeout = 5 * time.Minute

// Suite is the compliance suite for one target: one Ginkgo spec per
// runbook row.
type Suite struct {
	reader *reader
	target *profile.Profile
	rows   []rows.Row
}

// New makes the suite for an opened target, refusing one it could only
// half read.
func New(t *targets.Target) (*Suite, error) {
	if err := check(t.Profile); err != nil {
		return nil, err
	}
	return &Suite{reader: newReader(t), target: t.Profile, rows: rows.Rows(t.Spec, t.Names)}, nil
}

// RunSpecs declares the suite's specs and runs them with Ginkgo; args are
// RunSpecs's (a SuiteConfig, a ReporterConfig). Ginkgo runs one suite per
// process, so this is called once, by a test or by gameday's child process.
func (s *Suite) RunSpecs(t ginkgo.GinkgoTestingT, args ...any) bool {
	gomega.RegisterFailHandler(ginkgo.Fail)
	s.declare()
	return ginkgo.RunSpecs(t, "compliance against "+s.target.Name, append([]any{ginkgo.Label(Label)}, args...)...)
}

// declare makes a Describe per area, in the runbook's order, with an It
// per row.
func (s *Suite) declare() {
	var areas []rows.Area
	for _, r := range s.rows {
		if !slices.Contains(areas, r.Area) {
			areas = append(areas, r.Area)
		}
	}
	for _, area := range areas {
		s.describe(area, slices.DeleteFunc(slices.Clone(s.rows), func(r rows.Row) bool { return r.Area != area }))
	}
}

// describe reads the area in a BeforeAll of an Ordered container rather
// than in a SynchronizedBeforeSuite: the container's BeforeAll runs only
// when a label filter keeps one of its specs, so --label-filter=alarms
// reads the alarms and nothing else; it runs once however many rows the
// area has, and, since Ginkgo keeps an Ordered container on one process,
// once under ginkgo -p too. A SynchronizedBeforeSuite would read every
// area whatever the filter and ship the SDK's types between processes.
//
// ContinueOnFailure: a drift fails its own row, and the area's other rows
// must still be judged. The BeforeAll keeps a read error instead of
// failing, so each row of an unreadable area reports it.
func (s *Suite) describe(area rows.Area, rs []rows.Row) {
	ginkgo.Describe(string(area), ginkgo.Ordered, ginkgo.ContinueOnFailure, func() {
		var observed *rows.Observed
		var readErr error
		ginkgo.BeforeAll(func(ctx ginkgo.SpecContext) {
			if slices.ContainsFunc(rs, func(r rows.Row) bool { return s.target.Has(r.Needs) }) {
				observed, readErr = s.reader.read(ctx, area)
			}
		}, ginkgo.NodeTimeout(readTimeout))
		for _, row := range rs {
			ginkgo.It(row.ID, ginkgo.Label(Label, string(area)), func() {
				f := s.judge(row, observed, readErr)
				ginkgo.AddReportEntry(findingEntry, f, ginkgo.ReportEntryVisibilityNever)
				if f.Verdict == rows.Skip {
					ginkgo.Skip(f.Reason)
				}
				gomega.Expect(f).To(comply)
			})
		}
	})
}

func (s *Suite) judge(row rows.Row, o *rows.Observed, readErr error) rows.Finding {
	if reason := s.target.Lacks(row.Needs); reason != "" {
		return row.NotServed(reason)
	}
	if readErr != nil {
		return row.Unreadable(readErr)
	}
	return row.Judge(o)
}

// comply matches a passing finding. Its failure message is the finding
// alone (section, row, expected, actual, resource), short and stable so
// that the same drift reads the same every night.
var comply = gcustom.MakeMatcher(func(f rows.Finding) (bool, error) {
	return f.Verdict == rows.Pass, nil
}).WithTemplate("{{.Actual}}")
