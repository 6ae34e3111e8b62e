package plan

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"time"
)

// Render writes the plan for a reader: every fault with its revert, window,
// limits and calls, then what the run touches, the maintenance windows and
// the providers' limits, and whether gameday run would start now.
func Render(w io.Writer, p *Plan) error {
	var b strings.Builder
	fmt.Fprintf(&b, "plan for target %s", p.Target)
	if p.Environment != "" {
		fmt.Fprintf(&b, " (environment %s)", p.Environment)
	}
	fmt.Fprintf(&b, " at platform time %s: suites %s", p.At.Format(time.RFC3339), strings.Join(p.Suites, ", "))
	if p.LabelFilter != "" {
		fmt.Fprintf(&b, ", labels %q", p.LabelFilter)
	}
	b.WriteString("\nnothing was changed: every call made to build this plan reads\n\n")
	fmt.Fprintf(&b, "FAULTS (%d)\n", len(p.Faults))
	for i, f := range p.Faults {
		fmt.Fprintf(&b, "%d. %s on %s  [%s]\n", i+1, f.Kind, f.On, f.Experiment)
		fmt.Fprintf(&b, "   revert:  %s\n", f.Revert)
		fmt.Fprintf(&b, "   window:  %s\n", f.Window)
		fmt.Fprintf(&b, "   limits:  %s\n", f.Limits)
		calls := "none on AWS"
		if len(f.Calls) > 0 {
			calls = strings.Join(f.Calls, ", ")
		}
		fmt.Fprintf(&b, "   calls:   %s\n", calls)
	}
	if len(p.Faults) == 0 {
		b.WriteString("none: the chosen specs drive load and read, and inject nothing\n")
	}
	b.WriteString("\nTOUCHES\n")
	for _, svc := range slices.Sorted(maps.Keys(p.Touches.Tasks)) {
		fmt.Fprintf(&b, "tasks of %s: %s\n", svc, orNone(p.Touches.Tasks[svc]))
	}
	fmt.Fprintf(&b, "health checks: %s\n", orNone(p.Touches.HealthChecks))
	fmt.Fprintf(&b, "alarms watched: %s\n", orNone(p.Touches.Alarms))
	fmt.Fprintf(&b, "replication groups: %s\n", orNone(p.Touches.ReplicationGroups))
	for _, u := range p.Touches.Unread {
		fmt.Fprintf(&b, "not read: %s\n", u)
	}
	b.WriteString("\nSAFETY\n")
	fmt.Fprintf(&b, "blast radius: maxTasks %d, maxPercent %d, minHealthyTasks %d per service (0: no limit); one region at a time\n", p.Limits.MaxTasks, p.Limits.MaxPercent, p.Limits.MinHealthyTasks)
	sc := p.StopConditions
	fmt.Fprintf(&b, "stop conditions: alarms %s, maxErrorRate %g, maxP99 %s\n", orNone(sc.Alarms), sc.MaxErrorRate, sc.MaxP99)
	fmt.Fprintf(&b, "%s (engaged by 'gameday stop --all')\n", p.KillSwitch)
	b.WriteString("\nMAINTENANCE WINDOWS (runbook: Scheduled Maintenance Windows)\n")
	for _, win := range p.Maintenance {
		state := "next " + win.Next.Format("Mon 2006-01-02 15:04")
		if win.Inside {
			state = "NOW, until " + win.Ends.Format("15:04")
		}
		applies := "another region's"
		if win.Applies {
			applies = "this target's region"
		}
		fmt.Fprintf(&b, "%s: %s (%s)\n", win, state, applies)
	}
	if !p.KeepsCalendar {
		b.WriteString("(target " + p.Target + " keeps no calendar: its platform time is a test's)\n")
	}
	b.WriteString("\nPROVIDER LIMITS\n")
	for _, l := range p.Providers {
		fmt.Fprintf(&b, "%s: %d used, %d planned (%s)\n", l.Rule, l.Used, l.Planned, l.Source)
	}
	b.WriteString("\n")
	if err := p.Err(); err != nil {
		fmt.Fprintf(&b, "gameday run would refuse: %v\n", err)
	} else {
		b.WriteString("gameday run would start now\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func orNone(s []string) string {
	if len(s) == 0 {
		return "none"
	}
	return strings.Join(s, ", ")
}
