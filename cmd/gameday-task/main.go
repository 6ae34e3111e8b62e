// Command gameday-task is one ECS task of the sandbox: the program
// `gameday sandbox up` starts for every task it launches. It is
// `gameday sandbox task` on its own, without the harness linked in, so
// that a task costs a third of the memory and the sandbox at its maximum
// of 60 tasks a region stays small (see `make bench`).
package main

import (
	"os"

	"github.com/gameday-sre/gameday/sandbox/task"
)

func main() { os.Exit(task.Main(os.Args[1:], os.Stdout, os.Stderr)) }
