package fis

import (
	"encoding/base64"
	"strconv"

	"github.com/gameday-sre/gameday/sandbox/awsapi"
)

func validation(format string, args ...any) *awsapi.Error {
	return awsapi.ValidationException(format, args...)
}

func notFound(format string, args ...any) *awsapi.Error {
	return awsapi.ResourceNotFoundException(format, args...)
}

// paginate returns the page of all that in asks for and the token of the
// next, "" on the last.
func paginate[T any](all []T, in ListInput) ([]T, string, error) {
	if in.MaxResults < 0 || in.MaxResults > 100 {
		return nil, "", validation("maxResults must be between 1 and 100.")
	}
	start := 0
	if in.NextToken != "" {
		raw, err := base64.RawURLEncoding.DecodeString(in.NextToken)
		n, perr := strconv.Atoi(string(raw))
		if err != nil || perr != nil || n < 0 || n > len(all) {
			return nil, "", validation("Invalid nextToken.")
		}
		start = n
	}
	end := len(all)
	if in.MaxResults > 0 && start+in.MaxResults < end {
		end = start + in.MaxResults
	}
	page := all[start:end]
	if page == nil {
		page = []T{}
	}
	if end < len(all) {
		return page, base64.RawURLEncoding.EncodeToString([]byte(strconv.Itoa(end))), nil
	}
	return page, "", nil
}
