package fis

import (
	"maps"
	"slices"
	"time"
)

// Template is an experiment template as GetExperimentTemplate returns it.
// Field names are the model's; awsapi spells them lowerCamelCase.
type Template struct {
	ID             string `aws:"id"`
	Arn            string
	Description    string
	Targets        map[string]Target
	Actions        map[string]Action
	StopConditions []StopCondition
	CreationTime   time.Time
	LastUpdateTime time.Time
	RoleArn        string
	Tags           map[string]string
}

func (t *Template) clone() Template {
	c := *t
	c.Targets = maps.Clone(t.Targets)
	c.Actions = maps.Clone(t.Actions)
	c.StopConditions = slices.Clone(t.StopConditions)
	c.Tags = maps.Clone(t.Tags)
	return c
}

// Target says which resources an action acts on: by ARN, or by
// resourceTags, filters and parameters; SelectionMode ALL, COUNT(n) or
// PERCENT(n) picks among those found.
type Target struct {
	ResourceType  string
	ResourceArns  []string
	ResourceTags  map[string]string
	Filters       []Filter
	SelectionMode string
	Parameters    map[string]string
}

// Filter narrows a target by a path into the resource's description.
type Filter struct {
	Path   string
	Values []string
}

// Action is one action of a template: its action id, parameters, the
// targets it acts on by the action's target key (Tasks), and the actions
// it starts after.
type Action struct {
	ActionID    string `aws:"actionId"`
	Description string
	Parameters  map[string]string
	Targets     map[string]string
	StartAfter  []string
}

// StopCondition stops an experiment: source aws:cloudwatch:alarm, value
// the alarm's ARN; or source none.
type StopCondition struct {
	Source string
	Value  string
}

// The experiment and action statuses of the FIS API.
const (
	StatusPending    = "pending"
	StatusInitiating = "initiating"
	StatusRunning    = "running"
	StatusCompleted  = "completed"
	StatusStopping   = "stopping"
	StatusStopped    = "stopped"
	StatusFailed     = "failed"
	StatusCancelled  = "cancelled"
)

// State is an experiment's or action's status and why.
type State struct {
	Status string
	Reason string
}

// Experiment is an experiment as GetExperiment returns it.
type Experiment struct {
	ID                   string `aws:"id"`
	Arn                  string
	ExperimentTemplateID string `aws:"experimentTemplateId"`
	RoleArn              string
	State                State
	Targets              map[string]Target
	Actions              map[string]ExperimentAction
	StopConditions       []StopCondition
	CreationTime         time.Time
	StartTime            time.Time
	EndTime              time.Time
	Tags                 map[string]string
}

// ExperimentAction is an action of an experiment, with its state.
type ExperimentAction struct {
	Action
	State     State
	StartTime time.Time
	EndTime   time.Time
}

// TemplateSummary is a template as ListExperimentTemplates lists it.
type TemplateSummary struct {
	ID             string `aws:"id"`
	Arn            string
	Description    string
	CreationTime   time.Time
	LastUpdateTime time.Time
	Tags           map[string]string
}

// ExperimentSummary is an experiment as ListExperiments lists it.
type ExperimentSummary struct {
	ID                   string `aws:"id"`
	Arn                  string
	ExperimentTemplateID string `aws:"experimentTemplateId"`
	State                State
	CreationTime         time.Time
	Tags                 map[string]string
}

// CreateTemplateInput is CreateExperimentTemplate's input.
type CreateTemplateInput struct {
	ClientToken    string
	Description    string
	RoleArn        string
	Targets        map[string]Target
	Actions        map[string]Action
	StopConditions []StopCondition
	Tags           map[string]string
}

// StartInput is StartExperiment's input.
type StartInput struct {
	ClientToken          string
	ExperimentTemplateID string `aws:"experimentTemplateId"`
	Tags                 map[string]string
}

// ListInput pages a listing: MaxResults 1-100 (0: all), NextToken from the
// page before.
type ListInput struct {
	MaxResults int
	NextToken  string
}

// ListExperimentsInput is ListExperiments' input.
type ListExperimentsInput struct {
	ExperimentTemplateID string `aws:"experimentTemplateId"`
	MaxResults           int
	NextToken            string
}

// ListTemplatesOutput is ListExperimentTemplates' output.
type ListTemplatesOutput struct {
	ExperimentTemplates []TemplateSummary
	NextToken           string
}

// ListExperimentsOutput is ListExperiments' output.
type ListExperimentsOutput struct {
	Experiments []ExperimentSummary
	NextToken   string
}
