package chaos

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/fis"
	fistypes "github.com/aws/aws-sdk-go-v2/service/fis/types"

	awsdrv "github.com/gameday-sre/gameday/drivers/aws"
)

// FISAPI is the part of the AWS FIS API the Experiment injector uses; a
// *fis.Client (drivers/aws Clients.FIS) is one.
type FISAPI interface {
	CreateExperimentTemplate(ctx context.Context, in *fis.CreateExperimentTemplateInput, opts ...func(*fis.Options)) (*fis.CreateExperimentTemplateOutput, error)
	ListExperimentTemplates(ctx context.Context, in *fis.ListExperimentTemplatesInput, opts ...func(*fis.Options)) (*fis.ListExperimentTemplatesOutput, error)
	StartExperiment(ctx context.Context, in *fis.StartExperimentInput, opts ...func(*fis.Options)) (*fis.StartExperimentOutput, error)
	GetExperiment(ctx context.Context, in *fis.GetExperimentInput, opts ...func(*fis.Options)) (*fis.GetExperimentOutput, error)
	ListExperiments(ctx context.Context, in *fis.ListExperimentsInput, opts ...func(*fis.Options)) (*fis.ListExperimentsOutput, error)
	StopExperiment(ctx context.Context, in *fis.StopExperimentInput, opts ...func(*fis.Options)) (*fis.StopExperimentOutput, error)
}

var _ FISAPI = (*fis.Client)(nil)

// The tags by which gameday finds its FIS templates and experiments again.
const (
	// TagFault names the fault a template runs (Experiment.Name).
	TagFault = "gameday:fault"
	// TagDigest is a digest of the template's content: a template is
	// reused only while it is the same.
	TagDigest = "gameday:digest"
)

// DefaultFISPoll is how often an Experiment asks FIS how its experiment
// stands, when its Poll is zero.
const DefaultFISPoll = 5 * time.Second

// Experiment is a fault that AWS FIS runs: a template, created or found
// again by its name and content (TagFault, TagDigest), started as an
// experiment. Inject returns once the experiment runs (or, for actions
// with no duration, has completed) and follows it every Poll; Revert stops
// it (StopExperiment) and waits for FIS to have reverted its faults. An
// experiment that a stop condition stops ends the fault with an *Aborted,
// on Fault.Ended. The same code runs against the sandbox and staging;
// only the target differs.
type Experiment struct {
	On Target
	// Name identifies the fault among gameday's templates.
	Name string
	// Kind and Params are what the ledger and the timeline record.
	Kind        string
	Params      map[string]string
	Description string
	Targets     map[string]fistypes.CreateExperimentTemplateTargetInput
	Actions     map[string]fistypes.CreateExperimentTemplateActionInput
	// StopAlarms are the ARNs of the CloudWatch alarms that stop the
	// experiment when one goes to ALARM.
	StopAlarms []string
	Poll       time.Duration
	// Scope says what the experiment would take out, for the blast-radius
	// limits; nil is its target's primary region, judged by the
	// one-region rule alone.
	Scope func(ctx context.Context) (Blast, error)
}

// Blast implements Scoped.
func (e *Experiment) Blast(ctx context.Context) (Blast, error) {
	if e.Scope != nil {
		return e.Scope(ctx)
	}
	return Blast{Region: e.On.region("")}, nil
}

// Aborted is the error of an FIS fault that a stop condition ended: an
// alarm went to ALARM, FIS stopped the experiment and reverted its faults.
// A run that sees it is aborted, not failed.
type Aborted struct {
	Experiment string
	// Alarms are the names of the stop-condition alarms FIS named, or of
	// all of them when it named none.
	Alarms []string
	// Reason is FIS's reason for the stop.
	Reason string
}

func (a *Aborted) Error() string {
	return fmt.Sprintf("FIS experiment %s aborted by stop condition (alarm %s): %s", a.Experiment, strings.Join(a.Alarms, ", "), a.Reason)
}

