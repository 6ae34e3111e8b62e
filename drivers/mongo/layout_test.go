package mongo

import (
	"os"
	"reflect"
	"strings"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.yaml.in/yaml/v3"

	"github.com/gameday-sre/gameday/spec"
	"github.com/gameday-sre/gameday/targets/containers"
)

func loadSpec(t *testing.T) *spec.Platform {
	t.Helper()
	p, err := spec.Load("../../fixtures/spec/platform.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func member(host string, priority float64, tags ...string) Member {
	m := Member{Host: host, Priority: priority, Votes: 1, Tags: map[string]string{}}
	for i := 0; i+1 < len(tags); i += 2 {
		m.Tags[tags[i]] = tags[i+1]
	}
	if priority == 0 {
		m.Votes = 0
	}
	return m
}

func TestCheckLayout(t *testing.T) {
	p := loadSpec(t)
	const sec = "MongoDB Atlas Configuration (Example): "
	atlas := []Member{
		member("a:27017", 7, "region", "US_EAST_1", "nodeType", "ELECTABLE"),
		member("b:27017", 7, "region", "US_EAST_1", "nodeType", "ELECTABLE"),
		member("f:27017", 6, "region", "US_WEST_2", "nodeType", "ELECTABLE"),
	}
	with := func(ms ...Member) []Member { return ms }
	for _, tc := range []struct {
		name    string
		members []Member
		want    []string
	}{
		{"Atlas's own tags", atlas, nil},
		{"tagged by the spec's role", with(member("a", 7, "region", "primary"), member("b", 7, "region", "primary"), member("f", 6, "region", "failover")), nil},
		{
			"a member short",
			atlas[:2],
			[]string{sec + "2 data-bearing members, want numNodes 3", sec + "US_WEST_2 (failover): 0 electable members, want 1"},
		},
		{
			"the failover member outranks the primary region",
			with(atlas[0], atlas[1], member("f:27017", 8, "region", "US_WEST_2")),
			[]string{sec + "member f:27017 in US_WEST_2: priority 8, want 6"},
		},
		{
			"every member in the primary region",
			with(atlas[0], atlas[1], member("f:27017", 7, "region", "US_EAST_1")),
			[]string{sec + "US_EAST_1 (primary): 3 electable members, want 2", sec + "US_WEST_2 (failover): 0 electable members, want 1"},
		},
		{
			"the failover member cannot be elected",
			with(atlas[0], atlas[1], member("f:27017", 0, "region", "US_WEST_2")),
			[]string{sec + "US_WEST_2 (failover): 0 electable members, want 1", sec + "US_WEST_2 (failover): 1 read-only members, want 0"},
		},
		{
			"an analytics node as well",
			with(atlas[0], atlas[1], atlas[2], member("x:27017", 0, "region", "US_EAST_1", "nodeType", "ANALYTICS")),
			[]string{sec + "4 data-bearing members, want numNodes 3", sec + "US_EAST_1 (primary): 1 analytics members, want 0"},
		},
		{
			"an arbiter instead of the failover member",
			with(atlas[0], atlas[1], Member{Host: "f:27017", ArbiterOnly: true, Votes: 1}),
			[]string{sec + "member f:27017 is an arbiter; the layout has none", sec + "2 data-bearing members, want numNodes 3", sec + "US_WEST_2 (failover): 0 electable members, want 1"},
		},
		{
			"an untagged member",
			with(atlas[0], atlas[1], member("f:27017", 6)),
			[]string{sec + `member f:27017: region tag "" names no region of the layout (US_EAST_1 or primary; US_WEST_2 or failover)`, sec + "US_WEST_2 (failover): 0 electable members, want 1"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := CheckLayout(tc.members, p); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("CheckLayout\n got %q\nwant %q", got, tc.want)
			}
		})
	}
}

// configMembers reads a replSetInitiate document the way replSetGetConfig's
// answer is read.
func configMembers(t *testing.T, doc []byte, ext bool) ReplicaSet {
	t.Helper()
	var cfg configDoc
	var err error
	if ext {
		err = bson.UnmarshalExtJSON(doc, false, &cfg)
	} else {
		err = bson.Unmarshal(doc, &cfg)
	}
	if err != nil {
		t.Fatalf("decoding %s: %v", doc, err)
	}
	return parseConfig(cfg)
}

// The compose file is valid YAML, its mongo-init initiates the runbook's
// layout, and each member's host names a member service listening on
// that port.
func TestComposeReplicaSetFollowsRunbookLayout(t *testing.T) {
	data, err := os.ReadFile("../../docker-compose.yml")
	if err != nil {
		t.Fatal(err)
	}
	var compose struct {
		Services map[string]struct {
			Command     []string          `yaml:"command"`
			Environment map[string]string `yaml:"environment"`
		} `yaml:"services"`
	}
	if err := yaml.Unmarshal(data, &compose); err != nil {
		t.Fatalf("docker-compose.yml: %v", err)
	}
	init, ok := compose.Services["mongo-init"]
	if !ok {
		t.Fatal("docker-compose.yml: no mongo-init service")
	}
	rs := configMembers(t, []byte(init.Environment["RS_CONFIG"]), true)
	if problems := CheckLayout(rs.Members, loadSpec(t)); problems != nil {
		t.Errorf("docker-compose.yml's replica set departs from the runbook:\n%s", strings.Join(problems, "\n"))
	}
	for _, m := range rs.Members {
		svc, port, _ := strings.Cut(m.Host, ":")
		s, ok := compose.Services[svc]
		if !ok {
			t.Errorf("member %s: no service %s", m.Host, svc)
			continue
		}
		if cmd := strings.Join(s.Command, " "); !strings.Contains(cmd, "--replSet "+rs.Name) || !strings.Contains(cmd, "--port "+port) {
			t.Errorf("member %s: service %s runs %q, want --replSet %s and --port %s", m.Host, svc, cmd, rs.Name, port)
		}
	}
}

func TestContainersReplicaSetFollowsRunbookLayout(t *testing.T) {
	doc, err := bson.Marshal(containers.MongoConfig())
	if err != nil {
		t.Fatal(err)
	}
	rs := configMembers(t, doc, false)
	if problems := CheckLayout(rs.Members, loadSpec(t)); problems != nil {
		t.Errorf("targets/containers' replica set departs from the runbook:\n%s", strings.Join(problems, "\n"))
	}
}
