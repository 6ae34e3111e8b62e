package cloudwatch

import (
	"encoding/base64"
	"strings"
)

// Next tokens are opaque to clients. Each names the list it belongs to and
// the position after the last item returned: a sort key rather than an
// offset, so that items added or deleted between pages neither repeat nor
// vanish from a listing.

func encodeToken(list, after string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(list + "\n" + after))
}

// decodeToken returns the position in a token for list; "" for no token.
func decodeToken(list, token string) (string, *Error) {
	if token == "" {
		return "", nil
	}
	raw, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil {
		return "", badToken()
	}
	kind, after, ok := strings.Cut(string(raw), "\n")
	if !ok || kind != list || after == "" {
		return "", badToken()
	}
	return after, nil
}

func badToken() *Error {
	return newError(ErrCodeInvalidNextToken, "The next token specified is invalid.")
}

// pageSize applies a MaxRecords parameter of 1-100 whose default is 50.
func pageSize(field string, maxRecords int32) (int, *Error) {
	switch {
	case maxRecords == 0:
		return 50, nil
	case maxRecords < 1 || maxRecords > 100:
		return 0, rangeError(field, int(maxRecords), 1, 100)
	}
	return int(maxRecords), nil
}
