package fis

import (
	"context"
	"crypto/rand"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/gameday-sre/gameday/clock"
	"github.com/gameday-sre/gameday/sandbox/cloudwatch"
	"github.com/gameday-sre/gameday/sandbox/ecs"
	"github.com/gameday-sre/gameday/sandbox/faults"
)

// ECS is the region's ECS as the task actions use it; an
// *ecs.ControlPlane is one.
type ECS interface {
	Name() string
	ARN() string
	ListTasks(ecs.ListTasksInput) (ecs.ListTasksOutput, error)
	DescribeTasks(ecs.DescribeTasksInput) (ecs.DescribeTasksOutput, error)
	DescribeServices(ecs.DescribeServicesInput) (ecs.DescribeServicesOutput, error)
	StopTask(ecs.StopTaskInput) (ecs.Task, error)
}

// Alarms is the region's CloudWatch as stop conditions read it; a
// *cloudwatch.Engine is one.
type Alarms interface {
	DescribeAlarms(cloudwatch.DescribeAlarmsInput) (cloudwatch.DescribeAlarmsOutput, error)
}

// Faults is the sandbox's fault hooks, which hold the faults of the
// actions that last; a *faults.Registry is one. Faults injected through it
// show among the sandbox's active faults while the experiment holds them.
type Faults interface {
	Inject(ctx context.Context, kind string, args []string) (faults.Fault, error)
	Revert(ctx context.Context, id string) (faults.Fault, error)
}

// Config is one region's FIS.
type Config struct {
	Region    string
	AccountID string
	Clock     clock.Clock
	ECS       ECS
	Alarms    Alarms
	Faults    Faults
	// ReplicationGroups are the ARNs of the ElastiCache replication groups
	// in the region, which aws:elasticache:replicationgroup targets name.
	ReplicationGroups []string
	// StopConditionInterval is how often, in platform time, a running
	// experiment reads its stop conditions' alarms; DefaultStopConditionInterval
	// when zero.
	StopConditionInterval time.Duration
	Log                   *slog.Logger
}

// DefaultStopConditionInterval is how often a running experiment reads
// its stop-condition alarms: well inside a CloudWatch alarm's 60 s
// period, so an alarm is seen in the evaluation that raised it.
const DefaultStopConditionInterval = 5 * time.Second

// Engine is one region's FIS: its templates and experiments. It is safe
// for concurrent use.
type Engine struct {
	cfg Config

	ctx    context.Context // ends with Close; experiments run under it
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu          sync.Mutex
	templates   map[string]*Template
	experiments map[string]*experiment
	tokens      map[string]string // client token → template or experiment id
}

// New returns the FIS of a region.
func New(cfg Config) (*Engine, error) {
	switch {
	case cfg.Region == "" || cfg.Clock == nil || cfg.ECS == nil || cfg.Alarms == nil || cfg.Faults == nil:
		return nil, fmt.Errorf("fis: a region, a clock, ECS, CloudWatch alarms and fault hooks are required")
	}
	if cfg.AccountID == "" {
		cfg.AccountID = ecs.DefaultAccountID
	}
	if cfg.StopConditionInterval <= 0 {
		cfg.StopConditionInterval = DefaultStopConditionInterval
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	ctx, cancel := context.WithCancel(context.Background())
	return &Engine{cfg: cfg, ctx: ctx, cancel: cancel, templates: map[string]*Template{},
		experiments: map[string]*experiment{}, tokens: map[string]string{}}, nil
}

// Close stops every running experiment, reverting its faults, and waits
// for them.
func (e *Engine) Close() {
	e.cancel()
	e.wg.Wait()
}

func (e *Engine) arn(kind, id string) string {
	return fmt.Sprintf("arn:aws:fis:%s:%s:%s/%s", e.cfg.Region, e.cfg.AccountID, kind, id)
}

// newID returns an id in FIS's form: a prefix and random letters and
// digits (EXT… for templates, EXP… for experiments).
func newID(prefix string) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	b := make([]byte, 14)
	rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return prefix + string(b)
}

