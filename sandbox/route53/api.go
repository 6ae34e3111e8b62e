package route53

import (
	"context"

	"github.com/gameday-sre/gameday/sandbox/awsapi"
)

// ServeAWS is the engine's awsapi.Handler: register it with
// server.Handle(awsapi.ServiceRoute53, engine.ServeAWS). It decodes each
// operation's input from the protocol-neutral request and returns the
// engine's output, whose field names are the wire's.
func (e *Engine) ServeAWS(ctx context.Context, req *awsapi.Request) (any, error) {
	op, ok := operations[req.Operation]
	if !ok {
		return nil, awsapi.UnknownOperation(req.Operation)
	}
	out, err := op(ctx, e, req.Input)
	if verr := req.Input.Err(); verr != nil {
		return nil, verr
	}
	return out, err
}

// operation decodes an input and calls the engine. The engine's result is
// discarded when the input held an error, which ServeAWS returns instead.
type operation func(ctx context.Context, e *Engine, in awsapi.Value) (any, error)

var operations = map[string]operation{
	"ChangeTagsForResource": func(_ context.Context, e *Engine, in awsapi.Value) (any, error) {
		var c ChangeTagsForResourceInput
		in.Require("ResourceType")
		in.Require("ResourceId")
		in.Decode(&c)
		if err := in.Err(); err != nil {
			return nil, err
		}
		return nil, e.ChangeTagsForResource(c)
	},
	"ListTagsForResource": func(_ context.Context, e *Engine, in awsapi.Value) (any, error) {
		sets, err := e.ListTagsForResources(in.Require("ResourceType").AsString(), []string{in.Require("ResourceId").AsString()})
		if err != nil || in.Err() != nil {
			return nil, err
		}
		return struct{ ResourceTagSet ResourceTagSet }{sets[0]}, nil
	},
	"ListTagsForResources": func(_ context.Context, e *Engine, in awsapi.Value) (any, error) {
		in.Require("ResourceIds")
		sets, err := e.ListTagsForResources(in.Require("ResourceType").AsString(), in.Strings("ResourceIds"))
		return struct{ ResourceTagSets []ResourceTagSet }{sets}, err
	},
	"CreateHostedZone": func(_ context.Context, e *Engine, in awsapi.Value) (any, error) {
		var cfg *HostedZoneConfig
		if c := in.Get("HostedZoneConfig"); c.Exists() {
			cfg = &HostedZoneConfig{Comment: c.String("Comment"), PrivateZone: c.Bool("PrivateZone")}
		}
		return e.CreateHostedZone(CreateHostedZoneInput{
			Name: in.Require("Name").AsString(), CallerReference: in.Require("CallerReference").AsString(), HostedZoneConfig: cfg,
		})
	},
	"ListHostedZonesByName": func(_ context.Context, e *Engine, in awsapi.Value) (any, error) {
		return e.ListHostedZonesByName(ListHostedZonesByNameInput{DNSName: in.String("DNSName"), HostedZoneId: in.String("HostedZoneId"), MaxItems: in.Int("MaxItems")})
	},
	"GetHostedZone": func(_ context.Context, e *Engine, in awsapi.Value) (any, error) {
		return e.GetHostedZone(in.Require("Id").AsString())
	},
	"DeleteHostedZone": func(_ context.Context, e *Engine, in awsapi.Value) (any, error) {
		c, err := e.DeleteHostedZone(in.Require("Id").AsString())
		return struct{ ChangeInfo ChangeInfo }{c}, err
	},
	"ListHostedZones": func(_ context.Context, e *Engine, in awsapi.Value) (any, error) {
		return e.ListHostedZones(ListHostedZonesInput{Marker: in.String("Marker"), MaxItems: in.Int("MaxItems")})
	},
	"GetChange": func(_ context.Context, e *Engine, in awsapi.Value) (any, error) {
		c, err := e.GetChange(in.Require("Id").AsString())
		return struct{ ChangeInfo ChangeInfo }{c}, err
	},
	"ChangeResourceRecordSets": func(_ context.Context, e *Engine, in awsapi.Value) (any, error) {
		batch := in.Require("ChangeBatch")
		changes := []Change{}
		for _, c := range batch.Require("Changes").AsList() {
			changes = append(changes, Change{Action: c.Require("Action").AsString(), ResourceRecordSet: decodeSet(c.Require("ResourceRecordSet"))})
		}
		if err := in.Err(); err != nil {
			return nil, err
		}
		c, err := e.ChangeResourceRecordSets(ChangeResourceRecordSetsInput{
			HostedZoneId: in.Require("HostedZoneId").AsString(), Comment: batch.String("Comment"), Changes: changes,
		})
		return struct{ ChangeInfo ChangeInfo }{c}, err
	},
	"ListResourceRecordSets": func(_ context.Context, e *Engine, in awsapi.Value) (any, error) {
		return e.ListResourceRecordSets(ListResourceRecordSetsInput{
			HostedZoneId:          in.Require("HostedZoneId").AsString(),
			StartRecordName:       in.String("StartRecordName"),
			StartRecordType:       in.String("StartRecordType"),
			StartRecordIdentifier: in.String("StartRecordIdentifier"),
			MaxItems:              in.Int("MaxItems"),
		})
	},
	"CreateHealthCheck": func(_ context.Context, e *Engine, in awsapi.Value) (any, error) {
		c := in.Require("HealthCheckConfig")
		cfg := HealthCheckConfig{
			IPAddress: c.String("IPAddress"), Port: c.Int("Port"), Type: c.Require("Type").AsString(),
			ResourcePath: c.String("ResourcePath"), FullyQualifiedDomainName: c.String("FullyQualifiedDomainName"),
			SearchString: c.String("SearchString"), RequestInterval: c.Int("RequestInterval"),
			FailureThreshold: c.Int("FailureThreshold"), MeasureLatency: c.Bool("MeasureLatency"),
			Inverted: c.Bool("Inverted"), Disabled: c.Bool("Disabled"), EnableSNI: c.Bool("EnableSNI"),
			Regions: c.Strings("Regions"),
		}
		if err := in.Err(); err != nil {
			return nil, err
		}
		return e.CreateHealthCheck(CreateHealthCheckInput{CallerReference: in.Require("CallerReference").AsString(), HealthCheckConfig: cfg})
	},
	"GetHealthCheck": func(_ context.Context, e *Engine, in awsapi.Value) (any, error) {
		h, err := e.GetHealthCheck(in.Require("HealthCheckId").AsString())
		return struct{ HealthCheck HealthCheck }{h}, err
	},
	"ListHealthChecks": func(_ context.Context, e *Engine, in awsapi.Value) (any, error) {
		return e.ListHealthChecks(ListHealthChecksInput{Marker: in.String("Marker"), MaxItems: in.Int("MaxItems")})
	},
	"UpdateHealthCheck": func(_ context.Context, e *Engine, in awsapi.Value) (any, error) {
		u := UpdateHealthCheckInput{
			HealthCheckId:            in.Require("HealthCheckId").AsString(),
			IPAddress:                optional(in, "IPAddress", awsapi.Value.AsString),
			Port:                     optional(in, "Port", awsapi.Value.AsInt),
			ResourcePath:             optional(in, "ResourcePath", awsapi.Value.AsString),
			FullyQualifiedDomainName: optional(in, "FullyQualifiedDomainName", awsapi.Value.AsString),
			SearchString:             optional(in, "SearchString", awsapi.Value.AsString),
			FailureThreshold:         optional(in, "FailureThreshold", awsapi.Value.AsInt),
			Inverted:                 optional(in, "Inverted", awsapi.Value.AsBool),
			Disabled:                 optional(in, "Disabled", awsapi.Value.AsBool),
			EnableSNI:                optional(in, "EnableSNI", awsapi.Value.AsBool),
			Regions:                  in.Strings("Regions"),
			ResetElements:            in.Strings("ResetElements"),
		}
		if v := optional(in, "HealthCheckVersion", awsapi.Value.AsInt); v != nil {
			u.HealthCheckVersion = ptr(int64(*v))
		}
		if err := in.Err(); err != nil {
			return nil, err
		}
		h, err := e.UpdateHealthCheck(u)
		return struct{ HealthCheck HealthCheck }{h}, err
	},
	"DeleteHealthCheck": func(_ context.Context, e *Engine, in awsapi.Value) (any, error) {
		return nil, e.DeleteHealthCheck(in.Require("HealthCheckId").AsString())
	},
	"GetHealthCheckStatus": func(_ context.Context, e *Engine, in awsapi.Value) (any, error) {
		obs, err := e.GetHealthCheckStatus(in.Require("HealthCheckId").AsString())
		return struct{ HealthCheckObservations []HealthCheckObservation }{obs}, err
	},
	"TestDNSAnswer": func(ctx context.Context, e *Engine, in awsapi.Value) (any, error) {
		return e.TestDNSAnswer(ctx, TestDNSAnswerInput{
			HostedZoneId: in.Require("HostedZoneId").AsString(),
			RecordName:   in.Require("RecordName").AsString(),
			RecordType:   in.Require("RecordType").AsString(),
		})
	},
}

func decodeSet(v awsapi.Value) ResourceRecordSet {
	s := ResourceRecordSet{
		Name: v.Require("Name").AsString(), Type: v.Require("Type").AsString(),
		SetIdentifier: v.String("SetIdentifier"), Failover: v.String("Failover"),
		HealthCheckId: v.String("HealthCheckId"),
	}
	if t := optional(v, "TTL", awsapi.Value.AsInt); t != nil {
		s.TTL = ptr(int64(*t))
	}
	for _, r := range v.List("ResourceRecords") {
		s.ResourceRecords = append(s.ResourceRecords, ResourceRecord{Value: r.Require("Value").AsString()})
	}
	if a := v.Get("AliasTarget"); a.Exists() {
		s.AliasTarget = &AliasTarget{
			HostedZoneId: a.Require("HostedZoneId").AsString(), DNSName: a.Require("DNSName").AsString(),
			EvaluateTargetHealth: a.Require("EvaluateTargetHealth").AsBool(),
		}
	}
	return s
}

// optional returns a pointer to the member key, nil when it is absent.
func optional[T any](v awsapi.Value, key string, as func(awsapi.Value) T) *T {
	m := v.Get(key)
	if !m.Exists() {
		return nil
	}
	return ptr(as(m))
}
