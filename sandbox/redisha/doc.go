// Package redisha is the sandbox's Redis data layer: a replication group of
// real redis-server processes watched by three real redis-sentinel
// processes (quorum 2), spread over the sandbox's two regions, with the
// cross-region link running through an in-process Toxiproxy so that lag,
// partitions and data loss can be produced on purpose.
//
// # Topology
//
//	primary region (127.0.1.1)     failover region (127.0.2.1)    witness (127.0.3.1)
//	  node 001 (starts primary)      node 002.. (replicas)
//	  sentinel 1                     sentinel 2                     sentinel 3
//
// One sentinel per region and one in a third place is how a cross-region
// Sentinel deployment survives the loss of either region: two sentinels
// in the primary region would take the quorum down with it, and the
// failover region could never promote its replica.
//
// # Addresses, and why each node has two
//
// Every redis-server binds a private address that nothing but this package
// uses. What the rest of the world knows is the node's public address, a
// listener of this package (the node's router) on the node's region IP.
// The router looks at where a connection comes from: from the other
// region's IP it forwards through that node's Toxiproxy proxy (the
// cross-region link), from anywhere else straight to the private address.
//
// The public address must be the only address anyone uses for a node,
// because Sentinel insists on one address per node:
//
//   - a replica's configured master (INFO master_host:master_port) must
//     equal the master's address as the sentinels know it, or the
//     sentinels "+fix-slave-config" the replica back to that address
//     after failover-timeout; so a replica cannot be pointed at a proxy
//     address of its own while the sentinels and clients use another;
//   - the sentinels learn a replica's address from the master's INFO, and
//     after a failover hand exactly that address to clients
//     (get-master-addr-by-name) and to the other replicas (REPLICAOF); so
//     every node sets replica-announce-ip/port to its public address, or
//     the master would list the router's source address instead;
//   - the sentinels find each other through hello messages, which carry
//     the address a sentinel announces; each sets sentinel
//     announce-ip/port to the address it binds, so the other sentinels and
//     go-redis's sentinel discovery reach it.
//
// Routing by source is what keeps one address per node and still puts
// only cross-region traffic on the link. Every redis-server and sentinel
// sets bind-source-addr to its own IP, so its outgoing connections
// (replication, sentinel pings and INFO) carry its region; the harness
// (127.0.0.1) and the witness sentinel belong to neither region and never
// cross the link. So with the link cut, the replica loses its master and
// sentinel 2 sees the primary down, but sentinels 1 and 3 still see it up,
// no quorum forms, clients keep writing to the primary, and those writes
// are the ones a failover then loses: the RPO experiment. After a
// failover the same holds the other way round: the old primary, restarted
// as a replica in the primary region, replicates across the link from the
// new master in the failover region.
//
// Every node keeps the default replica-priority of 100, written out so
// that no one sets it to 0: a node with priority 0 is never promoted, and
// every node, the original primary after it rejoins too, must be
// promotable for the group to fail over and back.
//
// # Time
//
// Sentinel's timings model the platform, so they scale with the sandbox's
// clock: down-after-milliseconds and failover-timeout are Sentinel's
// defaults (30 s and 180 s) divided by TimeScale, and so are its internal
// info, ping, ask and publish periods (set through SENTINEL DEBUG); at 60x
// a primary is declared down after 500 ms and a failover finishes in one
// to three real seconds. Nothing is scaled below a floor that the
// sentinel's own timer (10-20 ticks a second) and a loaded two-core host
// can keep. What guards against the host itself (TILT) stays in real
// time.
//
// # Faults
//
// KillPrimary, PausePrimary, LinkDelay and LinkCut inject a fault and
// return a named object whose Revert undoes it. No persistence is
// configured (the data is a cache), so a killed node comes back empty:
// its Revert waits for the sentinels to promote a replica and restarts it
// as a replica of the new master, because a primary restarted empty while
// its replica still follows it would have that replica copy the empty
// dataset. Only with Replicas == 0 does it come back as an empty master,
// and that loss is the point of the replicas=0 deviation.
package redisha
