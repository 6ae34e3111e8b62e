package aws

import (
	"context"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/route53"
	r53types "github.com/aws/aws-sdk-go-v2/service/route53/types"
)

// HealthCheck is a Route 53 health check with its tags, which is how a
// target may say which of the runbook's checks it is.
type HealthCheck struct {
	r53types.HealthCheck
	Tags map[string]string
}

// tagBatch is how many resources ListTagsForResources takes at once.
const tagBatch = 10

// HostedZone finds a hosted zone by DNS name; nil when there is none.
func (c *Clients) HostedZone(ctx context.Context, name string) (*r53types.HostedZone, error) {
	want := FQDN(name)
	out, err := c.Route53.ListHostedZonesByName(ctx, &route53.ListHostedZonesByNameInput{DNSName: &want})
	if err != nil {
		return nil, fail("route53 ListHostedZonesByName", want, err)
	}
	for _, z := range out.HostedZones {
		if z.Name != nil && FQDN(*z.Name) == want {
			return &z, nil
		}
	}
	return nil, nil
}

// RecordSets lists a zone's record sets named name, every type and set
// identifier.
func (c *Clients) RecordSets(ctx context.Context, zoneID, name string) ([]r53types.ResourceRecordSet, error) {
	want := FQDN(name)
	var out []r53types.ResourceRecordSet
	pages := route53.NewListResourceRecordSetsPaginator(c.Route53, &route53.ListResourceRecordSetsInput{HostedZoneId: &zoneID, StartRecordName: &want})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, fail("route53 ListResourceRecordSets", zoneID+" "+want, err)
		}
		for _, rr := range page.ResourceRecordSets {
			// Records come sorted by name from StartRecordName on; some
			// emulators ignore the start and return the whole zone.
			if rr.Name != nil && FQDN(*rr.Name) == want {
				out = append(out, rr)
			}
		}
	}
	return out, nil
}

// HealthChecks lists every health check of the account with its tags.
func (c *Clients) HealthChecks(ctx context.Context) ([]HealthCheck, error) {
	var out []HealthCheck
	pages := route53.NewListHealthChecksPaginator(c.Route53, &route53.ListHealthChecksInput{})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, fail("route53 ListHealthChecks", "(all)", err)
		}
		for _, hc := range page.HealthChecks {
			out = append(out, HealthCheck{HealthCheck: hc, Tags: map[string]string{}})
		}
	}
	for start := 0; start < len(out); start += tagBatch {
		batch := out[start:min(start+tagBatch, len(out))]
		ids := make([]string, len(batch))
		byID := map[string]*HealthCheck{}
		for i := range batch {
			ids[i] = *batch[i].Id
			byID[ids[i]] = &batch[i]
		}
		tags, err := c.Route53.ListTagsForResources(ctx, &route53.ListTagsForResourcesInput{ResourceType: r53types.TagResourceTypeHealthcheck, ResourceIds: ids})
		if err != nil {
			return nil, fail("route53 ListTagsForResources", "healthcheck "+strings.Join(ids, ", "), err)
		}
		for _, set := range tags.ResourceTagSets {
			if set.ResourceId == nil || byID[*set.ResourceId] == nil {
				continue
			}
			for _, t := range set.Tags {
				if t.Key != nil && t.Value != nil {
					byID[*set.ResourceId].Tags[*t.Key] = *t.Value
				}
			}
		}
	}
	return out, nil
}

// HealthCheckStatus is what each Route 53 checker last saw of a health
// check: the evidence for when a failover's health check went unhealthy.
func (c *Clients) HealthCheckStatus(ctx context.Context, id string) ([]r53types.HealthCheckObservation, error) {
	out, err := c.Route53.GetHealthCheckStatus(ctx, &route53.GetHealthCheckStatusInput{HealthCheckId: &id})
	if err != nil {
		return nil, fail("route53 GetHealthCheckStatus", "healthcheck "+id, err)
	}
	return out.HealthCheckObservations, nil
}

// FQDN writes a DNS name as Route 53 returns it: lower case with the
// trailing dot, so names compare whichever way they were written.
func FQDN(name string) string {
	return strings.ToLower(strings.TrimSuffix(name, ".")) + "."
}
