package config_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gameday-sre/gameday/sandbox/config"
	"github.com/gameday-sre/gameday/spec"
)

func compliant(t *testing.T) *config.Sandbox {
	t.Helper()
	p, err := spec.Load("../../fixtures/spec/platform.yaml")
	if err != nil {
		t.Fatal(err)
	}
	s, err := config.New(p, 60, time.Date(2026, 11, 30, 7, 59, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestDeviationsChangeTheConfiguration(t *testing.T) {
	tests := []struct {
		dev   string
		check func(s *config.Sandbox) bool
	}{
		{"frontend.scaleInCooldown=60s", func(s *config.Sandbox) bool {
			return s.Platform.Services[0].Policies[0].ScaleInCooldown.D() == time.Minute
		}},
		{"frontend.scaleOutCooldown=60s", func(s *config.Sandbox) bool {
			return s.Platform.Services[0].Policies[0].ScaleOutCooldown.D() == time.Minute
		}},
		{"ai.maxCapacity=50", func(s *config.Sandbox) bool { return s.Platform.Services[2].ScalableTarget.MaxCapacity == 50 }},
		{"api.minCapacity=1", func(s *config.Sandbox) bool { return s.Platform.Services[1].ScalableTarget.MinCapacity == 1 }},
		{"frontend.targetValue=50", func(s *config.Sandbox) bool { return s.Platform.Services[0].Policies[0].TargetValue == 50 }},
		{"ai.policy=absent", func(s *config.Sandbox) bool { return len(s.Platform.Services[2].Policies) == 0 }},
		{"frontend.taskStartDelay=8m", func(s *config.Sandbox) bool { return s.TaskStartDelay["frontend"] == 8*time.Minute }},
		{"api.draining=absent", func(s *config.Sandbox) bool { return slices.Equal(s.NoDraining, []string{"api"}) }},
		{"api.policy=step", func(s *config.Sandbox) bool { return slices.Equal(s.StepScaling, []string{"api"}) }},
		{"alarm.APILatencyHigh.evaluationPeriods=1", func(s *config.Sandbox) bool { return s.Platform.Alarms[1].EvaluationPeriods == 1 }},
		{"alarm.APILatencyHigh.statistic=Average", func(s *config.Sandbox) bool {
			return s.Platform.Alarms[1].Statistic == "Average" && s.Platform.Alarms[1].ExtendedStatistic == ""
		}},
		{"alarm.AutoScalingFailure=absent", func(s *config.Sandbox) bool { return s.Absent.Alarms[0] == "AutoScalingFailure" }},
		{"scheduled.business-hours-scaling.schedule=cron(0 9 ? * MON-FRI *)", func(s *config.Sandbox) bool {
			return s.Platform.ScheduledActions[0].Schedule.String() == "cron(0 9 ? * MON-FRI *)"
		}},
		{"scheduled.night-hours-scaling=absent", func(s *config.Sandbox) bool { return s.Absent.ScheduledActions[0] == "night-hours-scaling" }},
		{"healthcheck.primary.failureThreshold=6", func(s *config.Sandbox) bool { return s.Platform.Route53.HealthChecks[0].FailureThreshold == 6 }},
		{"healthcheck.primary.requestInterval=10s", func(s *config.Sandbox) bool {
			return s.Platform.Route53.HealthChecks[0].RequestInterval.D() == 10*time.Second
		}},
		{"healthcheck.primary.resourcePath=/status", func(s *config.Sandbox) bool { return s.Platform.Route53.HealthChecks[0].ResourcePath == "/status" }},
		{"route53.failureThreshold=6", func(s *config.Sandbox) bool { return s.Platform.Route53.HealthChecks[0].FailureThreshold == 6 }},
		{"route53.requestInterval=10s", func(s *config.Sandbox) bool {
			return s.Platform.Route53.HealthChecks[0].RequestInterval.D() == 10*time.Second
		}},
		{"redis.replicas=0", func(s *config.Sandbox) bool { return s.RedisReplicas == 0 }},
		{"link.delay=90s", func(s *config.Sandbox) bool { return s.LinkDelay == 90*time.Second }},
		{"failover.Primary.healthCheck=absent", func(s *config.Sandbox) bool { return s.Platform.Route53.FailoverRecords[0].HealthCheck == "" }},
		{"failover.Secondary.evaluateTargetHealth=false", func(s *config.Sandbox) bool {
			return !s.Platform.Route53.FailoverRecords[1].Alias.EvaluateTargetHealth
		}},
	}
	for _, tt := range tests {
		t.Run(tt.dev, func(t *testing.T) {
			s := compliant(t)
			d, err := config.ParseDeviation(tt.dev)
			if err != nil {
				t.Fatal(err)
			}
			if err := s.Apply([]config.Deviation{d}); err != nil {
				t.Fatal(err)
			}
			if !tt.check(s) {
				t.Errorf("%s did not change the configuration", tt.dev)
			}
			if len(s.Deviations) != 1 || s.Deviations[0] != d {
				t.Errorf("deviation not recorded: %v", s.Deviations)
			}
		})
	}
}

func TestBadDeviationsAreRefused(t *testing.T) {
	tests := []struct{ dev, want string }{
		{"frontend.scaleInCoolDown=60s", "unknown deviation \"frontend.scaleInCoolDown\"; valid keys"},
		{"frontend.scaleInCooldown=60", "has no unit"},
		{"ai.maxCapacity=lots", "want a whole number"},
		{"frontend.minCapacity=12", "minimum 12 is above maximum 10"},
		{"alarm.APILatencyHigh.period=45s", "CloudWatch periods are 10s, 30s or a multiple of 60s"},
		{"scheduled.business-hours-scaling.schedule=cron(0 8 * * 1-5)", "cron needs 6 fields"},
		{"ai.policy=gone", "want absent"},
		{"api.scaleInCooldown=60s", "unknown deviation"},
		{"healthcheck.primary.failureThreshold=11", "at most 10"},
		{"redis.replicas=2", "want 0 or 1"},
		{"route53.failureThreshold=0", "want a whole number >= 1"},
		{"healthcheck.primary.requestInterval=20s", "10s or 30s"},
		{"failover.Secondary.healthCheck=absent", "unknown deviation"},
		{"api.policy=absent", "want step"},
		{"frontend.policy=step", "want absent"},
		{"ai.draining=off", "want absent"},
	}
	for _, tt := range tests {
		t.Run(tt.dev, func(t *testing.T) {
			d, err := config.ParseDeviation(tt.dev)
			if err != nil {
				t.Fatal(err)
			}
			err = compliant(t).Apply([]config.Deviation{d})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("want an error containing %q, got %v", tt.want, err)
			}
		})
	}
	for _, bad := range []string{"frontend.scaleInCooldown", "=60s", "x="} {
		if _, err := config.ParseDeviation(bad); err == nil {
			t.Errorf("ParseDeviation(%q) accepted", bad)
		}
	}
}

func TestKnobsNameTheirRunbookRow(t *testing.T) {
	knobs := config.Knobs(compliant(t).Platform)
	if len(knobs) < 20 {
		t.Fatalf("only %d knobs", len(knobs))
	}
	for _, k := range knobs {
		if k.Row == "" || k.Want == "" {
			t.Errorf("knob %s lacks its row or wanted value", k.Key)
		}
	}
}

func TestTimeScaleBounds(t *testing.T) {
	p, err := spec.Load("../../fixtures/spec/platform.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, scale := range []float64{0, -1, 20000} {
		if _, err := config.New(p, scale, time.Time{}); err == nil {
			t.Errorf("time scale %v accepted", scale)
		}
	}
}
