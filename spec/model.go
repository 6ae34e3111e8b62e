// Package spec is the runbook as typed data: the model every suite reads its
// expectations from, its strict loader and its internal-consistency rules.
//
// Keys are the json tags below, shared by the YAML loader and `spec show -o
// json`, so both speak the same names. A field tagged omitempty is optional in
// the YAML; every other field must be present. `range:"min,max"` (either side
// may be empty) and `enum:"a|b"` are checked while loading, so the error points
// at the offending line.
package spec

// SchemaVersion is the spec format this package reads.
const SchemaVersion = 1

// Platform is the whole runbook.
type Platform struct {
	SchemaVersion      int                 `json:"schemaVersion"`
	Runbook            Runbook             `json:"runbook"`
	CapacityGoal       CapacityGoal        `json:"capacityGoal"`
	Cluster            string              `json:"cluster"`
	Services           []Service           `json:"services"`
	DataTier           DataTier            `json:"dataTier"`
	ScheduledActions   []ScheduledAction   `json:"scheduledActions"`
	ManualScaling      ManualScaling       `json:"manualScaling"`
	PreScaling         PreScaling          `json:"preScaling"`
	Emergency          Emergency           `json:"emergency"`
	Regions            Regions             `json:"regions"`
	Route53            Route53             `json:"route53"`
	Replication        Replication         `json:"replication"`
	Alarms             []Alarm             `json:"alarms"`
	CustomMetrics      []CustomMetric      `json:"customMetrics"`
	Dashboard          Dashboard           `json:"dashboard"`
	Budget             Budget              `json:"budget"`
	CostAllocationTags CostAllocationTags  `json:"costAllocationTags"`
	CostApproaches     CostApproaches      `json:"costApproaches"`
	MaintenanceWindows MaintenanceWindows  `json:"maintenanceWindows"`
	Experiments        Experiments         `json:"experiments"`
	Decisions          map[string]Decision `json:"decisions"`

	file      string
	positions map[string]Position
}

// Runbook identifies the document the spec was taken from.
type Runbook struct {
	Title        string `json:"title"`
	Revision     string `json:"revision"`
	RevisionDate Date   `json:"revisionDate"`
}

// CapacityGoal is the concurrency range the platform is designed for.
type CapacityGoal struct {
	Source             string `json:"source"`
	MinConcurrentUsers int    `json:"minConcurrentUsers" range:"1,"`
	MaxConcurrentUsers int    `json:"maxConcurrentUsers" range:"1,"`
}

// Service is one ECS service and everything the runbook says about it.
type Service struct {
	ID             string         `json:"id"`
	Component      string         `json:"component"`
	ECSService     string         `json:"ecsService"`
	LoadBalancer   string         `json:"loadBalancer"`
	TargetGroup    string         `json:"targetGroup"`
	ScalingType    ScalingType    `json:"scalingType"`
	Baseline       Baseline       `json:"baseline"`
	Limits         Limits         `json:"limits"`
	Allocation     Allocation     `json:"allocation"`
	Triggers       Triggers       `json:"triggers"`
	ScalableTarget ScalableTarget `json:"scalableTarget"`
	Policies       []Policy       `json:"policies"`
}

// ScalingType is a row of "Scaling Types".
type ScalingType struct {
	Source             string `json:"source"`
	Type               string `json:"type"`
	PrimaryMetric      string `json:"primaryMetric"`
	ResourceConstraint string `json:"resourceConstraint"`
}

// Range is an inclusive numeric range such as "0.5-1 vCPU".
type Range struct {
	Min float64 `json:"min" range:"0,"`
	Max float64 `json:"max" range:"0,"`
}

// Baseline is a row of "Baseline Resource Allocation".
type Baseline struct {
	Source       string `json:"source"`
	VCPU         Range  `json:"vcpu"`
	MemoryGiB    int    `json:"memoryGiB" range:"1,"`
	StorageGiB   int    `json:"storageGiB" range:"1,"`
	Network      string `json:"network" enum:"Low|Medium|High"`
	MinInstances int    `json:"minInstances" range:"0,"`
}

