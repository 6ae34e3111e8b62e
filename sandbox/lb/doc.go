// Package lb is the sandbox's Application Load Balancer for one region: an
// HTTP listener that forwards each request, by path rule, to one target
// group and round-robins it over that group's targets, with health checks,
// deregistration that drains, the ALB's own error codes and its CloudWatch
// metrics (namespace AWS/ApplicationELB), published once per platform
// minute through a MetricSink.
//
// Names and identifiers are AWS's: a load balancer has the ARN suffix
// app/<name>/<id> (the value of the LoadBalancer dimension), a target
// group targetgroup/<name>/<id> (the TargetGroup dimension), and targets
// are registered by target group ARN as IP targets {Id, Port}, the kind an
// ECS service on Fargate (network mode awsvpc) registers.
//
// # Time
//
// Control-plane durations are platform time, read from a clock.Clock:
// health check intervals, the deregistration delay, the metric minute.
// Request latencies are not: a request crosses real sockets to a real
// process that serves it in real time, so its latency, the
// TargetResponseTime published and the timeouts that bound a request (the
// health check timeout, the idle timeout) are real seconds. Scaling them
// by the clock would turn a 10 ms answer into 600 ms at 60x and set off the
// runbook's latency alarm (p90 above 0.5 s) on a healthy platform; a load
// generator measures the same real latencies the ALB reports.
//
// # Semantics chosen where AWS is silent or the sandbox differs
//
//   - Rules are path patterns tried in the order configured (AWS orders
//     them by priority); the first match forwards, otherwise the default
//     action does. Patterns use AWS's wildcards: * any characters, ? one.
//   - A new target is "initial" until it passes one health check ("After
//     your target is registered, it must pass one health check to be
//     considered healthy", target-group-health-checks.html). The sandbox
//     checks a target at once on registration rather than at the next
//     interval, so a new task takes traffic after one check.
//   - Requests go to healthy targets. When a group has targets but none is
//     healthy, requests go to all of them: "If a target group contains only
//     unhealthy registered targets, the load balancer routes requests to
//     all those targets, regardless of their health status" (fail-open,
//     same page). The sandbox treats targets still in "initial" the same.
//     A group with no registered target answers 503.
//   - Only health checks take a target out of rotation, as in AWS: a
//     target that refuses connections (its process is gone) keeps its
//     share of requests, each answered 502, until UnhealthyThreshold
//     checks in a row have failed, and is healthy again after
//     HealthyThreshold passes. Unhealthy tells when the checks fail it.
//   - A health check of a healthy target whose process has not changed
//     since its last real check passed (Config.Unchanged: it has not
//     exited, no fault has changed how it answers) passes without an
//     exchange. It still counts on its interval, so the thresholds count
//     the same rounds, and the first round after a change is a real
//     check again: a killed task fails after UnhealthyThreshold intervals,
//     as AWS would fail it, at no cost while nothing changes.
//   - A refused or reset connection answers 502 and a target that does not
//     answer within the idle timeout 504, as ALB does
//     (load-balancer-troubleshooting.html, HTTP 502 and 504).
//   - Deregistration drains: the target gets no new requests, and leaves
//     once its in-flight requests finish ("If a deregistering target has no
//     in-flight requests and no active connections, Elastic Load Balancing
//     immediately completes the deregistration process",
//     load-balancer-target-groups.html, Deregistration delay) or when the
//     deregistration delay runs out, whichever is first.
//   - A request counts in the platform minute in which it completes.
//   - Metrics are published with the dimension sets AWS documents
//     (load-balancer-cloudwatch-metrics.html) and only when AWS reports
//     them: RequestCount, TargetResponseTime and the 5XX counts when there
//     is a nonzero value; HealthyHostCount and UnHealthyHostCount every
//     minute ("Reported if health checks are enabled", as they always are
//     here), sampled at each round of health checks; RequestCountPerTarget
//     every minute ("Always reported"), while the group has registered
//     targets to divide by. RequestCount counts requests for which a target was chosen;
//     the 503s of a group without targets are only HTTPCode_ELB_5XX_Count.
//     HTTPCode_ELB_5XX_Count has no TargetGroup dimension in AWS, so it is
//     published per load balancer only.
//   - RequestCountPerTarget divides a group's RequestCount by the number of
//     its registered targets (draining ones excluded) at the end of the
//     minute. AWS does not publish its divisor.
//   - Request counts are weighted by Config.RequestWeight, the clock's
//     scale in the sandbox: requests come at real rates and a task's
//     capacity is per real second, so a platform minute of 60/scale real
//     seconds counts as a minute of the modelled platform at that rate.
//     Requests paced on the platform clock instead, Route 53's health
//     checks through the HTTPS listener, are over-counted by the same
//     factor; they go to the default (frontend) target group, whose counts
//     no policy or alarm of the runbook reads.
package lb
