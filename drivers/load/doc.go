// Package load is the harness's load generator: vegeta's lib, in platform time.
//
// A Profile (Steady, Ramp, Step, Max, joined with append) says what rate to
// send for how long. Rates are requests per real second, what the load
// balancer sees; durations are platform time, as in the runbook, and the
// Attacker converts them through the target's clock, so a 60x sandbox runs a
// six-minute plan in six real seconds at the planned rate. Users turns the
// runbook's concurrent users into such a rate with the spec's constants.
//
// An Attacker runs a profile against one Target, through a vegeta.Attacker
// paced by the profile, and measures what it really sent: per platform
// minute (aligned to the clock's minutes, as CloudWatch's periods are) it
// records a timeline.LoadWindow with the planned and the delivered rate,
// success, latency quantiles and status codes. Summary.Shortfall says which
// windows delivered less than planned, so that a suite can call its verdict
// inconclusive rather than blame the platform for load it never received
// (design principle 9). Raw results can be kept in vegeta's own encoding,
// which `vegeta report` and `vegeta plot` read.
//
// Results stream: each one is added to the overall vegeta.Metrics and to its
// window's, and is then dropped, so memory does not grow with the number of
// requests.
package load