// Limits is a row of "Scaling Limits".
type Limits struct {
	Source       string  `json:"source"`
	MaxInstances int     `json:"maxInstances" range:"1,"`
	MaxVCPU      float64 `json:"maxVCPU" range:"0,"`
	MaxMemoryGiB int     `json:"maxMemoryGiB" range:"1,"`
	Notes        string  `json:"notes,omitempty"`
}

// Allocation is a row of "Resource Allocation Policy": what one task gets.
type Allocation struct {
	Source          string  `json:"source"`
	VCPU            float64 `json:"vcpu" range:"0.25,16"`
	MemoryGiB       float64 `json:"memoryGiB" range:"0.5,120"`
	ReservedPercent float64 `json:"reservedPercent" range:"0,100"`
}

// Triggers is a row of "Scaling Triggers and Rules". For is zero where the
// runbook gives no duration.
type Triggers struct {
	Source        string     `json:"source"`
	Metric        string     `json:"metric"`
	Unit          string     `json:"unit" enum:"Percent|Count"`
	ScaleOut      Threshold  `json:"scaleOut"`
	ScaleIn       *Threshold `json:"scaleIn,omitempty"`
	ScaleInManual bool       `json:"scaleInManual,omitempty"`
	Cooldown      Duration   `json:"cooldown,omitempty"`
}

// Threshold is one side of a trigger: above or below a value, optionally for
// a sustained duration.
type Threshold struct {
	Above *float64 `json:"above,omitempty" range:"0,"`
	Below *float64 `json:"below,omitempty" range:"0,"`
	For   Duration `json:"for,omitempty"`
}

// ScalableTarget is an Application Auto Scaling scalable target.
type ScalableTarget struct {
	Source      string `json:"source"`
	MinCapacity int    `json:"minCapacity" range:"0,"`
	MaxCapacity int    `json:"maxCapacity" range:"0,"`
}

// Policy is a scaling policy as the runbook's put-scaling-policy commands
// give it.
type Policy struct {
	Source           string      `json:"source"`
	Name             string      `json:"name"`
	Type             string      `json:"type" enum:"TargetTrackingScaling|StepScaling"`
	TargetValue      float64     `json:"targetValue" range:"0,"`
	PredefinedMetric string      `json:"predefinedMetric,omitempty" enum:"ECSServiceAverageCPUUtilization|ECSServiceAverageMemoryUtilization|ALBRequestCountPerTarget"`
	CustomizedMetric *MetricSpec `json:"customizedMetric,omitempty"`
	ScaleOutCooldown Duration    `json:"scaleOutCooldown"`
	ScaleInCooldown  Duration    `json:"scaleInCooldown"`
	DisableScaleIn   bool        `json:"disableScaleIn,omitempty"`
	ResourceLabel    string      `json:"resourceLabel,omitempty"`
}

// MetricSpec is a customized metric specification.
type MetricSpec struct {
	MetricName string      `json:"metricName"`
	Namespace  string      `json:"namespace"`
	Dimensions []Dimension `json:"dimensions"`
	Statistic  string      `json:"statistic" enum:"Average|Minimum|Maximum|SampleCount|Sum"`
	Unit       string      `json:"unit,omitempty"`
}

// Dimension is a CloudWatch metric dimension.
type Dimension struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// DataTier is the database and the cache.
type DataTier struct {
	Database DataStore `json:"database"`
	Cache    DataStore `json:"cache"`
}

// DataStore is the database or cache rows of the sizing and trigger tables.
type DataStore struct {
	Source             string        `json:"source"`
	Component          string        `json:"component"`
	ScalingType        string        `json:"scalingType"`
	PrimaryMetric      string        `json:"primaryMetric"`
	ResourceConstraint string        `json:"resourceConstraint"`
	Baseline           StoreBaseline `json:"baseline"`
	Limits             StoreLimits   `json:"limits"`
	Triggers           Triggers      `json:"triggers"`
}

