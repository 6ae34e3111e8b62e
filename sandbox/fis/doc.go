// Package fis is the sandbox's AWS Fault Injection Service: experiment
// templates and experiments as the FIS API has them, served on the
// sandbox's AWS endpoint (REST-JSON, through package awsapi), with the
// actions the runbook's drills need carried out by the sandbox's own
// pieces:
//
//   - aws:ecs:stop-task stops the targeted aws:ecs:task resources through
//     the region's ECS StopTask, so the service scheduler replaces them;
//   - aws:ecs:task-network-latency holds the sandbox's latency fault on the
//     services of the targeted tasks for the action's duration;
//   - aws:elasticache:replicationgroup-interrupt-az-power holds the
//     redis-primary fault (the primary is killed, Sentinel promotes a
//     replica) for the duration, then brings the old primary back as a
//     replica;
//   - aws:network:disrupt-connectivity holds the region-outage fault
//     (blackhole) on the experiment's region for the duration: every
//     subnet of a region loses its connectivity, its load balancer and
//     its data stores alike.
//
// An experiment runs on the platform clock: pending, initiating, running,
// then completed, stopped (StopExperiment, or a stop condition's
// CloudWatch alarm in ALARM) or failed, each action with its own state.
// Stopping reverts every fault the experiment holds before the experiment
// says stopped.
package fis
