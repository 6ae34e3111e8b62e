// Package motoserver starts moto_server, an independent AWS emulator (the
// engine behind much of LocalStack), for tests that check gameday's AWS
// code against something other than the sandbox.
package motoserver

import (
	"fmt"
	"net"
	"net/http"
	"os/exec"
	"testing"
	"time"
)

// Binary is moto's server, from pip install 'moto[server]'.
const Binary = "moto_server"

// Start runs a moto_server of the test's own on a free loopback port until
// the test ends and returns its URL. Without moto_server on PATH the test
// is skipped, saying so.
func Start(t testing.TB) string {
	t.Helper()
	if _, err := exec.LookPath(Binary); err != nil {
		t.Skipf("needs %s on PATH (pip install 'moto[server]'): %v", Binary, err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	cmd := exec.Command(Binary, "-H", "127.0.0.1", "-p", fmt.Sprint(port))
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	url := fmt.Sprintf("http://127.0.0.1:%d", port)
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if resp, err := http.Get(url + "/moto-api/"); err == nil {
			resp.Body.Close()
			return url
		}
	}
	t.Fatalf("%s did not answer on %s within 30s", Binary, url)
	return ""
}
