package reports_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/gameday-sre/gameday/reports"
	"github.com/gameday-sre/gameday/reports/folder"
	"github.com/gameday-sre/gameday/reports/internal/runtest"
)

// Write renders the three reports into the folder from what is in it,
// the same bytes each time.
func TestWrite(t *testing.T) {
	dir := runtest.Copy(t, runtest.Recorded())
	var first [][]byte
	for range 2 {
		if err := reports.Write(runtest.Read(t, dir)); err != nil {
			t.Fatal(err)
		}
		var got [][]byte
		for _, name := range reports.Files {
			data, err := os.ReadFile(filepath.Join(dir, name))
			if err != nil || len(data) == 0 {
				t.Fatalf("%s: %v", name, err)
			}
			got = append(got, data)
		}
		if first == nil {
			first = got
			continue
		}
		for i := range got {
			if string(got[i]) != string(first[i]) {
				t.Errorf("%s differs from one rendering of the same folder to the next", reports.Files[i])
			}
		}
	}
}

// Link points at the last run, relative to the link's folder, and moves
// on to the next run; a reader never finds it missing.
func TestLink(t *testing.T) {
	out := t.TempDir()
	link := filepath.Join(out, "latest")
	for _, run := range []string{"20261201T000000Z", "20261202T000000Z"} {
		dir := filepath.Join(out, run)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(dir, folder.SummaryFile), []byte(run), 0o644)
		if err := reports.Link(link, dir); err != nil {
			t.Fatal(err)
		}
		if target, err := os.Readlink(link); err != nil || target != run {
			t.Errorf("latest -> %q (%v), want %s", target, err, run)
		}
		if data, err := os.ReadFile(filepath.Join(link, folder.SummaryFile)); err != nil || string(data) != run {
			t.Errorf("latest/summary.md reads %q (%v), want %s's", data, err, run)
		}
	}
	if err := reports.Link(filepath.Join(out, "20261201T000000Z"), out); err == nil {
		t.Error("Link replaced a run folder with a link")
	}
}
