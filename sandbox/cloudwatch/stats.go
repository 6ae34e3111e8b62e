package cloudwatch

import (
	"cmp"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// stat is a parsed statistic: one of the five, or a percentile.
type stat struct {
	std Statistic // set for the five
	pct float64   // the percentile, 0-100, when std is empty
}

func (s stat) String() string {
	if s.std != "" {
		return string(s.std)
	}
	return "p" + strconv.FormatFloat(s.pct, 'f', -1, 64)
}

// percentileRE accepts pNN.NN from p0 to p100. AWS allows up to ten decimal
// places in extended statistics (Statistics-definitions.html).
var percentileRE = regexp.MustCompile(`^p(\d{1,3}(?:\.\d{1,10})?)$`)

// parsePercentile reads "p90", "p99.9" and the like.
func parsePercentile(s string) (stat, bool) {
	m := percentileRE.FindStringSubmatch(s)
	if m == nil {
		return stat{}, false
	}
	p, err := strconv.ParseFloat(m[1], 64)
	if err != nil || p > 100 {
		return stat{}, false
	}
	return stat{pct: p}, true
}

// otherExtendedPrefixes are the extended statistics AWS has besides
// percentiles (Statistics-definitions.html): trimmed mean, winsorized mean,
// trimmed count, trimmed sum, percentile rank, interquartile mean.
var otherExtendedPrefixes = []string{"tm", "wm", "tc", "ts", "TM(", "WM(", "TC(", "TS(", "PR(", "IQM"}

// extendedStatError rejects an extended statistic that is not a valid
// percentile, saying so when AWS would accept it but the sandbox does not.
func extendedStatError(param, s string) *Error {
	for _, p := range otherExtendedPrefixes {
		if strings.HasPrefix(s, p) {
			return newError(ErrCodeInvalidParameterValue,
				"The value %s for parameter %s is not supported by the sandbox, which computes only percentiles (pNN.NN).", s, param)
		}
	}
	return newError(ErrCodeInvalidParameterValue, "The value %s for parameter %s is not supported.", s, param)
}

// parseStat reads a statistic as GetMetricData's Stat takes it: one of the
// five names or a percentile.
func parseStat(param, s string) (stat, *Error) {
	if slices.Contains(statistics, Statistic(s)) {
		return stat{std: Statistic(s)}, nil
	}
	if st, ok := parsePercentile(s); ok {
		return st, nil
	}
	return stat{}, extendedStatError(param, s)
}

type weighted struct{ v, w float64 }

// agg aggregates samples for one period.
type agg struct {
	n                    int
	count, sum, min, max float64
	// raw holds every value with its weight while all samples carried raw
	// values; rawOK goes false for good at the first one that did not.
	raw      []weighted
	rawOK    bool
	negative bool
	sorted   bool
}

func (a *agg) add(s *sample) {
	if a.n == 0 {
		a.min, a.max, a.rawOK = s.min, s.max, true
	}
	a.n++
	a.count += s.count
	a.sum += s.sum
	a.min = min(a.min, s.min)
	a.max = max(a.max, s.max)
	a.negative = a.negative || s.min < 0
	if s.values == nil {
		a.rawOK, a.raw = false, nil
	}
	if !a.rawOK {
		return
	}
	for i, v := range s.values {
		w := 1.0
		if s.counts != nil {
			w = s.counts[i]
		}
		a.raw = append(a.raw, weighted{v, w})
	}
	a.sorted = false
}

// value computes st; false when it is not available for these samples.
func (a *agg) value(st stat) (float64, bool) {
	switch st.std {
	case StatisticSampleCount:
		return a.count, true
	case StatisticSum:
		return a.sum, true
	case StatisticAverage:
		return a.sum / a.count, true
	case StatisticMinimum:
		return a.min, true
	case StatisticMaximum:
		return a.max, true
	}
	return a.percentile(st.pct)
}

// percentile is the nearest-rank percentile of the raw values: the
// smallest value at or below which at least p% of the samples lie. AWS
// does not publish its interpolation; nearest rank always returns a value
// that was actually observed, which keeps tests on small samples exact.
// Percentiles are unavailable when any value is negative or any sample
// came from a statistic set without raw values (API_GetMetricStatistics).
func (a *agg) percentile(p float64) (float64, bool) {
	if !a.rawOK || a.negative || len(a.raw) == 0 {
		return 0, false
	}
	if !a.sorted {
		slices.SortFunc(a.raw, func(x, y weighted) int { return cmp.Compare(x.v, y.v) })
		a.sorted = true
	}
	if p == 0 {
		return a.raw[0].v, true
	}
	// The relative tolerance keeps p90 of ten samples at the ninth even
	// when 90*10/100 does not come out exactly 9 in floating point.
	target := p * a.count / 100 * (1 - 1e-12)
	cum := 0.0
	for _, x := range a.raw {
		cum += x.w
		if cum >= target {
			return x.v, true
		}
	}
	return a.raw[len(a.raw)-1].v, true
}
