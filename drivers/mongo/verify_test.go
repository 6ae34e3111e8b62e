package mongo

import (
	"reflect"
	"strconv"
	"testing"
	"time"
)

func TestTally(t *testing.T) {
	t0 := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	// w builds write seq, sent seq seconds after t0.
	w := func(seq int64, accepted, acked bool) Write {
		return Write{Seq: seq, ID: "p:" + strconv.FormatInt(seq, 10), At: t0.Add(time.Duration(seq) * time.Second), Accepted: accepted, Acknowledged: acked}
	}
	for _, tc := range []struct {
		name    string
		writes  []Write
		present []int64
		want    Report
	}{
		{
			name:    "nothing lost",
			writes:  []Write{w(1, true, true), w(2, true, true)},
			present: []int64{1, 2},
			want:    Report{Accepted: 2, Acknowledged: 2},
		},
		{
			name:    "unacknowledged writes rolled back: the window starts at the last survivor",
			writes:  []Write{w(1, true, true), w(2, true, true), w(3, true, false), w(4, true, false), w(5, false, false), w(6, true, true)},
			present: []int64{1, 2, 6},
			want: Report{Accepted: 5, Acknowledged: 3,
				Lost:       []Write{w(3, true, false), w(4, true, false)},
				LossWindow: 2 * time.Second},
		},
		{
			name:    "an acknowledged write lost",
			writes:  []Write{w(1, true, true), w(2, true, true), w(3, true, true)},
			present: []int64{1, 3},
			want: Report{Accepted: 3, Acknowledged: 3,
				Lost:             []Write{w(2, true, true)},
				LostAcknowledged: []Write{w(2, true, true)},
				LossWindow:       time.Second},
		},
		{
			name:    "nothing survived: the window starts at the first lost write",
			writes:  []Write{w(1, true, false), w(2, true, false), w(4, true, false)},
			present: nil,
			want: Report{Accepted: 3,
				Lost:       []Write{w(1, true, false), w(2, true, false), w(4, true, false)},
				LossWindow: 3 * time.Second},
		},
		{
			name:    "writes never accepted are not expected",
			writes:  []Write{w(1, false, false), w(2, true, true)},
			present: []int64{2},
			want:    Report{Accepted: 1, Acknowledged: 1},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			present := map[string]bool{}
			for _, seq := range tc.present {
				present[w(seq, false, false).ID] = true
			}
			if got := tally(tc.writes, present); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("tally\n got %+v\nwant %+v", got, tc.want)
			}
		})
	}
}
