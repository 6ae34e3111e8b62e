package aws

import (
	"context"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
)

// Datapoints reads one metric's datapoints between start and end, one per
// period, oldest first (CloudWatch GetMetricStatistics): what a suite
// reads to know whether the platform published the evidence its alarms
// evaluate.
func (c *Clients) Datapoints(ctx context.Context, namespace, metric string, dims map[string]string, stat cwtypes.Statistic, period time.Duration, start, end time.Time) ([]cwtypes.Datapoint, error) {
	var dimensions []cwtypes.Dimension
	var names []string
	for _, k := range slices.Sorted(maps.Keys(dims)) {
		dimensions = append(dimensions, cwtypes.Dimension{Name: &k, Value: ptr(dims[k])})
		names = append(names, k+"="+dims[k])
	}
	secs := int32(period / time.Second)
	out, err := c.CloudWatch.GetMetricStatistics(ctx, &cloudwatch.GetMetricStatisticsInput{Namespace: &namespace, MetricName: &metric, Dimensions: dimensions,
		Statistics: []cwtypes.Statistic{stat}, Period: &secs, StartTime: &start, EndTime: &end})
	if err != nil {
		return nil, fail("cloudwatch GetMetricStatistics", namespace+"/"+metric+" "+strings.Join(names, ","), err)
	}
	points := out.Datapoints
	slices.SortFunc(points, func(a, b cwtypes.Datapoint) int { return a.Timestamp.Compare(*b.Timestamp) })
	return points, nil
}

func ptr[T any](v T) *T { return &v }