// StoreBaseline is a data-tier row of "Baseline Resource Allocation".
type StoreBaseline struct {
	Source      string `json:"source"`
	VCPU        Range  `json:"vcpu"`
	MemoryGiB   int    `json:"memoryGiB" range:"1,"`
	StorageGiB  int    `json:"storageGiB" range:"1,"`
	StorageNote string `json:"storageNote,omitempty"`
	Network     string `json:"network" enum:"Low|Medium|High"`
	MinNodes    int    `json:"minNodes" range:"1,"`
	Replicas    int    `json:"replicas,omitempty" range:"0,"`
}

// StoreLimits is a data-tier row of "Scaling Limits".
type StoreLimits struct {
	Source                 string `json:"source"`
	MaxVCPU                int    `json:"maxVCPU" range:"1,"`
	MaxMemoryGiB           int    `json:"maxMemoryGiB" range:"1,"`
	MaxReadReplicas        int    `json:"maxReadReplicas,omitempty" range:"0,15"`
	MaxShards              int    `json:"maxShards,omitempty" range:"0,500"`
	ClusterModeAutoScaling bool   `json:"clusterModeAutoScaling,omitempty"`
	Notes                  string `json:"notes,omitempty"`
}

// ScheduledAction is an Application Auto Scaling scheduled action.
type ScheduledAction struct {
	Source      string   `json:"source"`
	Name        string   `json:"name"`
	Service     string   `json:"service"`
	Schedule    Schedule `json:"schedule"`
	Timezone    string   `json:"timezone,omitempty"`
	MinCapacity int      `json:"minCapacity" range:"0,"`
	MaxCapacity int      `json:"maxCapacity" range:"0,"`
}

// CapacityChange sets a scalable target's bounds for a procedure.
type CapacityChange struct {
	Service     string `json:"service"`
	MinCapacity int    `json:"minCapacity" range:"0,"`
	MaxCapacity int    `json:"maxCapacity" range:"0,"`
}

// DesiredCount is an `ecs update-service --desired-count` in a procedure.
type DesiredCount struct {
	Service            string `json:"service"`
	DesiredCount       int    `json:"desiredCount" range:"0,"`
	ForceNewDeployment bool   `json:"forceNewDeployment,omitempty"`
}

// ManualScaling is "Manual Scaling Procedures".
type ManualScaling struct {
	Source          string           `json:"source"`
	DesiredCounts   []DesiredCount   `json:"desiredCounts"`
	ScalableTargets []CapacityChange `json:"scalableTargets"`
}

// PreScaling is "Pre-scaling for Known Events".
type PreScaling struct {
	Source          string           `json:"source"`
	ScalableTargets []CapacityChange `json:"scalableTargets"`
}

// Emergency is "Emergency Manual Scaling".
type Emergency struct {
	Source            string            `json:"source"`
	DesiredCounts     []DesiredCount    `json:"desiredCounts"`
	FeatureFlagToggle FeatureFlagToggle `json:"featureFlagToggle"`
}

// FeatureFlagToggle is the Lambda the runbook invokes to shed AI load.
type FeatureFlagToggle struct {
	FunctionName string            `json:"functionName"`
	Payload      map[string]string `json:"payload"`
}

// Regions names the primary and failover regions.
type Regions struct {
	Source   string `json:"source"`
	Primary  Region `json:"primary"`
	Failover Region `json:"failover"`
}

// Region is one AWS region of the deployment.
type Region struct {
	Name string `json:"name"`
	Role string `json:"role"`
}

// Route53 is the health checks and failover records.
type Route53 struct {
	Source          string           `json:"source"`
	HostedZoneID    string           `json:"hostedZoneId"`
	HealthChecks    []HealthCheck    `json:"healthChecks"`
	FailoverRecords []FailoverRecord `json:"failoverRecords"`
}

// HealthCheck is a Route 53 health check. Region says which of Regions it
// probes ("primary" or "failover").
type HealthCheck struct {
	ID               string   `json:"id"`
	Region           string   `json:"region" enum:"primary|failover"`
	Type             string   `json:"type" enum:"HTTP|HTTPS|HTTP_STR_MATCH|HTTPS_STR_MATCH|TCP"`
	Port             int      `json:"port" range:"1,65535"`
	ResourcePath     string   `json:"resourcePath,omitempty"`
	FQDN             string   `json:"fqdn"`
	RequestInterval  Duration `json:"requestInterval"`
	FailureThreshold int      `json:"failureThreshold" range:"1,10"`
}

