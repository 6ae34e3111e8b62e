package compliance

import (
	"context"

	"github.com/gameday-sre/gameday/suites/compliance/rows"
	"github.com/gameday-sre/gameday/targets"
)

// Drift reads the target's configuration in one area, afresh, and judges
// each of the area's rows as `gameday check` does, without Ginkgo: what a
// behavioural spec asks to see a change it made reported as drift.
func Drift(ctx context.Context, t *targets.Target, area rows.Area) ([]rows.Finding, error) {
	if err := check(t.Profile); err != nil {
		return nil, err
	}
	r := newReader(t)
	var out []rows.Finding
	for _, row := range rows.Rows(t.Spec, t.Names) {
		if row.Area != area {
			continue
		}
		if reason := t.Lacks(row.Needs); reason != "" {
			out = append(out, row.NotServed(reason))
			continue
		}
		o, err := r.read(ctx, area)
		if err != nil {
			return nil, err
		}
		out = append(out, row.Judge(o))
	}
	return out, nil
}