// FISStopTasks is StopTasks run by FIS: aws:ecs:stop-task on COUNT(n) or
// PERCENT(p) of the service's running tasks, chosen by FIS.
func FISStopTasks(on Target, service string, count, percent int, stopAlarms ...string) *Experiment {
	mode := "COUNT(" + strconv.Itoa(count) + ")"
	p := map[string]string{"service": service, "cluster": on.Cluster, "via": "fis"}
	if percent > 0 {
		mode = "PERCENT(" + strconv.Itoa(percent) + ")"
		p["percent"] = strconv.Itoa(percent)
	} else {
		p["count"] = strconv.Itoa(count)
	}
	return &Experiment{
		On: on, Name: "stop-task/" + service + "/" + mode, Kind: "stop-task", Params: p,
		Description: fmt.Sprintf("gameday: stop %s of the tasks of %s", mode, service),
		Targets: map[string]fistypes.CreateExperimentTemplateTargetInput{"tasks": {
			ResourceType: aws.String("aws:ecs:task"), SelectionMode: aws.String(mode),
			Parameters: map[string]string{"cluster": on.Cluster, "service": service},
		}},
		Actions: map[string]fistypes.CreateExperimentTemplateActionInput{"stop-tasks": {
			ActionId: aws.String("aws:ecs:stop-task"), Targets: map[string]string{"Tasks": "tasks"},
		}},
		StopAlarms: stopAlarms,
		Scope:      StopTasks{On: on, Service: service, Count: count, Percent: percent}.Blast,
	}
}

// FISLatency is aws:ecs:task-network-latency on all the service's running
// tasks for a duration of platform time.
func FISLatency(on Target, service string, delay, jitter, duration time.Duration, stopAlarms ...string) *Experiment {
	d := isoDuration(duration)
	return &Experiment{
		On: on, Name: "latency/" + service + "/" + delay.String() + "/" + d, Kind: "latency",
		Params:      map[string]string{"service": service, "add": delay.String(), "jitter": jitter.String(), "duration": d, "via": "fis"},
		Description: fmt.Sprintf("gameday: +%s on the tasks of %s for %s", delay, service, d),
		Targets: map[string]fistypes.CreateExperimentTemplateTargetInput{"tasks": {
			ResourceType: aws.String("aws:ecs:task"), SelectionMode: aws.String("ALL"),
			Parameters: map[string]string{"cluster": on.Cluster, "service": service},
		}},
		Actions: map[string]fistypes.CreateExperimentTemplateActionInput{"latency": {
			ActionId: aws.String("aws:ecs:task-network-latency"), Targets: map[string]string{"Tasks": "tasks"},
			Parameters: map[string]string{"duration": d, "delayMilliseconds": strconv.FormatInt(delay.Milliseconds(), 10),
				"jitterMilliseconds": strconv.FormatInt(jitter.Milliseconds(), 10)},
		}},
		StopAlarms: stopAlarms,
	}
}

// isoDuration writes d as FIS's ISO 8601 duration parameters take it.
func isoDuration(d time.Duration) string {
	s := "PT"
	if h := d / time.Hour; h > 0 {
		s += strconv.Itoa(int(h)) + "H"
		d -= h * time.Hour
	}
	if m := d / time.Minute; m > 0 {
		s += strconv.Itoa(int(m)) + "M"
		d -= m * time.Minute
	}
	if d > 0 || s == "PT" {
		s += strconv.FormatFloat(d.Seconds(), 'f', -1, 64) + "S"
	}
	return s
}

// Spec implements Injector.
func (x *Experiment) Spec() Spec {
	p := maps.Clone(x.Params)
	if p == nil {
		p = map[string]string{}
	}
	p["fis-template-name"] = x.Name
	return Spec{Kind: x.Kind, Target: x.On.Name, Params: p, Undo: Undo{FIS: &FISExperiment{Name: x.Name}}}
}

// Supported implements Checker.
func (x *Experiment) Supported() error {
	if x.On.FIS == nil {
		return unsupported{fmt.Sprintf("target %s does not serve AWS FIS", x.On.Name)}
	}
	return nil
}

func (x *Experiment) poll() time.Duration {
	if x.Poll > 0 {
		return x.Poll
	}
	return DefaultFISPoll
}

// template is the template's input and the digest of its content.
func (x *Experiment) template() (*fis.CreateExperimentTemplateInput, string, error) {
	in := &fis.CreateExperimentTemplateInput{
		Description: aws.String(x.Description), RoleArn: aws.String(x.On.FISRole),
		Targets: x.Targets, Actions: x.Actions,
	}
	for _, a := range x.StopAlarms {
		in.StopConditions = append(in.StopConditions, fistypes.CreateExperimentTemplateStopConditionInput{Source: aws.String("aws:cloudwatch:alarm"), Value: aws.String(a)})
	}
	if len(in.StopConditions) == 0 {
		in.StopConditions = []fistypes.CreateExperimentTemplateStopConditionInput{{Source: aws.String("none")}}
	}
	b, err := json.Marshal(in)
	if err != nil {
		return nil, "", fmt.Errorf("fis template %s: %w", x.Name, err)
	}
	sum := sha256.Sum256(b)
	digest := hex.EncodeToString(sum[:8])
	in.Tags = map[string]string{TagFault: x.Name, TagDigest: digest}
	return in, digest, nil
}

