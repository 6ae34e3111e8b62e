package awsapi

import "net/http"

// ServiceElastiCache is ElastiCache, which clients speak in AWS Query
// (Action=…&Version=2015-02-02), signed for "elasticache".
const ServiceElastiCache = "elasticache"

// elastiCacheService is ElastiCache's model (elasticache-2015-02-02) as
// the wire layer needs it. The errors are the model's that the sandbox
// returns, each with its @awsQueryError code and status: the code is what
// Query clients read, and it differs from the shape name for some
// (InvalidParameterValueException is InvalidParameterValue).
var elastiCacheService = &service{
	name:         ServiceElastiCache,
	namespace:    "com.amazonaws.elasticache",
	shapeName:    "AmazonElastiCacheV9",
	queryVersion: "2015-02-02",
	xmlNamespace: "http://elasticache.amazonaws.com/doc/2015-02-02/",
	signingName:  "elasticache",
	messageKey:   "message",
	// ElastiCache was born on Query: its front end answers a missing or
	// malformed parameter with MissingParameter and InvalidParameterValue.
	params: queryParams,
	errors: errorTable(
		errorShape{shape: "ReplicationGroupNotFoundFault", status: http.StatusNotFound},
		errorShape{shape: "NodeGroupNotFoundFault", status: http.StatusNotFound},
		errorShape{shape: "InvalidParameterValueException", query: "InvalidParameterValue"},
		errorShape{shape: "InvalidParameterCombinationException", query: "InvalidParameterCombination"},
		errorShape{shape: "InvalidReplicationGroupStateFault", query: "InvalidReplicationGroupState"},
		errorShape{shape: "InvalidCacheClusterStateFault", query: "InvalidCacheClusterState"},
		errorShape{shape: "TestFailoverNotAvailableFault"},
		errorShape{shape: "APICallRateForCustomerExceededFault", query: "APICallRateForCustomerExceeded"},
	),
}

// elastiCacheLists names the items of the ElastiCache list members the
// sandbox writes whose model gives them an element name (@xmlName on the
// list's member: ReplicationGroupList, ClusterIdList, NodeGroupList,
// NodeGroupMemberList); the items of every other list are <member>.
var elastiCacheLists = xmlLists{
	"ReplicationGroups": "ReplicationGroup",
	"MemberClusters":    "ClusterId",
	"NodeGroups":        "NodeGroup",
	"NodeGroupMembers":  "NodeGroupMember",
}
