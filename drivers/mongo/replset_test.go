package mongo

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
)

func raw(t *testing.T, d bson.D) bson.Raw {
	t.Helper()
	b, err := bson.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// configMember and statusMember build members the way mongod 7 answers
// replSetGetConfig and replSetGetStatus.
func configMember(id int, host string, priority float64, region string) bson.D {
	return bson.D{
		{Key: "_id", Value: int32(id)}, {Key: "host", Value: host}, {Key: "arbiterOnly", Value: false},
		{Key: "buildIndexes", Value: true}, {Key: "hidden", Value: false}, {Key: "priority", Value: priority},
		{Key: "tags", Value: bson.D{{Key: "region", Value: region}}}, {Key: "secondaryDelaySecs", Value: int64(0)},
		{Key: "votes", Value: int32(1)},
	}
}

func statusMember(id int, host, state string, optime time.Time) bson.D {
	health := 1.0
	if state == "(not reachable/healthy)" {
		health = 0
	}
	return bson.D{
		{Key: "_id", Value: int32(id)}, {Key: "name", Value: host}, {Key: "health", Value: health},
		{Key: "state", Value: int32(1)}, {Key: "stateStr", Value: state},
		{Key: "optime", Value: bson.D{{Key: "ts", Value: bson.Timestamp{T: uint32(optime.Unix())}}, {Key: "t", Value: int64(1)}}},
		{Key: "optimeDate", Value: bson.NewDateTimeFromTime(optime)},
	}
}

func configReplyDoc(name string, members ...bson.D) bson.D {
	ms := bson.A{}
	for _, m := range members {
		ms = append(ms, m)
	}
	return bson.D{{Key: "config", Value: bson.D{{Key: "_id", Value: name}, {Key: "version", Value: int32(1)}, {Key: "term", Value: int64(1)}, {Key: "members", Value: ms}}}, {Key: "ok", Value: 1.0}}
}

func statusReplyDoc(name string, members ...bson.D) bson.D {
	ms := bson.A{}
	for _, m := range members {
		ms = append(ms, m)
	}
	return bson.D{{Key: "set", Value: name}, {Key: "myState", Value: int32(1)}, {Key: "members", Value: ms}, {Key: "ok", Value: 1.0}}
}

func TestParseReplicaSet(t *testing.T) {
	t0 := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	a, b, f := "mongo-primary-a:27017", "mongo-primary-b:27018", "mongo-failover:27019"
	for _, tc := range []struct {
		name           string
		config, status bson.D
		want           []Member
		wantErr        string
	}{
		{
			name:   "healthy, one secondary behind",
			config: configReplyDoc("production-cluster", configMember(0, a, 7, "US_EAST_1"), configMember(1, b, 7, "US_EAST_1"), configMember(2, f, 6, "US_WEST_2")),
			status: statusReplyDoc("production-cluster",
				statusMember(0, a, "PRIMARY", t0), statusMember(1, b, "SECONDARY", t0), statusMember(2, f, "SECONDARY", t0.Add(-3*time.Second))),
			want: []Member{
				{ID: 0, Host: a, Priority: 7, Votes: 1, Tags: map[string]string{"region": "US_EAST_1"}, State: "PRIMARY", Healthy: true, Optime: t0},
				{ID: 1, Host: b, Priority: 7, Votes: 1, Tags: map[string]string{"region": "US_EAST_1"}, State: "SECONDARY", Healthy: true, Optime: t0},
				{ID: 2, Host: f, Priority: 6, Votes: 1, Tags: map[string]string{"region": "US_WEST_2"}, State: "SECONDARY", Healthy: true, Optime: t0.Add(-3 * time.Second), Lag: 3 * time.Second},
			},
		},
		{
			name:   "no primary: no lag",
			config: configReplyDoc("rs", configMember(0, a, 7, "primary"), configMember(1, f, 6, "failover")),
			status: statusReplyDoc("rs", statusMember(0, a, "SECONDARY", t0), statusMember(1, f, "(not reachable/healthy)", t0.Add(-time.Minute))),
			want: []Member{
				{ID: 0, Host: a, Priority: 7, Votes: 1, Tags: map[string]string{"region": "primary"}, State: "SECONDARY", Healthy: true, Optime: t0},
				{ID: 1, Host: f, Priority: 6, Votes: 1, Tags: map[string]string{"region": "failover"}, State: "(not reachable/healthy)", Optime: t0.Add(-time.Minute)},
			},
		},
		{
			name: "defaults: an arbiter and a member without priority or votes",
			config: configReplyDoc("rs",
				bson.D{{Key: "_id", Value: int32(0)}, {Key: "host", Value: a}},
				bson.D{{Key: "_id", Value: int32(1)}, {Key: "host", Value: f}, {Key: "arbiterOnly", Value: true}}),
			status: statusReplyDoc("rs",
				statusMember(0, a, "PRIMARY", t0),
				bson.D{{Key: "_id", Value: int32(1)}, {Key: "name", Value: f}, {Key: "health", Value: 1.0}, {Key: "stateStr", Value: "ARBITER"}}),
			want: []Member{
				{ID: 0, Host: a, Priority: 1, Votes: 1, State: "PRIMARY", Healthy: true, Optime: t0},
				{ID: 1, Host: f, Priority: 0, Votes: 1, ArbiterOnly: true, State: "ARBITER", Healthy: true},
			},
		},
		{
			name:    "status of another set",
			config:  configReplyDoc("rs", configMember(0, a, 7, "primary")),
			status:  statusReplyDoc("other", statusMember(0, a, "PRIMARY", t0)),
			wantErr: `replSetGetStatus is for set "other", replSetGetConfig for "rs"`,
		},
		{
			name:    "status lists a member the configuration does not",
			config:  configReplyDoc("rs", configMember(0, a, 7, "primary")),
			status:  statusReplyDoc("rs", statusMember(0, a, "PRIMARY", t0), statusMember(5, b, "SECONDARY", t0)),
			wantErr: "lists member 5 (mongo-primary-b:27018), which the configuration does not",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rs, err := parseReplicaSet(raw(t, tc.config), raw(t, tc.status))
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err %v, want one containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			for i := range rs.Members {
				// bson's dates are UTC milliseconds.
				rs.Members[i].Optime = rs.Members[i].Optime.UTC()
			}
			if !reflect.DeepEqual(rs.Members, tc.want) {
				t.Errorf("members\n got %+v\nwant %+v", rs.Members, tc.want)
			}
		})
	}
}