// templateID finds gameday's template of this name and content, or
// creates it.
func (x *Experiment) templateID(ctx context.Context) (string, error) {
	in, digest, err := x.template()
	if err != nil {
		return "", err
	}
	pages := fis.NewListExperimentTemplatesPaginator(x.On.FIS, &fis.ListExperimentTemplatesInput{})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return "", &awsdrv.Error{Operation: "fis ListExperimentTemplates", Resource: "template " + x.Name, Err: err}
		}
		for _, t := range page.ExperimentTemplates {
			if t.Tags[TagFault] == x.Name && t.Tags[TagDigest] == digest {
				return aws.ToString(t.Id), nil
			}
		}
	}
	out, err := x.On.FIS.CreateExperimentTemplate(ctx, in)
	if err != nil {
		return "", &awsdrv.Error{Operation: "fis CreateExperimentTemplate", Resource: "template " + x.Name, Err: err}
	}
	return aws.ToString(out.ExperimentTemplate.Id), nil
}

// Inject implements Injector: it starts the experiment and waits until it
// runs. An experiment that fails, or that a stop condition stops, before
// it runs returns the error (an *Aborted for a stop condition); FIS has
// reverted what it did.
func (x *Experiment) Inject(ctx context.Context) (Injected, error) {
	if err := x.Supported(); err != nil {
		return Injected{}, err
	}
	tid, err := x.templateID(ctx)
	if err != nil {
		return Injected{}, err
	}
	out, err := x.On.FIS.StartExperiment(ctx, &fis.StartExperimentInput{ExperimentTemplateId: aws.String(tid),
		Tags: map[string]string{TagFault: x.Name}})
	if err != nil {
		return Injected{}, &awsdrv.Error{Operation: "fis StartExperiment", Resource: "template " + tid, Err: err}
	}
	id := aws.ToString(out.Experiment.Id)
	undo := Undo{FIS: &FISExperiment{Name: x.Name, Template: tid, Experiment: id}}
	params := map[string]string{"fis-template": tid, "fis-experiment": id}
	st, err := x.waitFor(ctx, id, func(s fistypes.ExperimentStatus) bool {
		return s != fistypes.ExperimentStatusPending && s != fistypes.ExperimentStatusInitiating && s != fistypes.ExperimentStatusStopping
	})
	if err != nil {
		// The experiment may be running unseen: stop it.
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cleanupTimeout)
		defer cancel()
		if serr := stopFISExperiment(cctx, x.On.FIS, id, x.poll()); serr != nil {
			return Injected{}, fmt.Errorf("%w; and stopping experiment %s: %w (%w)", err, id, serr, ErrLeftInPlace)
		}
		return Injected{}, err
	}
	if _, err := x.outcome(id, st); err != nil {
		return Injected{}, err
	}
	stopping := make(chan struct{})
	ended := make(chan error, 1)
	if st.Status == fistypes.ExperimentStatusCompleted {
		ended <- nil // an action without duration (stop-task) is over already
	} else {
		go x.follow(context.WithoutCancel(ctx), id, stopping, ended)
	}
	closed := false
	return Injected{
		Revert: func(ctx context.Context) error {
			if !closed {
				closed = true
				close(stopping)
			}
			return stopFISExperiment(ctx, x.On.FIS, id, x.poll())
		},
		Undo:   undo,
		Params: params,
		Note:   fmt.Sprintf("FIS experiment %s of template %s: %s (%s)", id, tid, st.Status, aws.ToString(st.Reason)),
		Ended:  ended,
	}, nil
}

// waitFor polls the experiment until its status satisfies done.
func (x *Experiment) waitFor(ctx context.Context, id string, done func(fistypes.ExperimentStatus) bool) (*fistypes.ExperimentState, error) {
	t := time.NewTicker(min(x.poll(), time.Second))
	defer t.Stop()
	for {
		st, err := experimentState(ctx, x.On.FIS, id)
		if err != nil {
			return nil, err
		}
		if done(st.Status) {
			return st, nil
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("waiting for FIS experiment %s (%s): %w", id, st.Status, context.Cause(ctx))
		case <-t.C:
		}
	}
}

func experimentState(ctx context.Context, api FISAPI, id string) (*fistypes.ExperimentState, error) {
	out, err := api.GetExperiment(ctx, &fis.GetExperimentInput{Id: aws.String(id)})
	if err != nil {
		return nil, &awsdrv.Error{Operation: "fis GetExperiment", Resource: "experiment " + id, Err: err}
	}
	if out.Experiment == nil || out.Experiment.State == nil {
		return nil, fmt.Errorf("fis GetExperiment %s: no state in the answer", id)
	}
	return out.Experiment.State, nil
}

