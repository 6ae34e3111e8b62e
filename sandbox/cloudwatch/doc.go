// Package cloudwatch is the sandbox's CloudWatch engine: a metric store,
// statistics (GetMetricStatistics, GetMetricData, ListMetrics), metric
// alarms with their evaluation and history, and dashboards. It is pure logic
// with no wire protocol: a separate package decodes requests into the input
// structs here and encodes the outputs and *Error values back, using
// Error.Code and Error.HTTPStatus.
//
// Field and type names are AWS's own (API reference, monitoring-2010-08-01),
// so the wire layer maps them one to one. Every time is platform time: the
// Engine reads a clock.Clock for the moments AWS takes from its own clock
// (the default Timestamp of a datum, the timestamps of history items made
// by API calls, the age of a query's StartTime), and Evaluate takes the
// evaluation instant explicitly, so tests are deterministic and never
// sleep.
//
// User code publishes with PutMetricData, which refuses the reserved "AWS/"
// namespaces as CloudWatch does; the sandbox's imitations of AWS services
// publish with PutServiceMetricData. A background loop calls Evaluate every
// platform minute. Alarm actions are executed outside the engine
// (scalingalarms.Act subscribes with OnTransition): whoever executes one
// reports the outcome with RecordAction, as an Action history item, and
// Notification gives the message an SNS action publishes.
//
// # Semantics chosen where AWS is silent
//
// Each rule AWS documents carries its source at the code that implements
// it; these are the places where the sandbox had to choose.
//
//   - Percentiles use the nearest-rank method on the raw values, Counts
//     weighting them: pNN is the smallest value at or below which at least
//     NN% of the samples lie; p0 is the minimum. AWS does not publish its
//     interpolation.
//   - Only percentile extended statistics (pNN.NN) are supported: trimmed
//     and winsorized means, trimmed counts and sums, percentile ranks and
//     IQM are rejected with InvalidParameterValue naming the sandbox as the
//     reason, as are metric math and Metrics Insights queries.
//   - Alarms evaluate windows of Period seconds, the newest ending at the
//     evaluation instant truncated to the minute (to the period for 10, 20
//     and 30 s alarms), stepping back by Period. They slide by the minute
//     rather than sit on multiples of the period, because AWS alarms
//     evaluate every minute and stamp 5-minute datapoints on whole minutes
//     (13:14, 13:19, 13:24) in their state reasons. Queries, by contrast,
//     bucket from their rounded StartTime, as AWS documents.
//   - The evaluation range, how many periods an alarm looks back for real
//     datapoints, is EvaluationPeriods + 2: AWS gives only the example of 3
//     evaluation periods with a range of 5.
//   - With TreatMissingData missing (or ignore), when fewer real datapoints
//     than EvaluationPeriods exist, all of them breach, they are too few to
//     alarm and the oldest is too recent for AWS's "premature alarm state"
//     rule, the outcome is undecided: INSUFFICIENT_DATA (ignore: no change).
//     That is what the earlier version of AWS's page showed for "- - - - X";
//     the current page says only that such an alarm does not go to ALARM.
//     See evaluateLocked for the whole rule.
//   - The sandbox has no ingestion delay: a datapoint counts as soon as it
//     is stored.
//   - Metric data older than the retention (DefaultRetention, or
//     WithRetention) is dropped, except what alarms on the metric still
//     need, so memory is bounded by retention × publish rate.
//   - Reasons and history data follow AWS's wording and JSON shape where it
//     has been observed; where it has not (a partly filled evaluation, the
//     data of Action items, the key of a percentile in stateReasonData) the
//     sandbox writes the closest analogue.
package cloudwatch
