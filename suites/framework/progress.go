package framework

import (
	"encoding/json"
	"os"
	"strconv"
	"sync"
)

// progressLine is one update for gameday run's live line.
type progressLine struct {
	Spec   string  `json:"spec,omitempty"`
	Phase  string  `json:"phase,omitempty"`
	At     string  `json:"at,omitempty"`
	Window string  `json:"window,omitempty"`
	Rate   float64 `json:"rate,omitempty"`
	State  string  `json:"state,omitempty"`
	Status string  `json:"status,omitempty"`
}

// progress writes progress lines to the descriptor gameday run gave the
// suite; without one it writes nothing.
type progress struct {
	mu  sync.Mutex
	out *os.File
}

func openProgress(fd string) *progress {
	n, err := strconv.Atoi(fd)
	if err != nil || n < 3 {
		return &progress{}
	}
	return &progress{out: os.NewFile(uintptr(n), "progress")}
}

func (p *progress) send(l progressLine) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.out == nil {
		return
	}
	data, _ := json.Marshal(l)
	p.out.Write(append(data, '\n'))
}

func (p *progress) close() {
	if p.out != nil {
		p.out.Close()
	}
}