// follow polls the experiment until it ends or the fault is being
// reverted, and sends how it ended: nil when it completed, an *Aborted
// when a stop condition stopped it, an error when it failed.
func (x *Experiment) follow(ctx context.Context, id string, stopping <-chan struct{}, ended chan<- error) {
	t := time.NewTicker(x.poll())
	defer t.Stop()
	for {
		select {
		case <-stopping:
			return
		case <-t.C:
		}
		st, err := experimentState(ctx, x.On.FIS, id)
		if err != nil {
			continue // a lost poll; the next one asks again
		}
		select {
		case <-stopping:
			return // our own StopExperiment's doing
		default:
		}
		if done, err := x.outcome(id, st); done {
			ended <- err
			return
		}
	}
}

// outcome says whether the experiment has ended and how: a stop nobody
// here asked for is a stop condition's.
func (x *Experiment) outcome(id string, st *fistypes.ExperimentState) (bool, error) {
	reason := aws.ToString(st.Reason)
	switch st.Status {
	case fistypes.ExperimentStatusCompleted:
		return true, nil
	case fistypes.ExperimentStatusStopped:
		return true, &Aborted{Experiment: id, Alarms: x.alarmsIn(reason), Reason: reason}
	case fistypes.ExperimentStatusFailed, fistypes.ExperimentStatusCancelled:
		return true, fmt.Errorf("FIS experiment %s: %s", st.Status, reason)
	}
	return false, nil
}

// alarmsIn names the stop-condition alarms the reason mentions, by name
// or ARN; all of them when it mentions none.
func (x *Experiment) alarmsIn(reason string) []string {
	var named, all []string
	for _, arn := range x.StopAlarms {
		name := arn[strings.LastIndex(arn, ":alarm:")+len(":alarm:"):]
		all = append(all, name)
		if strings.Contains(reason, arn) || strings.Contains(reason, name) {
			named = append(named, name)
		}
	}
	if len(named) == 0 {
		return all
	}
	return named
}

// stopFISExperiment stops an experiment unless it has ended and waits for
// it to end, which is when FIS has reverted its faults.
func stopFISExperiment(ctx context.Context, api FISAPI, id string, poll time.Duration) error {
	st, err := experimentState(ctx, api, id)
	if err != nil {
		return err
	}
	if fisEnded(st.Status) {
		return nil
	}
	if _, err := api.StopExperiment(ctx, &fis.StopExperimentInput{Id: aws.String(id)}); err != nil {
		return &awsdrv.Error{Operation: "fis StopExperiment", Resource: "experiment " + id, Err: err}
	}
	t := time.NewTicker(min(poll, time.Second))
	defer t.Stop()
	for {
		st, err := experimentState(ctx, api, id)
		if err != nil {
			return err
		}
		if fisEnded(st.Status) {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("waiting for FIS experiment %s to stop (%s): %w", id, st.Status, context.Cause(ctx))
		case <-t.C:
		}
	}
}

func fisEnded(s fistypes.ExperimentStatus) bool {
	return slices.Contains([]fistypes.ExperimentStatus{fistypes.ExperimentStatusCompleted, fistypes.ExperimentStatusStopped,
		fistypes.ExperimentStatusFailed, fistypes.ExperimentStatusCancelled}, s)
}

// FISExperiment is an FIS experiment a ledger entry holds: the template's
// name, and once started the template and experiment ids.
type FISExperiment struct {
	Name       string `json:"name"`
	Template   string `json:"template,omitempty"`
	Experiment string `json:"experiment,omitempty"`
}

// revertFISEntry stops the experiment of a ledger entry; without an id
// (the run died before FIS answered) it stops every unended experiment
// gameday started under the entry's name.
func revertFISEntry(ctx context.Context, api FISAPI, u FISExperiment) error {
	if u.Experiment != "" {
		return stopFISExperiment(ctx, api, u.Experiment, DefaultFISPoll)
	}
	var errs []error
	pages := fis.NewListExperimentsPaginator(api, &fis.ListExperimentsInput{})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return &awsdrv.Error{Operation: "fis ListExperiments", Resource: "experiments of " + u.Name, Err: err}
		}
		for _, e := range page.Experiments {
			if e.Tags[TagFault] == u.Name && e.State != nil && !fisEnded(e.State.Status) {
				errs = append(errs, stopFISExperiment(ctx, api, aws.ToString(e.Id), DefaultFISPoll))
			}
		}
	}
	return errors.Join(errs...)
}