// FailoverRecord is one record of a failover routing policy.
type FailoverRecord struct {
	Name          string       `json:"name"`
	Type          string       `json:"type" enum:"A|AAAA|CNAME"`
	SetIdentifier string       `json:"setIdentifier"`
	Failover      string       `json:"failover" enum:"PRIMARY|SECONDARY"`
	HealthCheck   string       `json:"healthCheck,omitempty"`
	Alias         *AliasTarget `json:"alias,omitempty"`
}

// AliasTarget is a Route 53 alias.
type AliasTarget struct {
	HostedZoneID         string `json:"hostedZoneId"`
	DNSName              string `json:"dnsName"`
	EvaluateTargetHealth bool   `json:"evaluateTargetHealth"`
}

// Replication is "Data Replication Strategy".
type Replication struct {
	Source       string       `json:"source"`
	RPO          []RPO        `json:"rpo"`
	MongoDBAtlas MongoDBAtlas `json:"mongodbAtlas"`
	Redis        RedisHA      `json:"redis"`
}

// RedisHA is where the Redis cache's sentinels run: whether they can
// still agree on a failover when a region is lost depends on it.
type RedisHA struct {
	Source string `json:"source"`
	// Sentinels is how many sentinels run in each place: the primary and
	// failover regions by their role, any other place (a third region)
	// by a name of its own.
	Sentinels map[string]int `json:"sentinels"`
	// Quorum is how many sentinels must agree that the primary is down.
	Quorum int `json:"quorum" range:"1,"`
}

// RPO is a recovery point objective: data loss stays below Below.
type RPO struct {
	DataType string   `json:"dataType"`
	Method   string   `json:"method"`
	Below    Duration `json:"below"`
}

// MongoDBAtlas is the runbook's example Atlas cluster.
type MongoDBAtlas struct {
	Source         string        `json:"source"`
	Name           string        `json:"name"`
	ClusterType    string        `json:"clusterType" enum:"REPLICASET|SHARDED|GEOSHARDED"`
	NumShards      int           `json:"numShards" range:"1,"`
	NumNodes       int           `json:"numNodes" range:"1,50"`
	InstanceSize   string        `json:"instanceSize"`
	ProviderRegion string        `json:"providerRegion"`
	ZoneName       string        `json:"zoneName"`
	Regions        []AtlasRegion `json:"regions"`
}

// AtlasRegion is one regionConfig. Region maps it to "primary" or "failover".
type AtlasRegion struct {
	Name           string `json:"name"`
	Region         string `json:"region" enum:"primary|failover"`
	ElectableNodes int    `json:"electableNodes" range:"0,7"`
	ReadOnlyNodes  int    `json:"readOnlyNodes" range:"0,"`
	AnalyticsNodes int    `json:"analyticsNodes" range:"0,"`
	Priority       int    `json:"priority" range:"0,7"`
}

// Alarm is a CloudWatch metric alarm. AsWritten keeps the runbook's literal
// values where AWS would refuse or never evaluate them.
type Alarm struct {
	Source            string          `json:"source"`
	Name              string          `json:"name"`
	AsWritten         *AlarmAsWritten `json:"asWritten,omitempty"`
	MetricName        string          `json:"metricName"`
	Namespace         string          `json:"namespace"`
	Dimensions        []Dimension     `json:"dimensions"`
	Statistic         string          `json:"statistic,omitempty" enum:"SampleCount|Average|Sum|Minimum|Maximum"`
	ExtendedStatistic string          `json:"extendedStatistic,omitempty"`
	Period            Duration        `json:"period"`
	Threshold         float64         `json:"threshold"`
	Comparison        string          `json:"comparison" enum:"GreaterThanOrEqualToThreshold|GreaterThanThreshold|LessThanThreshold|LessThanOrEqualToThreshold"`
	EvaluationPeriods int             `json:"evaluationPeriods" range:"1,"`
	DatapointsToAlarm int             `json:"datapointsToAlarm,omitempty" range:"1,"`
	TreatMissingData  string          `json:"treatMissingData,omitempty" enum:"breaching|notBreaching|ignore|missing"`
	AlarmActions      []string        `json:"alarmActions"`
}

