// Package autoscaling is the sandbox's Application Auto Scaling engine for
// ECS services (namespace ecs, dimension ecs:service:DesiredCount): scalable
// targets, target tracking and step scaling policies, scheduled actions and
// scaling activities. It is pure logic with no wire protocol: a separate
// package decodes requests into the input structs here and encodes the
// outputs and *Error values back. Field names are AWS's own
// (application-autoscaling-2016-02-06), so that mapping is one to one.
//
// The engine reaches the rest of the sandbox through three small
// interfaces it defines: Capacity (an ECS service's desired count), Alarms
// (the CloudWatch alarms policies create and are invoked by) and,
// optionally, Deployments. Time is platform time: API calls read a Clock
// for the moments AWS takes from its own clock, and the sandbox calls Tick
// once per platform minute with the current time, so tests are
// deterministic and never sleep. An alarm's transition invokes a policy at
// once through InvokePolicy (the sandbox's alarm actions); Tick re-invokes
// the policies of alarms that stay in ALARM. Policies size their changes
// with the datapoints of the alarm's StateReasonData, as AWS's do.
//
// The rules AWS documents carry their source at the code that implements
// them; aws-semantics.md (Application Auto Scaling) is the summary they
// were built from.
//
// # Semantics chosen where AWS is silent
//
//   - Target tracking's alarm figures and its capacity arithmetic are the
//     Model (DefaultModel): AlarmHigh metric > target, 3 of 3 × 60 s;
//     AlarmLow metric < 0.9 × target, 15 of 15 × 60 s; scale-out to
//     ceil(current × metric / target); scale-in by removing
//     floor(current − current × metric / target) tasks. All observed or
//     modelled, none published.
//   - Inside a scale-out cooldown, the next scale-out computes from the
//     capacity before the scale-out that started the cooldown (that is how
//     "capacity added counts" is read), and a further scale-out restarts
//     the cooldown without moving that base.
//   - A scale-out starts or continues the cooldown of every policy that
//     asked for it, and ends the scale-in cooldown of every policy on the
//     target; a scale-in starts the scale-in cooldown of every policy that
//     asked for it.
//   - Several policies in one minute: scale-out, if any policy asks, to the
//     largest capacity asked for; otherwise scale-in to the largest
//     capacity among step policies asking and, if every target tracking
//     policy with scale-in enabled asks, those too.
//   - Not-scaled activities (StatusCode Failed with NotScaledReasons) are
//     recorded once per minute per triggered policy that computed no
//     change, and only in minutes when nothing scaled. A cooldown, a
//     suspension or a deployment blocks silently.
//   - Capacity changes are synchronous, so activities are Successful or
//     Failed at once; EndTime equals StartTime.
//   - A scheduled action runs in the minute its time falls in (an at time's
//     seconds are dropped); rate schedules count from the StartTime, or
//     from creation with the first run one period later; each due action
//     runs once per Tick in the order it fell due. A scheduled action whose
//     single bound would cross the other fails and changes nothing.
//   - Changing a policy's type is refused; Timezone "Local" is refused.
//   - TargetValue must be positive (the arithmetic divides by it).
//   - MinAdjustmentMagnitude is ignored except with PercentChangeInCapacity,
//     the only type it is documented for.
//   - No ConcurrentUpdateException: updates are serialised (see ErrorCode).
//   - Activity history keeps six weeks but at most DefaultMaxActivities.
package autoscaling
