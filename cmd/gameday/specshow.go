package main

import (
	"io"

	"github.com/gameday-sre/gameday/reports/text"
	"github.com/gameday-sre/gameday/spec"
)

// spec show's tables are rendered in reports/text, beside gameday's other
// formats; the command only picks the areas.

func areaNames() []string { return text.SpecAreas() }

func showTables(w io.Writer, p *spec.Platform, only []string) error { return text.Spec(w, p, only) }
