package awsapi

import (
	"context"
	"strings"
	"testing"
)

// fakeElastiCache answers DescribeReplicationGroups with a group that has
// one of each kind of list, and refuses Fail with the code it is sent.
func fakeElastiCache(_ context.Context, req *Request) (any, error) {
	if req.Operation == "Fail" {
		return nil, Errorf(req.Input.String("Code"), "refused")
	}
	return map[string]any{"ReplicationGroups": []any{map[string]any{
		"ReplicationGroupId": "main-cache",
		"MemberClusters":     []string{"main-cache-001", "main-cache-002"},
		"NodeGroups": []any{map[string]any{
			"NodeGroupId":      "0001",
			"NodeGroupMembers": []any{map[string]any{"CacheClusterId": "main-cache-001"}},
		}},
		"UserGroupIds": []string{"default"},
	}}}, nil
}

func TestElastiCacheQueryXML(t *testing.T) {
	url := startServer(t, map[string]Handler{ServiceElastiCache: fakeElastiCache})
	resp := send(t, "POST", url, formHeaders, []byte("Action=DescribeReplicationGroups&Version=2015-02-02"))
	if resp.status != 200 {
		t.Fatalf("status %d: %s", resp.status, resp.body)
	}
	body := string(resp.body)
	// Lists with a modeled member name use it; the others use <member>.
	for _, want := range []string{
		`<DescribeReplicationGroupsResponse xmlns="http://elasticache.amazonaws.com/doc/2015-02-02/"><DescribeReplicationGroupsResult>`,
		`<ReplicationGroups><ReplicationGroup>`,
		`<MemberClusters><ClusterId>main-cache-001</ClusterId><ClusterId>main-cache-002</ClusterId></MemberClusters>`,
		`<NodeGroups><NodeGroup>`,
		`<NodeGroupMembers><NodeGroupMember><CacheClusterId>main-cache-001</CacheClusterId></NodeGroupMember></NodeGroupMembers>`,
		`<UserGroupIds><member>default</member></UserGroupIds>`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("body lacks %s:\n%s", want, body)
		}
	}
}

func TestElastiCacheQueryErrors(t *testing.T) {
	url := startServer(t, map[string]Handler{ServiceElastiCache: fakeElastiCache})
	cases := []struct {
		code, wantCode string
		status         int
	}{
		{"ReplicationGroupNotFoundFault", "ReplicationGroupNotFoundFault", 404},
		{"NodeGroupNotFoundFault", "NodeGroupNotFoundFault", 404},
		{"InvalidParameterValue", "InvalidParameterValue", 400},
		{"InvalidParameterValueException", "InvalidParameterValue", 400},
		{"InvalidParameterCombination", "InvalidParameterCombination", 400},
		{"InvalidReplicationGroupState", "InvalidReplicationGroupState", 400},
		{"InvalidCacheClusterState", "InvalidCacheClusterState", 400},
		{"TestFailoverNotAvailableFault", "TestFailoverNotAvailableFault", 400},
		{"APICallRateForCustomerExceeded", "APICallRateForCustomerExceeded", 400},
	}
	for _, c := range cases {
		t.Run(c.code, func(t *testing.T) {
			resp := send(t, "POST", url, formHeaders, []byte("Action=Fail&Version=2015-02-02&Code="+c.code))
			body := string(resp.body)
			if resp.status != c.status || !strings.Contains(body, "<Code>"+c.wantCode+"</Code>") || !strings.Contains(body, "<Type>Sender</Type>") {
				t.Errorf("status %d, body %s; want %d with code %s", resp.status, body, c.status, c.wantCode)
			}
		})
	}
}
