// Package route53 is the sandbox's Route 53: hosted zones, simple and
// failover record sets (with alias targets and EvaluateTargetHealth), and
// health checks that really probe their endpoints (HTTP, HTTPS, string
// match, TCP) from the eight checker locations, each keeping its own count
// of consecutive results against FailureThreshold. Answer gives what the
// zones' name servers answer at that moment; package dnsserver serves it
// over real DNS, and ServeAWS serves the API to unmodified clients through
// package awsapi.
//
// Field and type names are AWS's own (route53-2013-04-01), so the wire
// layer maps them one to one. Every interval is platform time, read from a
// clock.Clock: a 30 s RequestInterval passes in half a real second on a
// 60x clock. A probe's own timeouts are platform time too, with a
// real-time floor (MinProbeTimeout); probe.go says why.
// Health changes are published to OnHealthChange subscribers, stamped in
// platform time, for the harness timeline.
//
// # Semantics chosen where AWS is silent or the sandbox differs
//
//   - The checkers probe together, a burst of eight requests each
//     interval; AWS only says they are uncoordinated, so that bursts
//     happen. The rule stays AWS's (healthy while more than 18 % of the
//     checkers say so), but in one phase the checkers flip together: a
//     check turns unhealthy, and healthy again, between
//     (FailureThreshold-1) and FailureThreshold intervals after the
//     endpoint changes, where it is in the interval deciding which.
//   - Checkers start healthy, as AWS treats a new check, and flip after
//     FailureThreshold consecutive results that disagree with them, in
//     both directions.
//   - Disabled makes a check healthy, and Inverted then flips that, so
//     that disabling and inverting forces it unhealthy, the way AWS's
//     documentation suggests to stop traffic to a resource.
//   - Any address may be probed, loopback included; AWS refuses local and
//     private ranges, but the sandbox's endpoints live on loopback.
//   - Names are resolved by the Resolver option, then by the engine's own
//     hosted zones, never by the host's resolver: the sandbox must not
//     probe the Internet's example.com.
//   - An alias whose HostedZoneId is not one of the engine's zones (a load
//     balancer's, CloudFront's Z2FDTNDATAQYW2) is resolved through the
//     Resolver, or, when it does not know the name, in the hosted zones,
//     as public DNS would; its health for EvaluateTargetHealth is what the
//     TargetHealth option says, by default whether it resolves. An alias
//     target that is a group of record sets is healthy when any of them
//     is.
//   - Changes take effect at once: ChangeInfo is INSYNC from the start,
//     where AWS answers PENDING and propagates within about a minute.
//   - Only public zones, and only simple and failover routing; CALCULATED,
//     CLOUDWATCH_METRIC and RECOVERY_CONTROL checks are refused with
//     InvalidInput naming the sandbox. Wildcard names are stored but not
//     expanded in answers.
//   - Record sets with the same name and type sort by set identifier in
//     ListResourceRecordSets, which AWS leaves unsaid.
package route53