// AlarmAsWritten is what the runbook's put-metric-alarm command passes.
type AlarmAsWritten struct {
	MetricName string  `json:"metricName,omitempty"`
	Namespace  string  `json:"namespace,omitempty"`
	Statistic  string  `json:"statistic,omitempty"`
	Threshold  float64 `json:"threshold,omitempty"`
}

// CustomMetric is a metric AWS does not publish; Publisher names what puts
// it, empty where the runbook names nothing.
type CustomMetric struct {
	Namespace  string `json:"namespace"`
	MetricName string `json:"metricName"`
	Source     string `json:"source"`
	Publisher  string `json:"publisher"`
}

// Dashboard is the CloudWatch dashboard of "Monitoring Scaling Events".
type Dashboard struct {
	Source  string   `json:"source"`
	Name    string   `json:"name"`
	Widgets []Widget `json:"widgets"`
}

// Widget is one metric widget.
type Widget struct {
	Title    string         `json:"title"`
	Position WidgetPosition `json:"position"`
	Region   string         `json:"region"`
	Period   Duration       `json:"period"`
	Stat     string         `json:"stat"`
	Metrics  []Metric       `json:"metrics"`
}

// WidgetPosition places a widget on the 24-column dashboard grid.
type WidgetPosition struct {
	X      int `json:"x" range:"0,23"`
	Y      int `json:"y" range:"0,"`
	Width  int `json:"width" range:"1,24"`
	Height int `json:"height" range:"1,1000"`
}

// Metric names one CloudWatch metric.
type Metric struct {
	Namespace  string      `json:"namespace"`
	MetricName string      `json:"metricName"`
	Dimensions []Dimension `json:"dimensions"`
}

// Budget is the AWS Budgets budget with its notification.
type Budget struct {
	Source       string             `json:"source"`
	Name         string             `json:"name"`
	AccountID    string             `json:"accountId"`
	LimitAmount  float64            `json:"limitAmount" range:"0,"`
	Unit         string             `json:"unit"`
	TimeUnit     string             `json:"timeUnit" enum:"DAILY|MONTHLY|QUARTERLY|ANNUALLY"`
	BudgetType   string             `json:"budgetType" enum:"COST|USAGE|RI_UTILIZATION|RI_COVERAGE|SAVINGS_PLANS_UTILIZATION|SAVINGS_PLANS_COVERAGE"`
	TagFilter    Tag                `json:"tagFilter"`
	Notification BudgetNotification `json:"notification"`
}

// BudgetNotification is when and whom a budget alerts.
type BudgetNotification struct {
	Type          string     `json:"type" enum:"ACTUAL|FORECASTED"`
	Comparison    string     `json:"comparison" enum:"GREATER_THAN|LESS_THAN|EQUAL_TO"`
	Threshold     float64    `json:"threshold" range:"0,"`
	ThresholdType string     `json:"thresholdType" enum:"PERCENTAGE|ABSOLUTE_VALUE"`
	Subscriber    Subscriber `json:"subscriber"`
}

// Subscriber receives budget notifications.
type Subscriber struct {
	Type    string `json:"type" enum:"EMAIL|SNS"`
	Address string `json:"address"`
}

// Tag is a resource tag.
type Tag struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// CostAllocationTags is "Cost Allocation Tags". Resource is the resource the
// runbook's command tags.
type CostAllocationTags struct {
	Source   string `json:"source"`
	Resource string `json:"resource"`
	Tags     []Tag  `json:"tags"`
}

// CostApproaches is "Cost-Effective Resource Management".
type CostApproaches struct {
	Source     string         `json:"source"`
	Approaches []CostApproach `json:"approaches"`
}

