package lb

import (
	"io"
	"net/http"
	"testing"
)

// BenchmarkProxy measures requests through the load balancer to two
// targets over keep-alive connections, from 8 concurrent clients.
func BenchmarkProxy(b *testing.B) {
	l := startLB(b, nil, nil)
	arn, _ := l.TargetGroupARN("tg-frontend")
	for _, name := range []string{"a", "b"} {
		_, tg := backend(b, name, nil)
		if err := l.RegisterTargets(arn, tg); err != nil {
			b.Fatal(err)
		}
		waitState(b, l, arn, tg, StateHealthy)
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	b.SetParallelism(8)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			resp, err := client.Get(l.URL() + "/")
			if err != nil {
				b.Error(err)
				return
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
	})
}