func TestReplicaSetPrimaryAndTopPriority(t *testing.T) {
	for _, tc := range []struct {
		name        string
		members     []Member
		wantPrimary string
		wantTop     float64
	}{
		{"primary in the primary region", []Member{{Host: "a", Priority: 7, State: "PRIMARY"}, {Host: "f", Priority: 6, State: "SECONDARY"}}, "a", 7},
		{"primary in the failover region", []Member{{Host: "a", Priority: 7, State: "SECONDARY"}, {Host: "f", Priority: 6, State: "PRIMARY"}}, "f", 7},
		{"election under way", []Member{{Host: "a", Priority: 7, State: "SECONDARY"}, {Host: "f", Priority: 6, State: "SECONDARY"}}, "", 7},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rs := ReplicaSet{Members: tc.members}
			p, ok := rs.Primary()
			if p.Host != tc.wantPrimary || ok != (tc.wantPrimary != "") {
				t.Errorf("Primary() = %q, %v, want %q", p.Host, ok, tc.wantPrimary)
			}
			if got := rs.TopPriority(); got != tc.wantTop {
				t.Errorf("TopPriority() = %g, want %g", got, tc.wantTop)
			}
		})
	}
}

func TestTargetStringHidesSecrets(t *testing.T) {
	for _, tc := range []struct{ uri, want string }{
		{"mongodb://localhost:27017", "mongodb://localhost:27017"},
		{"mongodb://u:p%40ss@a:27017,b:27018/db?replicaSet=rs&authSource=admin", "mongodb://a:27017,b:27018"},
		{"mongodb+srv://user:secret@cluster0.example.mongodb.net/?authMechanismProperties=AWS_SESSION_TOKEN:tok", "mongodb+srv://cluster0.example.mongodb.net"},
		{"user:secret@host", "mongodb endpoint (unparsable URI)"},
	} {
		if got := (Target{URI: tc.uri}).String(); got != tc.want {
			t.Errorf("Target{%q}.String() = %q, want %q", tc.uri, got, tc.want)
		}
	}
}
