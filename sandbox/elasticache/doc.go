// Package elasticache is the sandbox's ElastiCache: one replication group
// (Valkey or Redis OSS, cluster mode disabled) that is a real Redis group,
// described by DescribeReplicationGroups as its nodes report themselves
// and failed over for real by TestFailover. ServeAWS serves both
// operations to unmodified clients through package awsapi.
//
// The engine reaches the Redis group only through the Group interface, so
// that it can be tested without redis-server; the supervisor implements
// Group over package redisha. Field and type names are AWS's own
// (elasticache-2015-02-02), so the wire layer maps them one to one.
//
// # What the group reports
//
// Node n of Group.Status is member cluster <id>-00n with cache node 0001,
// in node group 0001, in the first free availability zone of its region
// (us-east-1a, then us-east-1b). The primary endpoint is the current
// primary's own address and the reader endpoint a replica's, or the
// primary's when none is up: ElastiCache's endpoints are DNS names that
// follow the roles ("Finding connection endpoints", red-ug/Endpoints.html);
// the sandbox hands out the addresses they would resolve to. Automatic
// failover and Multi-AZ are enabled exactly when the group has a replica,
// as Sentinel then fails over by itself and ElastiCache requires a replica
// for both (red-ug/AutoFailover.html).
//
// # Semantics chosen where AWS is silent or the sandbox differs
//
//   - A replication group lives in one region, but the sandbox's group
//     spans two: its replica runs in the failover region. Where ElastiCache
//     would need a global datastore for that, the group reports
//     GlobalReplicationGroupInfo with the ID sandbox-<id> and the role
//     PRIMARY whenever its nodes run in more than one region. It is served
//     only to requests signed for its home region (Config.Region) or not
//     signed at all; other regions see no replication groups, as each AWS
//     region is its own endpoint.
//   - TestFailover kills the primary and returns at once with the group's
//     Status "modifying"; the group reports "modifying" until the
//     replacement is over: a replica promoted by the sentinels and the old
//     primary back as a replica, which is what ElastiCache's node recovery
//     ends with (API_TestFailover.html lists the events). AWS does not
//     document the status during a test; its CLI example shows
//     "available". Another TestFailover meanwhile is refused with
//     InvalidReplicationGroupState.
//   - TestFailover is refused with TestFailoverNotAvailableFault when no
//     node is primary or none is a replica, and with
//     APICallRateForCustomerExceeded after 15 tests in a rolling 24 hours
//     of platform time, the API's documented limit.
//   - The engine holds one group and a page holds at least 20 (MaxRecords
//     20 to 100, default 100), so DescribeReplicationGroups never returns
//     a Marker, and a Marker it is sent is not one of its own:
//     InvalidParameterValue.
//   - Only what the sandbox really is: no TLS, no AUTH, no encryption at
//     rest, no snapshots; CacheNodeType is configuration, since the
//     sandbox's nodes have no size.
package elasticache
