package autoscaling

import (
	"encoding/base64"
	"strings"
)

// Next tokens are opaque to clients. Each names the listing it belongs to
// and the sort key of the last item returned, rather than an offset, so
// that items added or deleted between pages neither repeat nor vanish.

// maxResults is the most, and the default, of every MaxResults here: "This
// value can be between 1 and 50. The default value is 50"
// (API_DescribeScalingActivities and its siblings).
const maxResults = 50

// paginate returns the page of items (sorted by ascending key) that follows
// token, and the token of the page after it, if any.
func paginate[T any](items []T, key func(T) string, list string, max int32, token string) ([]T, string, *Error) {
	size := maxResults
	if max != 0 {
		if max < 1 || max > maxResults {
			return nil, "", rangeError("maxResults", int(max), 1, maxResults)
		}
		size = int(max)
	}
	start := 0
	if token != "" {
		after, err := decodeToken(list, token)
		if err != nil {
			return nil, "", err
		}
		for start < len(items) && key(items[start]) <= after {
			start++
		}
	}
	end := min(start+size, len(items))
	next := ""
	if end < len(items) {
		next = encodeToken(list, key(items[end-1]))
	}
	return items[start:end], next, nil
}

func encodeToken(list, after string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(list + "\n" + after))
}

func decodeToken(list, token string) (string, *Error) {
	raw, err := base64.RawURLEncoding.DecodeString(token)
	kind, after, ok := strings.Cut(string(raw), "\n")
	if err != nil || !ok || kind != list || after == "" {
		return "", newError(ErrCodeInvalidNextToken, "The NextToken value is invalid")
	}
	return after, nil
}