// CreateExperimentTemplate validates and stores a template. A repeated
// client token returns the template it created.
func (e *Engine) CreateExperimentTemplate(in CreateTemplateInput) (Template, error) {
	if err := e.validateTemplate(in); err != nil {
		return Template{}, err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if id, ok := e.tokens[in.ClientToken]; ok && in.ClientToken != "" {
		if t, ok := e.templates[id]; ok {
			return t.clone(), nil
		}
	}
	now := e.cfg.Clock.Now()
	id := newID("EXT")
	t := &Template{
		ID: id, Arn: e.arn("experiment-template", id), Description: in.Description, RoleArn: in.RoleArn,
		Targets: maps.Clone(in.Targets), Actions: maps.Clone(in.Actions), StopConditions: slices.Clone(in.StopConditions),
		Tags: maps.Clone(in.Tags), CreationTime: now, LastUpdateTime: now,
	}
	if t.Targets == nil {
		t.Targets = map[string]Target{}
	}
	e.templates[id] = t
	if in.ClientToken != "" {
		e.tokens[in.ClientToken] = id
	}
	return t.clone(), nil
}

// GetExperimentTemplate returns a template.
func (e *Engine) GetExperimentTemplate(id string) (Template, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	t, ok := e.templates[id]
	if !ok {
		return Template{}, notFound("Experiment template %s not found.", id)
	}
	return t.clone(), nil
}

// DeleteExperimentTemplate deletes a template and returns it; experiments
// started from it go on.
func (e *Engine) DeleteExperimentTemplate(id string) (Template, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	t, ok := e.templates[id]
	if !ok {
		return Template{}, notFound("Experiment template %s not found.", id)
	}
	delete(e.templates, id)
	return t.clone(), nil
}

// ListExperimentTemplates lists the templates, oldest first.
func (e *Engine) ListExperimentTemplates(in ListInput) (ListTemplatesOutput, error) {
	e.mu.Lock()
	all := make([]TemplateSummary, 0, len(e.templates))
	for _, t := range e.templates {
		all = append(all, TemplateSummary{ID: t.ID, Arn: t.Arn, Description: t.Description, CreationTime: t.CreationTime,
			LastUpdateTime: t.LastUpdateTime, Tags: maps.Clone(t.Tags)})
	}
	e.mu.Unlock()
	slices.SortFunc(all, func(a, b TemplateSummary) int {
		if c := a.CreationTime.Compare(b.CreationTime); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	page, next, err := paginate(all, in)
	return ListTemplatesOutput{ExperimentTemplates: page, NextToken: next}, err
}

// StartExperiment starts an experiment from a template; it runs on its
// own from then on. A repeated client token returns the experiment it
// started.
func (e *Engine) StartExperiment(in StartInput) (Experiment, error) {
	if in.ExperimentTemplateID == "" {
		return Experiment{}, validation("experimentTemplateId is required.")
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if id, ok := e.tokens[in.ClientToken]; ok && in.ClientToken != "" {
		if x, ok := e.experiments[id]; ok {
			return x.view(), nil
		}
	}
	t, ok := e.templates[in.ExperimentTemplateID]
	if !ok {
		return Experiment{}, notFound("Experiment template %s not found.", in.ExperimentTemplateID)
	}
	if e.ctx.Err() != nil {
		return Experiment{}, validation("The sandbox is shutting down.")
	}
	x := e.newExperiment(t, in.Tags)
	e.experiments[x.id] = x
	if in.ClientToken != "" {
		e.tokens[in.ClientToken] = x.id
	}
	e.wg.Add(1)
	go func() {
		defer e.wg.Done()
		e.run(x)
	}()
	return x.view(), nil
}

// GetExperiment returns an experiment as it stands.
func (e *Engine) GetExperiment(id string) (Experiment, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	x, ok := e.experiments[id]
	if !ok {
		return Experiment{}, notFound("Experiment %s not found.", id)
	}
	return x.view(), nil
}

// ListExperiments lists the experiments, oldest first, those of one
// template when ExperimentTemplateID is set.
func (e *Engine) ListExperiments(in ListExperimentsInput) (ListExperimentsOutput, error) {
	e.mu.Lock()
	var all []ExperimentSummary
	for _, x := range e.experiments {
		if in.ExperimentTemplateID != "" && x.templateID != in.ExperimentTemplateID {
			continue
		}
		v := x.view()
		all = append(all, ExperimentSummary{ID: v.ID, Arn: v.Arn, ExperimentTemplateID: v.ExperimentTemplateID, State: v.State,
			CreationTime: v.CreationTime, Tags: v.Tags})
	}
	e.mu.Unlock()
	slices.SortFunc(all, func(a, b ExperimentSummary) int {
		if c := a.CreationTime.Compare(b.CreationTime); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	page, next, err := paginate(all, ListInput{MaxResults: in.MaxResults, NextToken: in.NextToken})
	return ListExperimentsOutput{Experiments: page, NextToken: next}, err
}

// StopExperiment asks a running experiment to stop: it answers stopping,
// and the experiment reverts its faults and ends stopped. An experiment
// that has ended is returned as it is.
func (e *Engine) StopExperiment(id string) (Experiment, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	x, ok := e.experiments[id]
	if !ok {
		return Experiment{}, notFound("Experiment %s not found.", id)
	}
	x.requestStop(reasonUserStop)
	return x.view(), nil
}
