// Package ecstest holds ECS clusters for the tests of what drives one.
package ecstest

import (
	"errors"

	"github.com/gameday-sre/gameday/sandbox/ecs"
)

// NoTasks is the cluster main-cluster in us-east-1, running no task: what
// FIS sees of ECS in a test whose experiments act on other resources.
type NoTasks struct{}

func (NoTasks) Name() string { return "main-cluster" }
func (NoTasks) ARN() string  { return "arn:aws:ecs:us-east-1:123456789012:cluster/main-cluster" }

func (NoTasks) ListTasks(ecs.ListTasksInput) (ecs.ListTasksOutput, error) {
	return ecs.ListTasksOutput{TaskArns: []string{}}, nil
}

func (NoTasks) DescribeTasks(ecs.DescribeTasksInput) (ecs.DescribeTasksOutput, error) {
	return ecs.DescribeTasksOutput{}, nil
}

func (NoTasks) DescribeServices(ecs.DescribeServicesInput) (ecs.DescribeServicesOutput, error) {
	return ecs.DescribeServicesOutput{}, nil
}

func (NoTasks) StopTask(ecs.StopTaskInput) (ecs.Task, error) {
	return ecs.Task{}, errors.New("no task runs here")
}
