// Package mongors runs the runbook's MongoDB replica set as real mongod
// processes where this machine has mongod: the members laid out as the
// runbook's Atlas configuration (MongoDB Atlas Configuration) has them,
// each on its region's loopback address, tagged with its region, at its
// electable priority. Where mongod is absent the sandbox runs none and
// says so; nothing here fakes a server.
package mongors

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/gameday-sre/gameday/sandbox/procgroup"
	"github.com/gameday-sre/gameday/spec"
)

// Binary is the server this package runs.
const Binary = "mongod"

// Recorder records started processes, as sandbox/state does.
type Recorder interface {
	Record(pid, pgid int, role string) error
	Forget(pid int) error
}

// Config is one replica set.
type Config struct {
	// Name is the replica set's name, the runbook's Atlas cluster name.
	Name string
	// Dir holds each member's data and log.
	Dir string
	// RegionIPs are the loopback addresses of the spec's regions by role
	// ("primary", "failover").
	RegionIPs map[string]string
	Processes Recorder
}

// Member is one mongod of the set.
type Member struct {
	Host     string // host:port
	Region   string // the spec's role: primary or failover
	Priority int
	leader   *procgroup.Leader
}

// Set is a running replica set.
type Set struct {
	Name    string
	Members []*Member
	cfg     Config
}

// URI is a connection string naming every member.
func (s *Set) URI() string {
	uri := "mongodb://"
	for i, m := range s.Members {
		if i > 0 {
			uri += ","
		}
		uri += m.Host
	}
	return uri + "/?replicaSet=" + s.Name
}

// Layout is the members the runbook's Atlas configuration asks for, each
// region's electable nodes at its priority, primary region first.
func Layout(atlas spec.MongoDBAtlas) []Member {
	var out []Member
	for _, r := range atlas.Regions {
		for range r.ElectableNodes {
			out = append(out, Member{Region: r.Region, Priority: r.Priority})
		}
	}
	return out
}

// Start starts the set's members, initiates it with the runbook's layout
// and waits until it has a primary.
func Start(ctx context.Context, atlas spec.MongoDBAtlas, cfg Config) (*Set, error) {
	bin, err := exec.LookPath(Binary)
	if err != nil {
		return nil, fmt.Errorf("%s is not on PATH: %w", Binary, err)
	}
	s := &Set{Name: atlas.Name, cfg: cfg}
	for i, m := range Layout(atlas) {
		ip := cfg.RegionIPs[m.Region]
		port, err := freePort(ip)
		if err != nil {
			s.Stop()
			return nil, err
		}
		m.Host = net.JoinHostPort(ip, strconv.Itoa(port))
		member := m
		if err := s.startMember(bin, i, &member); err != nil {
			s.Stop()
			return nil, err
		}
		s.Members = append(s.Members, &member)
	}
	if err := s.initiate(ctx); err != nil {
		s.Stop()
		return nil, err
	}
	return s, nil
}

