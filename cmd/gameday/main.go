// Command gameday checks that the platform behaves as its scaling and
// failover runbook says. Run `gameday --help` for the commands.
package main

import "os"

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}
