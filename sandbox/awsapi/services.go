package awsapi

// The services this endpoint serves, by the names Server.Handle takes.
const (
	ServiceECS                    = "ecs"
	ServiceApplicationAutoScaling = "application-autoscaling"
	ServiceCloudWatch             = "cloudwatch"
)

// service is what the wire layer knows of one AWS service's model: how its
// clients address it in each protocol and how its errors look.
type service struct {
	name string
	// namespace and shapeName form the Smithy shape ID of the service;
	// shapeName is also the JSON X-Amz-Target prefix and the rpcv2Cbor
	// serviceName.
	namespace string
	shapeName string
	// jsonVersion is "1.0" or "1.1"; "" when the service has no JSON
	// protocol.
	jsonVersion string
	cbor        bool
	// queryVersion is the Version parameter of the service's Query
	// requests, "" when it has no Query protocol.
	queryVersion string
	xmlNamespace string
	// signingName is the service in a SigV4 credential scope, which names
	// the service of a Query request.
	signingName string
	// queryCompatible services (Smithy's @awsQueryCompatible) add the
	// x-amzn-query-error header to JSON and CBOR errors so that clients
	// recover the Query code.
	queryCompatible bool
	messageKey      string
	errors          map[string]errorShape
	params          paramStyle
	// members spells a Go field name as the model's member name.
	members memberNames
}

// memberNames maps Go field names (PascalCase) to a service model's member
// names; nil keeps them, as the PascalCase models (CloudWatch,
// Application Auto Scaling) spell them.
type memberNames func(field string) string

func (n memberNames) of(field string) string {
	if n == nil {
		return field
	}
	return n(field)
}

// errorShape describes an error structure of a service model; zero fields
// take the defaults of resolve.
type errorShape struct {
	shape     string
	namespace string
	// query is the @awsQueryError code, when it differs from shape.
	query  string
	status int
	fault  Fault
	// messageKey is the member holding the message, when the structure
	// spells it unlike the service's other errors: SDKs match member
	// names case-sensitively.
	messageKey string
}

// errorTable indexes shapes by name and by Query code, the first shape
// listed winning a shared code (CloudWatch's ResourceNotFound names two).
func errorTable(shapes ...errorShape) map[string]errorShape {
	t := make(map[string]errorShape, 2*len(shapes))
	for _, s := range shapes {
		t[s.shape] = s
		if _, taken := t[s.query]; s.query != "" && !taken {
			t[s.query] = s
		}
	}
	return t
}

// commonErrors are the errors of AWS's front end, which no service model
// lists, with the namespaces AWS gives them.
var commonErrors = errorTable(
	errorShape{shape: codeUnknownOperation, namespace: "com.amazon.coral.service", query: "InvalidAction"},
	errorShape{shape: codeSerialization, namespace: "com.amazon.coral.service"},
	errorShape{shape: codeInternalFailure, namespace: "com.amazon.coral.service", status: 500, fault: Receiver},
	errorShape{shape: "ThrottlingException", namespace: "com.amazon.coral.availability", query: "Throttling"},
	errorShape{shape: "ValidationException", namespace: "com.amazon.coral.validate"},
	errorShape{shape: codeMissingAction, namespace: "com.amazon.coral.service"},
	errorShape{shape: codeMalformedQuery, namespace: "com.amazon.coral.service"},
)

// The status codes, faults, Query codes and message member names below are
// those of the service models aws-sdk-go-v2 is generated from (ecs
// 2014-11-13, application-autoscaling 2016-02-06, monitoring 2010-08-01);
// errors not listed are client errors with status 400.
var services = map[string]*service{
	ServiceRoute53: route53Service,
	ServiceECS: {
		name:        ServiceECS,
		namespace:   "com.amazonaws.ecs",
		shapeName:   "AmazonEC2ContainerServiceV20141113",
		jsonVersion: "1.1",
		messageKey:  "message",
		params:      coralParams,
		// ECS's model spells members in lowerCamelCase (clusterArn).
		members: lowerFirst,
		errors: errorTable(
			errorShape{shape: "AccessDeniedException", status: 403},
			errorShape{shape: "ServerException", status: 500, fault: Receiver},
		),
	},
	ServiceApplicationAutoScaling: {
		name:        ServiceApplicationAutoScaling,
		namespace:   "com.amazonaws.applicationautoscaling",
		shapeName:   "AnyScaleFrontendService",
		jsonVersion: "1.1",
		messageKey:  "Message",
		params:      coralParams,
		errors: errorTable(
			errorShape{shape: "ConcurrentUpdateException", status: 500, fault: Receiver},
			errorShape{shape: "InternalServiceException", status: 500, fault: Receiver},
			errorShape{shape: "ResourceNotFoundException", status: 404},
		),
	},
	ServiceCloudWatch: {
		name:            ServiceCloudWatch,
		namespace:       "com.amazonaws.cloudwatch",
		shapeName:       "GraniteServiceVersion20100801",
		jsonVersion:     "1.0",
		cbor:            true,
		queryVersion:    "2010-08-01",
		xmlNamespace:    "http://monitoring.amazonaws.com/doc/2010-08-01/",
		signingName:     "monitoring",
		queryCompatible: true,
		messageKey:      "message",
		params:          queryParams,
		errors: errorTable(
			errorShape{shape: "InvalidParameterValueException", query: "InvalidParameterValue"},
			errorShape{shape: "InvalidParameterCombinationException", query: "InvalidParameterCombination"},
			errorShape{shape: "MissingRequiredParameterException", query: "MissingParameter"},
			errorShape{shape: "ValidationException", query: "ValidationError"},
			errorShape{shape: "ResourceNotFound", status: 404},
			errorShape{shape: "DashboardNotFoundError", query: "ResourceNotFound", status: 404},
			errorShape{shape: "ResourceNotFoundException", status: 404},
			errorShape{shape: "DashboardInvalidInputError", query: "InvalidParameterInput"},
			errorShape{shape: "InvalidFormatFault", query: "InvalidFormat"},
			errorShape{shape: "InvalidNextToken"},
			errorShape{shape: "LimitExceededFault", query: "LimitExceeded"},
			errorShape{shape: "LimitExceededException", messageKey: "Message"},
			errorShape{shape: "ResourceConflict", status: 409},
			errorShape{shape: "ConflictException", status: 409, messageKey: "Message"},
			errorShape{shape: "ConcurrentModificationException", status: 429, messageKey: "Message"},
			errorShape{shape: "InternalServiceFault", query: "InternalServiceError", status: 500, fault: Receiver, messageKey: "Message"},
			// Not in the model, so SDKs fall back to the Query code,
			// which their retryers know as a throttle.
			errorShape{shape: "ThrottlingException", namespace: "com.amazon.coral.availability", query: "Throttling"},
		),
	},
	ServiceElastiCache: elastiCacheService,
	ServiceFIS:         fisService,
}

// serviceBy returns the service for which match holds, or nil.
func serviceBy(match func(*service) bool) *service {
	for _, s := range services {
		if match(s) {
			return s
		}
	}
	return nil
}
