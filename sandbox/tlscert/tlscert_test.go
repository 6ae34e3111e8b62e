package tlscert

import (
	"crypto/tls"
	"crypto/x509"
	"net"
	"testing"
)

// A client that trusts the certificate accepts it for each host it names
// and refuses it for another.
func TestSelfSignedServesItsHosts(t *testing.T) {
	cfg, err := SelfSigned("api-primary.example.com", "127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	ln, err := tls.Listen("tcp", "127.0.0.1:0", cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.(*tls.Conn).Handshake()
			c.Close()
		}
	}()
	cert, err := x509.ParseCertificate(cfg.Certificates[0].Certificate[0])
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	for _, c := range []struct {
		name string
		ok   bool
	}{{"api-primary.example.com", true}, {"127.0.0.1", true}, {"api-secondary.example.com", false}} {
		conn, err := tls.DialWithDialer(&net.Dialer{}, "tcp", ln.Addr().String(), &tls.Config{RootCAs: pool, ServerName: c.name})
		if (err == nil) != c.ok {
			t.Errorf("%s: handshake error %v, want success %v", c.name, err, c.ok)
		}
		if err == nil {
			conn.Close()
		}
	}
}
