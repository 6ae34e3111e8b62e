package route53

import "time"

// The types below carry AWS's own field names (API reference,
// route53-2013-04-01) so that the wire layer maps them one to one; `aws`
// tags leave optional members out when they are unset, as AWS does.

// HostedZone is a hosted zone as GetHostedZone describes it.
type HostedZone struct {
	Id                     string // "/hostedzone/Z…", as AWS returns it
	Name                   string // fully qualified, with the trailing dot
	CallerReference        string
	Config                 HostedZoneConfig
	ResourceRecordSetCount int64
}

// HostedZoneConfig is a hosted zone's comment and privacy.
type HostedZoneConfig struct {
	Comment     string `aws:",omitempty"`
	PrivateZone bool
}

// DelegationSet lists the name servers of a hosted zone.
type DelegationSet struct {
	NameServers []string
}

// ChangeInfo describes a change to a hosted zone. The sandbox applies
// changes at once, so every change is INSYNC.
type ChangeInfo struct {
	Id          string // "/change/C…"
	Status      string
	SubmittedAt time.Time
	Comment     string `aws:",omitempty"`
}

// The actions of a Change.
const (
	ActionCreate = "CREATE"
	ActionDelete = "DELETE"
	ActionUpsert = "UPSERT"
)

// Change is one element of a ChangeBatch.
type Change struct {
	Action            string
	ResourceRecordSet ResourceRecordSet
}

// The values of ResourceRecordSet.Failover.
const (
	FailoverPrimary   = "PRIMARY"
	FailoverSecondary = "SECONDARY"
)

// ResourceRecordSet is a record set: simple (no SetIdentifier) or failover
// (SetIdentifier and Failover), holding either ResourceRecords with a TTL
// or an AliasTarget.
type ResourceRecordSet struct {
	Name          string
	Type          string
	SetIdentifier string `aws:",omitempty"`
	Failover      string `aws:",omitempty"`
	// TTL is in seconds, as on the wire; nil for an alias.
	TTL             *int64
	ResourceRecords []ResourceRecord
	AliasTarget     *AliasTarget
	HealthCheckId   string `aws:",omitempty"`
}

// ResourceRecord is one value of a record set, in zone-file syntax.
type ResourceRecord struct {
	Value string
}

// AliasTarget points an alias record at another record set: one in a
// hosted zone of this engine when HostedZoneId names one, else a resource
// outside them (a load balancer), found through the engine's Resolver.
type AliasTarget struct {
	HostedZoneId         string
	DNSName              string
	EvaluateTargetHealth bool
}

// The health check types the engine probes.
const (
	TypeHTTP          = "HTTP"
	TypeHTTPS         = "HTTPS"
	TypeHTTPStrMatch  = "HTTP_STR_MATCH"
	TypeHTTPSStrMatch = "HTTPS_STR_MATCH"
	TypeTCP           = "TCP"
)

// HealthCheckConfig is what a health check probes and how.
type HealthCheckConfig struct {
	IPAddress                string `aws:",omitempty"`
	Port                     int
	Type                     string
	ResourcePath             string `aws:",omitempty"`
	FullyQualifiedDomainName string `aws:",omitempty"`
	SearchString             string `aws:",omitempty"`
	// RequestInterval is in seconds, 10 or 30, as on the wire; it is
	// fixed at creation.
	RequestInterval  int
	FailureThreshold int
	MeasureLatency   bool
	Inverted         bool
	Disabled         bool
	EnableSNI        bool
	// Regions are the checker locations; nil for all of CheckerRegions.
	Regions []string
}

// HealthCheck is a health check as GetHealthCheck describes it.
type HealthCheck struct {
	Id                 string
	CallerReference    string
	HealthCheckConfig  HealthCheckConfig
	HealthCheckVersion int64
}

// HealthCheckObservation is the last result of one checker.
type HealthCheckObservation struct {
	Region       string
	IPAddress    string `aws:",omitempty"`
	StatusReport StatusReport
}

// StatusReport is a checker's verdict, worded as AWS words it ("Success:
// HTTP Status Code 200, OK", "Failure: …"), at the platform time it was
// made.
type StatusReport struct {
	Status      string
	CheckedTime time.Time
}

// HealthChange is a change of a health check's status, as Route 53
// reports it (after Inverted and Disabled), at a platform time.
type HealthChange struct {
	HealthCheckId string
	Healthy       bool
	At            time.Time
	// HealthyCheckers of Checkers reported healthy when the status
	// changed; both are 0 for a change made by UpdateHealthCheck alone.
	HealthyCheckers int
	Checkers        int
	Reason          string
}
