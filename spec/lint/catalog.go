package lint

// awsMetric is a metric AWS publishes by itself in a namespace.
type awsMetric struct {
	unit string
}

// published is what AWS puts into CloudWatch without anyone calling
// PutMetricData, for the namespaces the runbook touches. A metric the runbook
// names in an AWS/ namespace that is missing here is reported, so an entry is
// added only with its source.
var published = map[string]map[string]awsMetric{
	// docs.aws.amazon.com/AmazonECS/latest/developerguide/available-metrics.html
	"AWS/ECS": {
		"CPUUtilization":    {unit: "Percent"},
		"MemoryUtilization": {unit: "Percent"},
		"CPUReservation":    {unit: "Percent"},
		"MemoryReservation": {unit: "Percent"},
	},
	// docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Container-Insights-metrics-ECS.html
	"ECS/ContainerInsights": {
		"DesiredTaskCount": {unit: "Count"},
		"RunningTaskCount": {unit: "Count"},
		"PendingTaskCount": {unit: "Count"},
		"CpuUtilized":      {unit: "None"},
		"MemoryUtilized":   {unit: "Megabytes"},
	},
	// docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-cloudwatch-metrics.html
	"AWS/ApplicationELB": {
		"RequestCount":                   {unit: "Count"},
		"RequestCountPerTarget":          {unit: "Count"},
		"TargetResponseTime":             {unit: "Seconds"},
		"HTTPCode_Target_5XX_Count":      {unit: "Count"},
		"HTTPCode_ELB_5XX_Count":         {unit: "Count"},
		"HTTPCode_ELB_503_Count":         {unit: "Count"},
		"HealthyHostCount":               {unit: "Count"},
		"UnHealthyHostCount":             {unit: "Count"},
		"ActiveConnectionCount":          {unit: "Count"},
		"NewConnectionCount":             {unit: "Count"},
		"RejectedConnectionCount":        {unit: "Count"},
		"TargetConnectionErrorCount":     {unit: "Count"},
		"ProcessedBytes":                 {unit: "Bytes"},
		"ConsumedLCUs":                   {unit: "Count"},
		"HTTPCode_Target_4XX_Count":      {unit: "Count"},
		"HTTPCode_ELB_4XX_Count":         {unit: "Count"},
		"RequestCountPerTargetGroup":     {unit: "Count"},
		"TargetTLSNegotiationErrorCount": {unit: "Count"},
	},
	// docs.aws.amazon.com/elasticloadbalancing/latest/classic/elb-cloudwatch-metrics.html
	"AWS/ELB": {
		"Latency":          {unit: "Seconds"},
		"RequestCount":     {unit: "Count"},
		"SurgeQueueLength": {unit: "Count"},
	},
	// docs.aws.amazon.com/AmazonElastiCache/latest/dg/CacheMetrics.Redis.html
	"AWS/ElastiCache": {
		"DatabaseMemoryUsagePercentage": {unit: "Percent"},
		"ReplicationLag":                {unit: "Seconds"},
		"CPUUtilization":                {unit: "Percent"},
		"EngineCPUUtilization":          {unit: "Percent"},
	},
	// docs.aws.amazon.com/Route53/latest/DeveloperGuide/monitoring-health-check-status.html
	"AWS/Route53": {
		"HealthCheckStatus":            {unit: "None"},
		"HealthCheckPercentageHealthy": {unit: "Percent"},
	},
	// Application Auto Scaling publishes no metrics of its own: the scaled
	// service does (docs.aws.amazon.com/autoscaling/application/userguide/monitoring-cloudwatch.html).
	"AWS/ApplicationAutoScaling": {},
}

// elsewhere says where a metric that is missing from a namespace does live,
// for a finding that can say what to use instead.
var elsewhere = map[string]string{
	"AWS/ApplicationELB Latency":                 "TargetResponseTime in AWS/ApplicationELB (Latency is a Classic Load Balancer metric in AWS/ELB)",
	"AWS/ApplicationAutoScaling DesiredCapacity": "DesiredTaskCount in ECS/ContainerInsights (needs Container Insights on main-cluster)",
}

func lookup(namespace, metric string) (awsMetric, bool, bool) {
	metrics, ours := published[namespace]
	m, ok := metrics[metric]
	return m, ours || isAWSNamespace(namespace), ok
}

func isAWSNamespace(namespace string) bool {
	return len(namespace) > 4 && namespace[:4] == "AWS/"
}
