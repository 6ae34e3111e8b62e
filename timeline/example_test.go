package timeline_test

import (
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/gameday-sre/gameday/timeline"
)

func Example() {
	var file strings.Builder
	log := timeline.New(&file)

	// The caller supplies platform time; here the target's clock read 12:00.
	at := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	if _, err := log.Append(at, timeline.AlarmTransition{Alarm: "api-cpu-high", From: "OK", To: "ALARM"}); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return
	}
	if _, err := log.Append(at.Add(2*time.Minute), timeline.CapacitySample{Service: "api", Desired: 6, Running: 3, Pending: 3}); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return
	}
	fmt.Print(file.String())

	events, err := timeline.Read(strings.NewReader(file.String()))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return
	}
	for _, ev := range events {
		if c, ok := ev.Data.(timeline.CapacitySample); ok {
			fmt.Printf("seq %d: %s desired %d\n", ev.Seq, c.Service, c.Desired)
		}
	}
	// Output:
	// {"v":1,"seq":1,"at":"2026-03-01T12:00:00Z","kind":"alarm.transition","data":{"alarm":"api-cpu-high","from":"OK","to":"ALARM"}}
	// {"v":1,"seq":2,"at":"2026-03-01T12:02:00Z","kind":"capacity.sample","data":{"service":"api","desired":6,"running":3,"pending":3}}
	// seq 2: api desired 6
}