// CostApproach is one row with its savings range in percent.
type CostApproach struct {
	Name           string `json:"name"`
	Implementation string `json:"implementation"`
	SavingsPercent Range  `json:"savingsPercent"`
}

// MaintenanceWindows is "Scheduled Maintenance Windows".
type MaintenanceWindows struct {
	Source  string              `json:"source"`
	Windows []MaintenanceWindow `json:"windows"`
}

// MaintenanceWindow is a weekly window in UTC.
type MaintenanceWindow struct {
	Region                  string    `json:"region"`
	Day                     string    `json:"day" enum:"Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"`
	StartUTC                TimeOfDay `json:"startUTC"`
	EndUTC                  TimeOfDay `json:"endUTC"`
	MaxTrafficImpactPercent float64   `json:"maxTrafficImpactPercent" range:"0,100"`
}

// Decision records, for one lint finding, which side of a contradiction the
// spec holds and why.
type Decision struct {
	Authoritative string `json:"authoritative"`
	Value         string `json:"value"`
	Reason        string `json:"reason"`
	// Waives are the behavioural specs the finding breaks on a platform
	// deployed as documented: they still run and are reported as waived,
	// and fail again once their waiver expires.
	Waives []Waiver `json:"waives,omitempty"`
}

// Waiver excuses one spec's failure while the runbook is known to be wrong.
type Waiver struct {
	// Spec is the id of the spec waived (suite.spec, as in verdicts.json).
	Spec   string `json:"spec"`
	Reason string `json:"reason"`
	Owner  string `json:"owner"`
	// Expires is the first day the waiver no longer holds.
	Expires Date `json:"expires"`
}

// Experiments are the numbers a game day needs that the runbook implies
// but does not state: how its users become requests, how long a task
// takes to start, and when the harness's own evidence is too thin to judge.
type Experiments struct {
	Load        LoadModel   `json:"load"`
	TaskStartup TaskStartup `json:"taskStartup"`
	Evidence    Evidence    `json:"evidence"`
	Resilience  Resilience  `json:"resilience"`
	Steady      Steady      `json:"steady"`
	Schedules   Schedules   `json:"schedules"`
	Failover    Failover    `json:"failover"`
	Data        Data        `json:"data"`
}

// Data is how the loss of a data store's primary, replica or region is
// judged: write probes acknowledged under the documented durability (WAIT
// for Redis, majority write concern for MongoDB) and the RPOs of
// replication.rpo.
type Data struct {
	Source string `json:"source"`
	// ProbeEvery is the platform time between two probe writes: a loss
	// window is measured to within it.
	ProbeEvery Duration `json:"probeEvery"`
	// Steady is how long the probe writes before a fault, while the
	// replicas' lag is measured.
	Steady Duration `json:"steady"`
	// AckTimeout is how long a write waits for its copies to be
	// acknowledged (WAIT's timeout, wtimeout).
	AckTimeout Duration `json:"ackTimeout"`
	// ClientTimeout is how long a client waits for a data store's answer
	// (a dial, a read, a write) before it gives up on that server and
	// asks again who the primary is; above AckTimeout.
	ClientTimeout Duration `json:"clientTimeout"`
	// Resync is how long a replica may take, once back, to hold what the
	// primary holds again.
	Resync Duration `json:"resync"`
	// Redis and MongoDB bound each store's election: from the primary's
	// loss to a new primary that accepts writes.
	Redis   Election `json:"redis"`
	MongoDB Election `json:"mongodb"`
}

// Election bounds how long a data store takes to elect a new primary,
// and how far apart two elections must be for the second to start at
// once.
type Election struct {
	Within Duration `json:"within"`
	// Spacing is how long after one failover the store starts another
	// without delay.
	Spacing Duration `json:"spacing,omitempty"`
}

