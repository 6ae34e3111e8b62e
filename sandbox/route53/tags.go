package route53

import (
	"maps"
	"slices"
	"strings"
)

// Tag resource types (TagResourceType).
const (
	TagResourceHealthCheck = "healthcheck"
	TagResourceHostedZone  = "hostedzone"
)

// MaxTagsPerResource is Route 53's quota of tags on one health check or
// hosted zone (DNSLimitations.html, "Tags").
const MaxTagsPerResource = 50

// Tag is a resource tag.
type Tag struct {
	Key   string
	Value string `aws:",omitempty"`
}

// ResourceTagSet is the tags of one resource.
type ResourceTagSet struct {
	ResourceType string
	ResourceId   string
	Tags         []Tag
}

// ChangeTagsForResourceInput adds, replaces and removes tags; a key in
// both is removed after being added, which leaves it absent.
type ChangeTagsForResourceInput struct {
	ResourceType  string
	ResourceId    string
	AddTags       []Tag
	RemoveTagKeys []string
}

// tagKey names a resource in the tag store.
func tagKey(resourceType, id string) string { return resourceType + "/" + id }

// checkTaggableLocked reports a resource that cannot be tagged or does
// not exist.
func (e *Engine) checkTaggableLocked(resourceType, id string) error {
	switch resourceType {
	case TagResourceHealthCheck:
		if _, ok := e.checks[id]; !ok {
			return noSuchHealthCheck(id)
		}
	case TagResourceHostedZone:
		if _, ok := e.zones[bareID(id)]; !ok {
			return noSuchHostedZone(id)
		}
	default:
		return invalidInput("ResourceType %q: want %s or %s", resourceType, TagResourceHealthCheck, TagResourceHostedZone)
	}
	return nil
}

// ChangeTagsForResource changes a health check's or hosted zone's tags.
func (e *Engine) ChangeTagsForResource(in ChangeTagsForResourceInput) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if err := e.checkTaggableLocked(in.ResourceType, in.ResourceId); err != nil {
		return err
	}
	key := tagKey(in.ResourceType, bareID(in.ResourceId))
	tags := maps.Clone(e.tags[key])
	if tags == nil {
		tags = map[string]string{}
	}
	for _, t := range in.AddTags {
		if t.Key == "" || strings.HasPrefix(t.Key, "aws:") {
			return invalidInput("tag key %q: keys are 1 to 128 characters and may not begin with aws:", t.Key)
		}
		tags[t.Key] = t.Value
	}
	for _, k := range in.RemoveTagKeys {
		delete(tags, k)
	}
	if len(tags) > MaxTagsPerResource {
		return invalidInput("a resource can have at most %d tags", MaxTagsPerResource)
	}
	e.tags[key] = tags
	return nil
}

// ListTagsForResources returns the tags of resources of one type.
func (e *Engine) ListTagsForResources(resourceType string, ids []string) ([]ResourceTagSet, error) {
	e.mu.RLock()
	defer e.mu.RUnlock()
	out := []ResourceTagSet{}
	for _, id := range ids {
		if err := e.checkTaggableLocked(resourceType, id); err != nil {
			return nil, err
		}
		set := ResourceTagSet{ResourceType: resourceType, ResourceId: bareID(id), Tags: []Tag{}}
		tags := e.tags[tagKey(resourceType, bareID(id))]
		for _, k := range slices.Sorted(maps.Keys(tags)) {
			set.Tags = append(set.Tags, Tag{Key: k, Value: tags[k]})
		}
		out = append(out, set)
	}
	return out, nil
}
