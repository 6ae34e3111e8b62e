// Package schema holds the JSON Schema of evidence.json
// (evidence.schema.json, draft 2020-12) and validates a document against
// it. gameday writes no evidence.json the schema refuses, so a script or
// an auditor reading one can rely on its shape.
package schema

import (
	"bytes"
	_ "embed"
	"fmt"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// Evidence is evidence.schema.json.
//
//go:embed evidence.schema.json
var Evidence []byte

// EvidenceURL is the schema's $id.
const EvidenceURL = "https://github.com/gameday-sre/gameday/reports/schema/evidence.schema.json"

var compiled = sync.OnceValues(func() (*jsonschema.Schema, error) {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(Evidence))
	if err != nil {
		return nil, fmt.Errorf("reading evidence.schema.json: %w", err)
	}
	c := jsonschema.NewCompiler()
	// Formats (date-time) are checked, not only annotated: a time that
	// does not parse is as wrong as a missing one.
	c.AssertFormat()
	if err := c.AddResource(EvidenceURL, doc); err != nil {
		return nil, err
	}
	return c.Compile(EvidenceURL)
})

// ValidateEvidence checks an evidence.json document against the schema.
func ValidateEvidence(data []byte) error {
	s, err := compiled()
	if err != nil {
		return err
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		return fmt.Errorf("evidence.json is not JSON: %w", err)
	}
	if err := s.Validate(doc); err != nil {
		return fmt.Errorf("evidence.json does not match its schema: %w", err)
	}
	return nil
}