// Failover is how a region failure seen through Route 53 is judged: what
// the runbook's health check and failover records imply for the clients
// of the name, and the numbers AWS gives them.
type Failover struct {
	Source string `json:"source"`
	// Load is the share of the API fleet's minimum capacity the clients'
	// steady load takes: what the failover region serves without scaling.
	Load float64 `json:"load" range:"0,1"`
	// AnswerTTL is how long a client may keep an answer for the failover
	// records: an alias to a load balancer answers with its TTL.
	AnswerTTL Duration `json:"answerTTL"`
	// ProbeTimeout is the longest a Route 53 checker's failing probe
	// takes: its connect timeout and its response timeout.
	ProbeTimeout Duration `json:"probeTimeout"`
	// ClientTimeout is how long a client waits for a request's answer
	// before it counts the request failed.
	ClientTimeout Duration `json:"clientTimeout"`
	// RecoveryBudget is how long clients of the name may fail, from the
	// region going down to the first request of theirs that succeeds for
	// good.
	RecoveryBudget Duration `json:"recoveryBudget"`
}

// Resilience is how the platform rides out the loss of tasks under load.
type Resilience struct {
	Source string `json:"source"`
	// SchedulerReaction is how long ECS's service scheduler may take to
	// launch a replacement once a task stops: its reconcile loop.
	SchedulerReaction Duration `json:"schedulerReaction"`
	// Load is the share of the running fleet's capacity the load keeps
	// while tasks are stopped: what the survivors can still serve.
	Load float64 `json:"load" range:"0,1"`
	// ErrorBudget is, per service id, the share of requests that may fail
	// from a stop until the service runs its desired count again.
	ErrorBudget map[string]float64 `json:"errorBudget"`
	// Stops are the task losses a game day inflicts.
	Stops []TaskStop `json:"stops"`
}

// TaskStop is one loss of tasks: Count of a service's tasks, or Percent
// of those running.
type TaskStop struct {
	Service string `json:"service"`
	Count   int    `json:"count,omitempty" range:"0,"`
	Percent int    `json:"percent,omitempty" range:"0,100"`
}

// Steady is what a steady load must not set off.
type Steady struct {
	Source string `json:"source"`
	// Duration is how long the steady load runs, in platform time.
	Duration Duration `json:"duration"`
	// Utilisation is the share of a CPU policy's target the load keeps:
	// between the target and its low alarm, where neither alarm fires.
	Utilisation float64 `json:"utilisation" range:"0,1"`
	// MaxDirectionChangesPerHour bounds oscillation: how often a service's
	// desired count may turn from growing to shrinking or back.
	MaxDirectionChangesPerHour int `json:"maxDirectionChangesPerHour" range:"0,"`
}

// Schedules is how scheduled actions are judged.
type Schedules struct {
	Source string `json:"source"`
	// Within is how long after its scheduled moment an action may take to
	// change the capacity.
	Within Duration `json:"within"`
	// MaxWait is how long, in platform time, a run waits for an action's
	// next occurrence; one further away is skipped, naming when it is.
	MaxWait Duration `json:"maxWait"`
}

// LoadModel turns the runbook's concurrent users into requests.
type LoadModel struct {
	Source string `json:"source"`
	// RequestsPerUserPerSecond is what one concurrent user asks of the
	// frontend: 10,000 users (Introduction) keep its maximum of 10 tasks at
	// its CPU target.
	RequestsPerUserPerSecond float64 `json:"requestsPerUserPerSecond" range:"0,"`
	// RequestsPerVCPU is how many requests a task's vCPU serves per second
	// at full utilisation: a measured property of the services' code.
	RequestsPerVCPU float64 `json:"requestsPerVCPU" range:"0,"`
	// AIBytesPerVCPUSecond is how much text an AI task's vCPU enhances per
	// second: what one queued item costs, a measured property of the AI
	// service's code.
	AIBytesPerVCPUSecond float64 `json:"aiBytesPerVCPUSecond" range:"0,"`
}

// TaskStartup is how long a new task may take to start serving.
type TaskStartup struct {
	Source string   `json:"source"`
	Within Duration `json:"within"`
}

// Evidence bounds what a verdict needs of the harness itself.
type Evidence struct {
	// MinDelivered is the share of its planned rate the load must deliver
	// in every platform minute; below it a spec is inconclusive.
	MinDelivered float64 `json:"minDelivered" range:"0,1"`
}
