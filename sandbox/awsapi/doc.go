// Package awsapi is the wire-protocol layer of the sandbox's AWS-compatible
// endpoint. One Server takes the requests of unmodified AWS clients for
// ECS and Application Auto Scaling (AWS JSON 1.1), CloudWatch (Smithy
// RPC v2 CBOR from aws-sdk-go-v2, AWS JSON 1.0 from botocore ≥ 1.42.7,
// AWS Query from older clients such as aws CLI v2.9), ElastiCache (AWS
// Query), Route 53 (REST-XML) and AWS FIS (REST-JSON), decodes each into
// a protocol-neutral Request, calls the Handler registered for its
// service, and writes the result or error back as that protocol's clients
// parse it.
//
// Handlers see one input model whatever the protocol: Request.Input is a
// Value whose accessors coerce what each protocol sends (Query's strings,
// JSON's epoch seconds, CBOR's tag-1 times) and record a missing or
// malformed parameter as the validation error the service itself would
// return. They return plain maps, slices and scalars, or structs (see
// Handler), and *Error values whose Code is the service model's.
//
// Errors follow the service models: CloudWatch is @awsQueryCompatible, so
// its JSON and CBOR errors carry the error structure's name in __type and
// the Query code (InvalidParameterValue, MissingParameter,
// ResourceNotFound, …) in x-amzn-query-error, which SDKs prefer; its Query
// errors carry the Query code. A handler may use either name.
//
// Adding a Query service is an entry in services with its Version, signing
// name and XML namespace (see elasticache.go); a REST service is a route
// table for the REST-XML or REST-JSON codec (see route53.go, fis.go).
package awsapi
