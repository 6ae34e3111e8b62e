package ecs

import "time"

// Field names are AWS's own (ecs-2014-11-13), so a wire layer maps them one
// to one. A zero time.Time is a timestamp AWS leaves out.

// Task statuses, lastStatus and desiredStatus, in lifecycle order
// (task-lifecycle-explanation.html). The sandbox's tasks pass through
// every one of these; DEPROVISIONING is left out, having no network
// interface to detach.
const (
	StatusProvisioning = "PROVISIONING"
	StatusPending      = "PENDING"
	StatusActivating   = "ACTIVATING"
	StatusRunning      = "RUNNING"
	StatusDeactivating = "DEACTIVATING"
	StatusStopping     = "STOPPING"
	StatusStopped      = "STOPPED"
)

// Stop codes (TaskStopCode).
const (
	StopCodeTaskFailedToStart         = "TaskFailedToStart"
	StopCodeEssentialContainerExited  = "EssentialContainerExited"
	StopCodeUserInitiated             = "UserInitiated"
	StopCodeServiceSchedulerInitiated = "ServiceSchedulerInitiated"
)

// Health statuses of a task.
const (
	HealthUnknown = "UNKNOWN"
	HealthHealthy = "HEALTHY"
)

// LaunchTypeFargate is the one launch type the sandbox runs.
const LaunchTypeFargate = "FARGATE"

// ContainerDefinition is the part of a container definition the sandbox
// uses: the container's name (which a service's load balancer names), image
// (which a failed pull names) and stop timeout.
type ContainerDefinition struct {
	Name  string
	Image string
	// StopTimeout is how many seconds the container has between SIGTERM
	// and SIGKILL when its task stops; unset takes the cluster's
	// StopTimeout (30 s, Fargate's default). "For tasks using the Fargate
	// launch type, the max stop timeout value is 120 seconds"
	// (API_ContainerDefinition, stopTimeout).
	StopTimeout *int
}

// RegisterTaskDefinitionInput registers a new revision of a family.
type RegisterTaskDefinitionInput struct {
	Family string
	// Cpu is CPU units ("512") or vCPUs ("0.5 vCPU"); Memory is MiB
	// ("1024") or GB ("1 GB"). Fargate needs both, in a supported
	// combination.
	Cpu                     string
	Memory                  string
	NetworkMode             string
	RequiresCompatibilities []string
	ContainerDefinitions    []ContainerDefinition
}

// TaskDefinition is a registered revision.
type TaskDefinition struct {
	TaskDefinitionArn       string
	Family                  string
	Revision                int
	Status                  string
	Cpu                     string // CPU units
	Memory                  string // MiB
	NetworkMode             string
	RequiresCompatibilities []string
	ContainerDefinitions    []ContainerDefinition
	RegisteredAt            time.Time
}

// LoadBalancer binds a service's container to a target group.
type LoadBalancer struct {
	TargetGroupArn string
	ContainerName  string
	ContainerPort  int
}

// DeploymentConfiguration bounds a rolling update: at least
// MinimumHealthyPercent of the desired count stays RUNNING, at most
// MaximumPercent runs or starts at once.
type DeploymentConfiguration struct {
	MaximumPercent        int
	MinimumHealthyPercent int
}

// CreateServiceInput creates a service.
type CreateServiceInput struct {
	Cluster     string
	ServiceName string
	// TaskDefinition is family, family:revision or an ARN; a bare family
	// means its latest ACTIVE revision.
	TaskDefinition string
	// DesiredCount is required: the sandbox only has the REPLICA strategy.
	DesiredCount *int
	// LaunchType must be FARGATE or empty.
	LaunchType              string
	LoadBalancers           []LoadBalancer
	DeploymentConfiguration *DeploymentConfiguration
	// Tags are the service's resource tags, such as the runbook's cost
	// allocation tags.
	Tags []Tag
}

// Tag is a resource tag.
type Tag struct {
	Key   string
	Value string
}

// UpdateServiceInput changes a service; nil and empty members are left as
// they are.
type UpdateServiceInput struct {
	Cluster        string
	Service        string
	DesiredCount   *int
	TaskDefinition string
	// ForceNewDeployment starts a deployment that replaces every task,
	// even with the task definition unchanged.
	ForceNewDeployment bool
}

// ServiceEvent is one entry of a service's event stream.
type ServiceEvent struct {
	Id        string
	CreatedAt time.Time
	Message   string
}

