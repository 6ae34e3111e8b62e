package main

import (
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/gameday-sre/gameday/spec"

	"github.com/spf13/cobra"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = ""

func newVersionCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print gameday's version and the spec schema it reads",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			v := version
			if v == "" {
				v = "(devel)"
				if info, ok := debug.ReadBuildInfo(); ok && info.Main.Version != "" {
					v = info.Main.Version
				}
			}
			fmt.Fprintf(cmd.OutOrStdout(), "gameday %s (%s, %s/%s), spec schema %d\n", v, runtime.Version(), runtime.GOOS, runtime.GOARCH, spec.SchemaVersion)
			return nil
		},
	}
}
