package awsapi

import "net/http"

// ServiceRoute53 is Route 53, served in REST-XML under /2013-04-01/.
const ServiceRoute53 = "route53"

// route53Service is Route 53's model as the wire layer needs it; its
// errors are those of route53-2013-04-01 that the sandbox returns, with
// the model's statuses. The model names its message member "message", but
// REST-XML errors carry <Message> whatever the structure says.
var route53Service = &service{
	name:         ServiceRoute53,
	namespace:    "com.amazonaws.route53",
	shapeName:    "AWSDnsV20130401",
	xmlNamespace: "https://route53.amazonaws.com/doc/2013-04-01/",
	signingName:  "route53",
	messageKey:   "Message",
	params:       restParams("InvalidInput"),
	errors: errorTable(
		errorShape{shape: "InvalidInput"},
		errorShape{shape: "InvalidChangeBatch"},
		errorShape{shape: "InvalidDomainName"},
		errorShape{shape: "HostedZoneNotEmpty"},
		errorShape{shape: "PriorRequestNotComplete"},
		errorShape{shape: "NoSuchHostedZone", status: http.StatusNotFound},
		errorShape{shape: "NoSuchHealthCheck", status: http.StatusNotFound},
		errorShape{shape: "NoSuchChange", status: http.StatusNotFound},
		errorShape{shape: "HostedZoneAlreadyExists", status: http.StatusConflict},
		errorShape{shape: "HealthCheckAlreadyExists", status: http.StatusConflict},
		errorShape{shape: "HealthCheckVersionMismatch", status: http.StatusConflict},
		errorShape{shape: "ThrottlingException", query: "Throttling"},
	),
}

// rrsetQuery binds ListResourceRecordSets' query parameters.
var rrsetQuery = map[string]string{"name": "StartRecordName", "type": "StartRecordType", "identifier": "StartRecordIdentifier", "maxitems": "MaxItems"}

// route53REST is Route 53's HTTP bindings (the @http traits of
// route53-2013-04-01) for the operations the sandbox serves. Query
// parameter names are the model's, lower case as Route 53 spells them.
var route53REST = &restAPI{
	svc:    route53Service,
	prefix: "/2013-04-01/",
	// The rrset paths come with a trailing slash from botocore's model and
	// without from the Smithy model of aws-sdk-go-v2.
	routes: []restRoute{
		{method: "POST", path: "hostedzone", operation: "CreateHostedZone", body: "CreateHostedZoneRequest", created: true, headers: map[string]string{"Location": "Location"}},
		{method: "GET", path: "hostedzone", operation: "ListHostedZones", query: map[string]string{"marker": "Marker", "maxitems": "MaxItems", "delegationsetid": "DelegationSetId", "hostedzonetype": "HostedZoneType"}},
		{method: "GET", path: "hostedzonesbyname", operation: "ListHostedZonesByName", query: map[string]string{"dnsname": "DNSName", "hostedzoneid": "HostedZoneId", "maxitems": "MaxItems"}},
		{method: "GET", path: "hostedzone/{Id}", operation: "GetHostedZone"},
		{method: "DELETE", path: "hostedzone/{Id}", operation: "DeleteHostedZone"},
		{method: "POST", path: "hostedzone/{HostedZoneId}/rrset", operation: "ChangeResourceRecordSets", body: "ChangeResourceRecordSetsRequest"},
		{method: "POST", path: "hostedzone/{HostedZoneId}/rrset/", operation: "ChangeResourceRecordSets", body: "ChangeResourceRecordSetsRequest"},
		{method: "GET", path: "hostedzone/{HostedZoneId}/rrset", operation: "ListResourceRecordSets", query: rrsetQuery},
		{method: "GET", path: "hostedzone/{HostedZoneId}/rrset/", operation: "ListResourceRecordSets", query: rrsetQuery},
		{method: "GET", path: "change/{Id}", operation: "GetChange"},
		{method: "POST", path: "healthcheck", operation: "CreateHealthCheck", body: "CreateHealthCheckRequest", created: true, headers: map[string]string{"Location": "Location"}},
		{method: "GET", path: "healthcheck", operation: "ListHealthChecks", query: map[string]string{"marker": "Marker", "maxitems": "MaxItems"}},
		{method: "GET", path: "healthcheck/{HealthCheckId}", operation: "GetHealthCheck"},
		{method: "POST", path: "healthcheck/{HealthCheckId}", operation: "UpdateHealthCheck", body: "UpdateHealthCheckRequest"},
		{method: "DELETE", path: "healthcheck/{HealthCheckId}", operation: "DeleteHealthCheck"},
		{method: "GET", path: "healthcheck/{HealthCheckId}/status", operation: "GetHealthCheckStatus"},
		{method: "POST", path: "tags/{ResourceType}/{ResourceId}", operation: "ChangeTagsForResource", body: "ChangeTagsForResourceRequest"},
		{method: "GET", path: "tags/{ResourceType}/{ResourceId}", operation: "ListTagsForResource"},
		{method: "POST", path: "tags/{ResourceType}", operation: "ListTagsForResources", body: "ListTagsForResourcesRequest"},
		{method: "GET", path: "testdnsanswer", operation: "TestDNSAnswer", query: map[string]string{
			"hostedzoneid": "HostedZoneId", "recordname": "RecordName", "recordtype": "RecordType",
			"resolverip": "ResolverIP", "edns0clientsubnetip": "EDNS0ClientSubnetIP", "edns0clientsubnetmask": "EDNS0ClientSubnetMask",
		}},
	},
	// The model's list shapes and the element names of their members.
	lists: map[string]string{
		"HostedZones":             "HostedZone",
		"ResourceRecordSets":      "ResourceRecordSet",
		"ResourceRecords":         "ResourceRecord",
		"Changes":                 "Change",
		"HealthChecks":            "HealthCheck",
		"HealthCheckObservations": "HealthCheckObservation",
		"RecordData":              "RecordDataEntry",
		"NameServers":             "NameServer",
		"Regions":                 "Region",
		"ChildHealthChecks":       "ChildHealthCheck",
		"ResetElements":           "ResettableElementName",
		"Tags":                    "Tag",
		"AddTags":                 "Tag",
		"RemoveTagKeys":           "Key",
		"ResourceIds":             "ResourceId",
		"ResourceTagSets":         "ResourceTagSet",
	},
}
