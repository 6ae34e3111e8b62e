package targets

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strings"

	"github.com/gameday-sre/gameday/targets/profile"
)

// Veto is a run the profile's preflight hook said no to.
type Veto struct {
	Target string
	// Hook is the URL or the command asked.
	Hook string
	// Reason is what the hook answered.
	Reason string
}

func (v *Veto) Error() string {
	return fmt.Sprintf("target %s: preflight %s vetoed the run: %s", v.Target, v.Hook, v.Reason)
}

// answerLimit bounds how much of a hook's answer becomes the reason.
const answerLimit = 500

// Preflight asks the profile's preflight hook, if it names one, whether a
// run may start: an HTTP URL (GET) answering 2xx, or a command exiting 0
// (with GAMEDAY_TARGET set), lets it go. Any other answer, or none within
// the hook's timeout, is a *Veto whose reason is what the hook said. It is
// asked before a run makes any change.
func Preflight(ctx context.Context, p *profile.Profile) error {
	h := p.Preflight
	if h.URL == "" && len(h.Command) == 0 {
		return nil
	}
	timeout := h.Timeout
	if timeout <= 0 {
		timeout = profile.DefaultPreflightTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	if h.URL != "" {
		return askURL(ctx, p.Name, h.URL)
	}
	return askCommand(ctx, p.Name, h.Command)
}

func askURL(ctx context.Context, target, url string) error {
	veto := func(reason string) error { return &Veto{Target: target, Hook: url, Reason: reason} }
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return veto(err.Error())
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return veto(fmt.Sprintf("no answer: %v", err))
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, answerLimit))
	if resp.StatusCode/100 == 2 {
		return nil
	}
	return veto(fmt.Sprintf("%s: %s", resp.Status, strings.TrimSpace(string(body))))
}

func askCommand(ctx context.Context, target string, command []string) error {
	hook := strings.Join(command, " ")
	cmd := exec.CommandContext(ctx, command[0], command[1:]...)
	cmd.Env = append(os.Environ(), "GAMEDAY_TARGET="+target)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	if err == nil {
		return nil
	}
	said := strings.TrimSpace(out.String())
	if len(said) > answerLimit {
		said = said[:answerLimit]
	}
	var exit *exec.ExitError
	switch {
	case ctx.Err() != nil:
		said = fmt.Sprintf("no answer within its timeout (%v)", ctx.Err())
	case errors.As(err, &exit):
		said = fmt.Sprintf("exit %d: %s", exit.ExitCode(), said)
	default:
		said = err.Error()
	}
	return &Veto{Target: target, Hook: hook, Reason: said}
}
