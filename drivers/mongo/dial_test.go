package mongo_test

import (
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/gameday-sre/gameday/drivers/mongo"
)

// Dial gives up within its timeout, naming the endpoint without its
// credentials.
func TestDialFailsNamingTheEndpoint(t *testing.T) {
	// A port just closed: nothing listens there.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()

	start := time.Now()
	_, err = mongo.Dial(t.Context(), mongo.Target{URI: "mongodb://gameday:s3cret@" + addr + "/?replicaSet=production-cluster"}, mongo.WithTimeout(300*time.Millisecond))
	if err == nil {
		t.Fatal("Dial succeeded with nothing listening")
	}
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("Dial gave up after %s, want about its 300ms timeout", took)
	}
	msg := err.Error()
	if !strings.Contains(msg, "mongo: pinging the primary of mongodb://"+addr) || strings.Contains(msg, "s3cret") {
		t.Errorf("error %q, want one naming mongodb://%s and not the password", msg, addr)
	}
}

// Addrs sends the driver to a member at the address this machine reaches
// it at, not the host the configuration names.
func TestDialReachesMembersThroughAddrs(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	accepted := make(chan struct{}, 16)
	go func() {
		for {
			conn, err := ln.Accept()
			if errors.Is(err, net.ErrClosed) {
				return
			}
			if err == nil {
				accepted <- struct{}{}
				conn.Close()
			}
		}
	}()

	tg := mongo.Target{
		URI:   "mongodb://mongo-primary-a.invalid:27017/?replicaSet=production-cluster",
		Addrs: map[string]string{"mongo-primary-a.invalid:27017": ln.Addr().String()},
	}
	// Not a MongoDB server: Dial fails, but only after connecting.
	if _, err := mongo.Dial(t.Context(), tg, mongo.WithTimeout(300*time.Millisecond)); err == nil {
		t.Fatal("Dial succeeded against a listener that closes every connection")
	}
	select {
	case <-accepted:
	default:
		t.Error("the driver never connected to the address Addrs gives mongo-primary-a.invalid:27017")
	}
}
