package ecs

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

var familyPattern = regexp.MustCompile(`^[a-zA-Z0-9_-]{1,255}$`)

// maxFargateStopTimeout is the longest stopTimeout a Fargate container may
// have, in seconds (API_ContainerDefinition, stopTimeout).
const maxFargateStopTimeout = 120

// fargateMemory lists, per CPU units, the memory sizes in MiB a Linux
// Fargate task can have (fargate-tasks-services.html, Task CPU and
// memory): from, to and step.
var fargateMemory = map[int][3]int{
	256:   {512, 2048, 512}, // 512, 1024, 2048 below
	512:   {1024, 4096, 1024},
	1024:  {2048, 8192, 1024},
	2048:  {4096, 16384, 1024},
	4096:  {8192, 30720, 1024},
	8192:  {16384, 61440, 4096},
	16384: {32768, 122880, 8192},
}

func fargateFits(cpu, mem int) bool {
	if cpu == 256 {
		return mem == 512 || mem == 1024 || mem == 2048
	}
	r, ok := fargateMemory[cpu]
	return ok && mem >= r[0] && mem <= r[1] && (mem-r[0])%r[2] == 0
}

// parseCPU reads CPU units ("1024") or vCPUs ("1 vCPU", "0.5 vcpu").
func parseCPU(s string) (int, bool) {
	s = strings.TrimSpace(s)
	if v, ok := strings.CutSuffix(strings.ToLower(s), "vcpu"); ok {
		f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		return int(f * 1024), err == nil && f > 0
	}
	n, err := strconv.Atoi(s)
	return n, err == nil && n > 0
}

// parseMemory reads MiB ("2048") or GB ("2 GB", "2GB").
func parseMemory(s string) (int, bool) {
	s = strings.TrimSpace(s)
	if v, ok := strings.CutSuffix(strings.ToLower(s), "gb"); ok {
		f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		return int(f * 1024), err == nil && f > 0
	}
	n, err := strconv.Atoi(s)
	return n, err == nil && n > 0
}

// RegisterTaskDefinition registers the next revision of a family. Task
// definitions for Fargate are checked as ECS checks them: network mode
// awsvpc, task-level CPU and memory in a supported combination.
func (c *ControlPlane) RegisterTaskDefinition(in RegisterTaskDefinitionInput) (TaskDefinition, error) {
	if !familyPattern.MatchString(in.Family) {
		return TaskDefinition{}, clientError("Family contains invalid characters or is not between 1 and 255 characters: %q", in.Family)
	}
	if len(in.ContainerDefinitions) == 0 {
		return TaskDefinition{}, clientError("Container list cannot be empty.")
	}
	fargate := slices.Contains(in.RequiresCompatibilities, LaunchTypeFargate)
	for _, cd := range in.ContainerDefinitions {
		if cd.Name == "" || cd.Image == "" {
			return TaskDefinition{}, clientError("Container definitions need a name and an image.")
		}
		if st := cd.StopTimeout; st != nil && (*st < 0 || fargate && *st > maxFargateStopTimeout) {
			return TaskDefinition{}, clientError("Container %s: stopTimeout %d: want 0 to %d seconds on Fargate.", cd.Name, *st, maxFargateStopTimeout)
		}
	}
	cpu, cpuOK := parseCPU(in.Cpu)
	mem, memOK := parseMemory(in.Memory)
	if in.Cpu != "" && !cpuOK {
		return TaskDefinition{}, clientError("Invalid 'cpu' setting for task: %q", in.Cpu)
	}
	if in.Memory != "" && !memOK {
		return TaskDefinition{}, clientError("Invalid 'memory' setting for task: %q", in.Memory)
	}
	if fargate {
		if in.NetworkMode != "awsvpc" {
			return TaskDefinition{}, clientError("Fargate only supports network mode 'awsvpc'.")
		}
		if !cpuOK || !memOK {
			return TaskDefinition{}, clientError("Fargate requires that 'cpu' be defined at the task level.")
		}
		if !fargateFits(cpu, mem) {
			return TaskDefinition{}, clientError("No Fargate configuration exists for given values: %d CPU, %d memory. See the Amazon ECS documentation for the valid values.", cpu, mem)
		}
	}
	td := &TaskDefinition{
		Family:                  in.Family,
		Status:                  "ACTIVE",
		NetworkMode:             in.NetworkMode,
		RequiresCompatibilities: slices.Clone(in.RequiresCompatibilities),
		ContainerDefinitions:    slices.Clone(in.ContainerDefinitions),
		RegisteredAt:            c.clock.Now(),
	}
	// The caller's stop timeouts are its own to change.
	for i, cd := range td.ContainerDefinitions {
		if cd.StopTimeout != nil {
			td.ContainerDefinitions[i].StopTimeout = new(*cd.StopTimeout)
		}
	}
	if cpuOK {
		td.Cpu = strconv.Itoa(cpu)
	}
	if memOK {
		td.Memory = strconv.Itoa(mem)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	td.Revision = len(c.taskDefs[in.Family]) + 1
	td.TaskDefinitionArn = fmt.Sprintf("arn:aws:ecs:%s:%s:task-definition/%s:%d", c.cfg.Region, c.cfg.AccountID, in.Family, td.Revision)
	c.taskDefs[in.Family] = append(c.taskDefs[in.Family], td)
	return *td, nil
}

// DescribeTaskDefinition reports a registered task definition.
func (c *ControlPlane) DescribeTaskDefinition(in DescribeTaskDefinitionInput) (DescribeTaskDefinitionOutput, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	td, err := c.taskDefinitionLocked(in.TaskDefinition)
	if err != nil {
		return DescribeTaskDefinitionOutput{}, err
	}
	return DescribeTaskDefinitionOutput{TaskDefinition: *td}, nil
}

// taskDefinitionLocked resolves family, family:revision or an ARN.
func (c *ControlPlane) taskDefinitionLocked(ref string) (*TaskDefinition, *Error) {
	name := ref
	if i := strings.LastIndex(ref, ":task-definition/"); i >= 0 && strings.HasPrefix(ref, "arn:") {
		name = ref[i+len(":task-definition/"):]
	}
	family, rev, hasRev := strings.Cut(name, ":")
	revs := c.taskDefs[family]
	if len(revs) == 0 {
		return nil, clientError("Unable to describe task definition.")
	}
	if !hasRev {
		return revs[len(revs)-1], nil
	}
	n, err := strconv.Atoi(rev)
	if err != nil || n < 1 || n > len(revs) {
		return nil, clientError("Unable to describe task definition.")
	}
	return revs[n-1], nil
}
