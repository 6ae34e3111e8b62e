// Package ecs is the sandbox's Amazon ECS for one cluster: task
// definitions, Fargate services with the REPLICA strategy, their tasks,
// and the service scheduler that keeps each service at its desired count.
// Tasks are real OS processes, started from a command line the sandbox's
// configuration builds (CommandFunc) and registered as IP targets with the
// service's target groups (TargetGroups; *lb.LoadBalancer is one).
//
// The API methods take and return AWS's shapes (ecs-2014-11-13), and their
// errors are *Error values with AWS's codes, so a wire layer maps them one
// to one. ControlPlane also serves Application Auto Scaling
// (autoscaling.Capacity and autoscaling.Deployments), publishes AWS/ECS
// CPUUtilization and MemoryUtilization through an lb.MetricSink, records
// task processes through a ProcessRecorder, and has a launch-failure fault
// hook (FailLaunches).
//
// # Time
//
// Control-plane durations are platform time, read from a clock.Clock: the
// start delay, the stop timeout, the reconcile interval, the metric
// minute, the retention of stopped tasks. Timestamps in the API are
// platform time. Two things are real time, because they measure real
// processes: how long a process may take to start listening
// (ProcessStartTimeout), and the busy seconds that CPU utilisation is
// computed from.
//
// # A task's life
//
//	PROVISIONING  first half of the start delay
//	PENDING       second half (the image pull); FailLaunches fails it here
//	ACTIVATING    process started, listening line read, /health passed;
//	              registering with the service's target groups
//	RUNNING       registered; counted in runningCount
//	DEACTIVATING  stopped (StopTask or the scheduler): draining from the
//	              target groups, up to their deregistration delay
//	STOPPING      SIGTERM to the process group, SIGKILL after the
//	              container's stopTimeout (the cluster's StopTimeout,
//	              30 s, when it has none)
//	STOPPED       stoppedReason and stopCode say why
//
// # Semantics chosen where AWS is silent or the sandbox differs
//
//   - The start delay (DefaultStartDelay, 60 s) is unconfirmed: Fargate
//     start-up of 30-90 s is commonly observed, not documented. It is
//     configurable per service.
//   - pendingCount counts PROVISIONING, PENDING and ACTIVATING tasks, all
//     of which are not yet running; AWS's text names PENDING only.
//   - StopTask stops as ECS does: drain, SIGTERM, SIGKILL after the stop
//     timeout; stopCode UserInitiated, stoppedReason the reason given or
//     "Task stopped by user". The runbook's killed-task fault is not
//     StopTask but a SIGKILL from outside (the sandbox's kill-task fault):
//     the process exits on its own, and the task stops with
//     EssentialContainerExited.
//   - A service named in Config.NoDraining (a deviation) has no draining:
//     every stop is a SIGKILL at once, and its targets stay registered,
//     taking requests that fail, until the load balancer's health checks
//     fail them; only then are they deregistered.
//   - To scale in, the scheduler stops tasks not yet RUNNING first, then
//     RUNNING ones, newest first (see victims).
//   - A process that exits on its own stops its task with
//     EssentialContainerExited; the scheduler replaces it. A task that
//     cannot start (its command, its listening line, its health check,
//     its recording) stops with TaskFailedToStart and
//     "CannotStartContainerError: ..." and is replaced; ECS would also
//     throttle a service whose tasks keep failing, which the sandbox does
//     not.
//   - A task runs the first container of its task definition, as its one
//     process and its one container.
//   - The healthStatus of a RUNNING task is HEALTHY: the sandbox's
//     /health probe before registration stands for a container health
//     check.
//   - Events: "has started N tasks" when the scheduler launches them;
//     "registered 1 targets in (target-group ARN)" on registration; "has
//     begun draining connections on 1 tasks." when a stop starts to
//     drain; "deregistered 1 targets in (target-group ARN)" once drained;
//     "has stopped 1 running tasks: (task ID)." when the scheduler's stop
//     reaches the process (or cancels a task not yet started);
//     "(deployment ID) deployment completed." and "has reached a steady
//     state." once, when reached. AWS repeats the steady-state event every
//     few hours; the sandbox does not.
//   - Stopped tasks are kept StoppedTaskRetention (one hour), the least AWS
//     promises.
package ecs