func freePort(ip string) (int, error) {
	l, err := net.Listen("tcp", net.JoinHostPort(ip, "0"))
	if err != nil {
		return 0, fmt.Errorf("a free port on %s: %w", ip, err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func (s *Set) startMember(bin string, i int, m *Member) error {
	host, port, _ := net.SplitHostPort(m.Host)
	dir := filepath.Join(s.cfg.Dir, fmt.Sprintf("%s-%d", s.Name, i))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	cmd := exec.Command(bin, "--replSet", s.Name, "--bind_ip", host, "--port", port,
		"--dbpath", dir, "--logpath", filepath.Join(dir, "mongod.log"))
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("starting mongod %s: %w", m.Host, err)
	}
	pid := cmd.Process.Pid
	role := fmt.Sprintf("mongod %s %s", s.Name, m.Host)
	if rec := s.cfg.Processes; rec != nil {
		if err := rec.Record(pid, pid, role); err != nil {
			syscall.Kill(-pid, syscall.SIGKILL)
			cmd.Wait()
			return fmt.Errorf("recording %s: %w", role, err)
		}
	}
	m.leader = procgroup.Watch(cmd, func() {
		if rec := s.cfg.Processes; rec != nil {
			rec.Forget(pid)
		}
	})
	return nil
}

// initiate runs replSetInitiate on the first member with the runbook's
// priorities and region tags, and waits for a primary.
func (s *Set) initiate(ctx context.Context) error {
	members := bson.A{}
	for i, m := range s.Members {
		members = append(members, bson.D{{Key: "_id", Value: i}, {Key: "host", Value: m.Host},
			{Key: "priority", Value: m.Priority}, {Key: "tags", Value: bson.D{{Key: "region", Value: m.Region}}}})
	}
	c, err := mongo.Connect(options.Client().ApplyURI("mongodb://" + s.Members[0].Host + "/?directConnection=true"))
	if err != nil {
		return err
	}
	defer c.Disconnect(context.Background())
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	for {
		err = c.Database("admin").RunCommand(ctx, bson.D{{Key: "replSetInitiate", Value: bson.D{{Key: "_id", Value: s.Name}, {Key: "members", Value: members}}}}).Err()
		if err == nil {
			break
		}
		if ctx.Err() != nil {
			return fmt.Errorf("replSetInitiate on %s: %w", s.Members[0].Host, err)
		}
		time.Sleep(200 * time.Millisecond)
	}
	for {
		var hello struct {
			IsWritablePrimary bool `bson:"isWritablePrimary"`
		}
		if err := c.Database("admin").RunCommand(ctx, bson.D{{Key: "hello", Value: 1}}).Decode(&hello); err == nil && hello.IsWritablePrimary {
			return nil
		}
		if ctx.Err() != nil {
			return fmt.Errorf("replica set %s: no primary within a minute: %w", s.Name, ctx.Err())
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// Primary is the member that says it is the writable primary.
func (s *Set) Primary(ctx context.Context) (*Member, error) {
	for _, m := range s.Members {
		if m.leader.Ended() {
			continue
		}
		c, err := mongo.Connect(options.Client().ApplyURI("mongodb://" + m.Host + "/?directConnection=true"))
		if err != nil {
			continue
		}
		var hello struct {
			IsWritablePrimary bool `bson:"isWritablePrimary"`
		}
		err = c.Database("admin").RunCommand(ctx, bson.D{{Key: "hello", Value: 1}}).Decode(&hello)
		c.Disconnect(context.Background())
		if err == nil && hello.IsWritablePrimary {
			return m, nil
		}
	}
	return nil, errors.New("no member is primary")
}

// KillPrimary SIGKILLs the primary's process; the returned undo restarts
// it on its address and data, where it rejoins as a secondary.
func (s *Set) KillPrimary(ctx context.Context) (string, func(context.Context) error, error) {
	p, err := s.Primary(ctx)
	if err != nil {
		return "", nil, err
	}
	return s.kill("primary", []*Member{p})
}

// KillSecondaries SIGKILLs n running members that are not the primary;
// the returned undo restarts them on their addresses and data.
func (s *Set) KillSecondaries(ctx context.Context, n int) (string, func(context.Context) error, error) {
	p, err := s.Primary(ctx)
	if err != nil {
		return "", nil, err
	}
	var victims []*Member
	for _, m := range s.Members {
		if m != p && !m.leader.Ended() && len(victims) < n {
			victims = append(victims, m)
		}
	}
	if len(victims) < n {
		return "", nil, fmt.Errorf("%d running secondaries, want %d to kill", len(victims), n)
	}
	return s.kill("secondary", victims)
}

func (s *Set) kill(role string, members []*Member) (string, func(context.Context) error, error) {
	var hosts []string
	for _, m := range members {
		m.leader.Kill()
		hosts = append(hosts, m.Host)
	}
	undo := func(context.Context) error {
		bin, err := exec.LookPath(Binary)
		if err != nil {
			return err
		}
		var errs []error
		for _, m := range members {
			errs = append(errs, s.startMember(bin, slices.Index(s.Members, m), m))
		}
		return errors.Join(errs...)
	}
	return fmt.Sprintf("killed mongod %s %s", role, strings.Join(hosts, " ")), undo, nil
}

// Stop kills every member.
func (s *Set) Stop() {
	for _, m := range s.Members {
		if m.leader != nil {
			m.leader.Kill()
		}
	}
}
