package fis

import (
	"context"

	"github.com/gameday-sre/gameday/sandbox/awsapi"
)

// ServeAWS is the engine's awsapi.Handler for awsapi.ServiceFIS. Outputs
// wrap the engine's result in the member the operation's output names
// (experimentTemplate, experiment, …).
func (e *Engine) ServeAWS(_ context.Context, req *awsapi.Request) (any, error) {
	in := req.Input
	var (
		out any
		err error
	)
	wrap := func(member string, v any, err error) (any, error) {
		if err != nil {
			return nil, err
		}
		return map[string]any{member: v}, nil
	}
	switch req.Operation {
	case "CreateExperimentTemplate":
		for _, m := range []string{"description", "stopConditions", "actions", "roleArn"} {
			in.Require(m)
		}
		var c CreateTemplateInput
		in.Decode(&c)
		if verr := in.Err(); verr != nil {
			return nil, verr
		}
		t, err := e.CreateExperimentTemplate(c)
		return wrap("experimentTemplate", t, err)
	case "GetExperimentTemplate":
		t, err := e.GetExperimentTemplate(in.String("id"))
		return wrap("experimentTemplate", t, err)
	case "DeleteExperimentTemplate":
		t, err := e.DeleteExperimentTemplate(in.String("id"))
		return wrap("experimentTemplate", t, err)
	case "ListExperimentTemplates":
		var l ListInput
		in.Decode(&l)
		if verr := in.Err(); verr != nil {
			return nil, verr
		}
		out, err = e.ListExperimentTemplates(l)
	case "StartExperiment":
		in.Require("experimentTemplateId")
		var s StartInput
		in.Decode(&s)
		if verr := in.Err(); verr != nil {
			return nil, verr
		}
		x, err := e.StartExperiment(s)
		return wrap("experiment", x, err)
	case "GetExperiment":
		x, err := e.GetExperiment(in.String("id"))
		return wrap("experiment", x, err)
	case "StopExperiment":
		x, err := e.StopExperiment(in.String("id"))
		return wrap("experiment", x, err)
	case "ListExperiments":
		var l ListExperimentsInput
		in.Decode(&l)
		if verr := in.Err(); verr != nil {
			return nil, verr
		}
		out, err = e.ListExperiments(l)
	default:
		return nil, awsapi.UnknownOperation(req.Operation)
	}
	return out, err
}