// Deployment is one deployment of a service.
type Deployment struct {
	Id             string
	Status         string // PRIMARY or ACTIVE
	TaskDefinition string
	DesiredCount   int
	PendingCount   int
	RunningCount   int
	FailedTasks    int
	CreatedAt      time.Time
	UpdatedAt      time.Time
	LaunchType     string
	// RolloutState is IN_PROGRESS or COMPLETED.
	RolloutState       string
	RolloutStateReason string
}

// Service is a service as DescribeServices reports it.
type Service struct {
	ServiceArn              string
	ServiceName             string
	ClusterArn              string
	Status                  string
	TaskDefinition          string
	DesiredCount            int
	RunningCount            int
	PendingCount            int
	LaunchType              string
	SchedulingStrategy      string
	LoadBalancers           []LoadBalancer
	DeploymentConfiguration DeploymentConfiguration
	Deployments             []Deployment
	// Events are newest first, at most MaxServiceEvents.
	Events    []ServiceEvent
	CreatedAt time.Time
	// Tags are reported only when DescribeServices asks for TAGS.
	Tags []Tag
}

// Failure names a resource a Describe call did not find.
type Failure struct {
	Arn    string
	Reason string // MISSING
}

// DescribeServicesInput names up to 10 services, by name or ARN.
type DescribeServicesInput struct {
	Cluster  string
	Services []string
	// Include TAGS to have each service's tags reported.
	Include []string
}

// DescribeTaskDefinitionInput names a task definition: family,
// family:revision or an ARN.
type DescribeTaskDefinitionInput struct {
	TaskDefinition string
}

// DescribeTaskDefinitionOutput is the task definition found.
type DescribeTaskDefinitionOutput struct {
	TaskDefinition TaskDefinition
}

// ListClustersOutput lists the cluster ARNs of the region: one, as the
// sandbox runs one cluster per region.
type ListClustersOutput struct {
	ClusterArns []string
}

// DescribeServicesOutput holds the services found and failures for the
// others.
type DescribeServicesOutput struct {
	Services []Service
	Failures []Failure
}

// Cluster is a cluster as DescribeClusters reports it.
type Cluster struct {
	ClusterArn                        string
	ClusterName                       string
	Status                            string
	RunningTasksCount                 int
	PendingTasksCount                 int
	ActiveServicesCount               int
	RegisteredContainerInstancesCount int
}

// DescribeClustersInput names clusters; none means the default cluster.
type DescribeClustersInput struct {
	Clusters []string
}

// DescribeClustersOutput holds the clusters found and failures for the
// others.
type DescribeClustersOutput struct {
	Clusters []Cluster
	Failures []Failure
}

// Container is a task's one container.
type Container struct {
	Name       string
	Image      string
	LastStatus string
	// ExitCode is set once the container has exited.
	ExitCode *int
	// RuntimeId is the process id, as a string, while the process runs.
	RuntimeId string
}

// Task is a task as DescribeTasks reports it.
type Task struct {
	TaskArn           string
	ClusterArn        string
	TaskDefinitionArn string
	// Group is "service:<name>" for a service's task.
	Group         string
	StartedBy     string // the deployment id
	LaunchType    string
	Cpu           string
	Memory        string
	LastStatus    string
	DesiredStatus string
	HealthStatus  string
	CreatedAt     time.Time
	PullStartedAt time.Time
	PullStoppedAt time.Time
	StartedAt     time.Time
	StoppingAt    time.Time
	StoppedAt     time.Time
	StoppedReason string
	StopCode      string
	Containers    []Container

	// Sandbox extensions, not part of ECS's API: the task's process
	// (0 until started), its process group, and the base URL it serves.
	PID      int
	PGID     int
	Endpoint string
}

// ListTasksInput filters and pages tasks.
type ListTasksInput struct {
	Cluster     string
	ServiceName string
	Family      string
	// DesiredStatus is RUNNING (the default) or STOPPED; PENDING is
	// accepted and matches nothing, as in AWS.
	DesiredStatus string
	// MaxResults is 1-100, 0 meaning 100.
	MaxResults int
	NextToken  string
}

// ListTasksOutput is one page of task ARNs.
type ListTasksOutput struct {
	TaskArns  []string
	NextToken string
}

// DescribeTasksInput names up to 100 tasks, by id or ARN.
type DescribeTasksInput struct {
	Cluster string
	Tasks   []string
}

// DescribeTasksOutput holds the tasks found and failures for the others.
type DescribeTasksOutput struct {
	Tasks    []Task
	Failures []Failure
}

// StopTaskInput stops a task. Reason defaults to "Task stopped by user".
type StopTaskInput struct {
	Cluster string
	Task    string
	Reason  string
}
