package autoscaling

import (
	"fmt"
	"math"
	"slices"
	"time"
)

type activityRecord struct {
	seq uint64
	ScalingActivity
}

// key orders activities newest first, the order AWS lists them in.
func (r activityRecord) key() string { return fmt.Sprintf("%020d", math.MaxUint64-r.seq) }

func (r activityRecord) notScaled() bool { return len(r.NotScaledReasons) > 0 }

// recordLocked appends an activity on t and drops what has aged out. A
// failed activity that is not a not-scaled one is queued for the
// OnFailedActivity hook.
func (e *Engine) recordLocked(t *target, a ScalingActivity) {
	a.ActivityId = newUUID()
	a.ServiceNamespace, a.ResourceId, a.ScalableDimension = t.ServiceNamespace, t.ResourceId, t.ScalableDimension
	e.seq++
	r := activityRecord{seq: e.seq, ScalingActivity: a}
	e.activities = append(e.activities, r)
	if a.StatusCode == StatusFailed && !r.notScaled() {
		e.failed = append(e.failed, cloneActivity(a))
	}
	e.pruneLocked(a.StartTime)
}

// pruneLocked keeps the last ActivityRetention of activities, and at most
// maxActivities of them.
func (e *Engine) pruneLocked(now time.Time) {
	cutoff := now.Add(-ActivityRetention)
	drop := 0
	for drop < len(e.activities) && e.activities[drop].StartTime.Before(cutoff) {
		drop++
	}
	drop = max(drop, len(e.activities)-e.maxActivities)
	if drop > 0 {
		clear(e.activities[:drop])
		e.activities = e.activities[drop:]
	}
}

// setCapacityLocked sets the desired count and records the activity, in
// AWS's words (application-auto-scaling-scaling-activities.html):
// Description "Setting desired count to N.", and StatusMessage
// "Successfully set desired count to N. Change successfully fulfilled by
// ecs." or, on failure, "Failed to set desired count to N. Reason: …" (the
// form of AWS's failed examples). It reports success.
func (e *Engine) setCapacityLocked(t *target, n int, cause string, now time.Time) bool {
	err := e.capacity.SetDesiredCount(t.ResourceId, n)
	a := ScalingActivity{
		Description: fmt.Sprintf("Setting desired count to %d.", n),
		Cause:       cause,
		StartTime:   now,
		EndTime:     now,
		StatusCode:  StatusSuccessful,
	}
	if err != nil {
		a.StatusCode = StatusFailed
		a.StatusMessage = fmt.Sprintf("Failed to set desired count to %d. Reason: %v", n, err)
	} else {
		a.StatusMessage = fmt.Sprintf("Successfully set desired count to %d. Change successfully fulfilled by ecs.", n)
	}
	e.recordLocked(t, a)
	return err == nil
}

// recordNotScaledLocked records a policy's decision not to scale, shaped
// like AWS's example: Description "Attempting to scale due to alarm
// triggered", the alarm cause, StatusCode Failed and the reason.
func (e *Engine) recordNotScaledLocked(t *target, cause string, reason NotScaledReason, now time.Time) {
	e.recordLocked(t, ScalingActivity{
		Description:      "Attempting to scale due to alarm triggered",
		Cause:            cause,
		StartTime:        now,
		StatusCode:       StatusFailed,
		NotScaledReasons: []NotScaledReason{reason},
	})
}

func cloneActivity(a ScalingActivity) ScalingActivity {
	a.NotScaledReasons = slices.Clone(a.NotScaledReasons)
	for i, r := range a.NotScaledReasons {
		a.NotScaledReasons[i] = NotScaledReason{
			Code:            r.Code,
			CurrentCapacity: clonePtr(r.CurrentCapacity),
			MaxCapacity:     clonePtr(r.MaxCapacity),
			MinCapacity:     clonePtr(r.MinCapacity),
		}
	}
	return a
}

// DescribeScalingActivities lists activities newest first
// (API_DescribeScalingActivities): "By default, the scaling activities do
// not reflect times when Application Auto Scaling makes a decision about
// whether to not scale"; IncludeNotScaledActivities adds those.
func (e *Engine) DescribeScalingActivities(in DescribeScalingActivitiesInput) (DescribeScalingActivitiesOutput, error) {
	if err := checkFilter(in.ServiceNamespace, in.ScalableDimension, in.ResourceId != ""); err != nil {
		return DescribeScalingActivitiesOutput{}, err
	}
	e.mu.Lock()
	defer e.unlock()
	var all []activityRecord
	for i := len(e.activities) - 1; i >= 0; i-- {
		r := e.activities[i]
		if (in.ResourceId == "" || r.ResourceId == in.ResourceId) && (in.IncludeNotScaledActivities || !r.notScaled()) {
			all = append(all, r)
		}
	}
	page, next, err := paginate(all, activityRecord.key, "activities", in.MaxResults, in.NextToken)
	if err != nil {
		return DescribeScalingActivitiesOutput{}, err
	}
	out := DescribeScalingActivitiesOutput{NextToken: next, ScalingActivities: make([]ScalingActivity, len(page))}
	for i, r := range page {
		out.ScalingActivities[i] = cloneActivity(r.ScalingActivity)
	}
	return out, nil
}
