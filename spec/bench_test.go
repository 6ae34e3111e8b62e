package spec_test

import (
	"testing"

	"github.com/gameday-sre/gameday/spec"
	"github.com/gameday-sre/gameday/spec/lint"
)

// Every command that reads the spec pays for a load and most for a lint.
func BenchmarkLoad(b *testing.B) {
	data := []byte(readShipped(b))
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := spec.Parse("platform.yaml", data); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkLint(b *testing.B) {
	p, err := spec.Parse("platform.yaml", []byte(readShipped(b)))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		lint.Run(p)
	}
}
