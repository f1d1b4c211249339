package spec

import "fmt"

// The object-level events the audit trail records for a bucket (CIS v5.0.0 3.8, 3.9):
// writes only, or reads and writes. Reads are opt-in: a busy bucket's reads cost far more
// than its writes (CloudTrail charges per data event).
const (
	DataEventsWrite     = "write"
	DataEventsReadWrite = "readwrite"
)

// DataEventModes are the allowed values of a bucket's dataEvents ("" records none).
func DataEventModes() []string { return []string{DataEventsWrite, DataEventsReadWrite} }

// DataEvents names a bucket whose object-level API calls the trail records.
type DataEvents struct {
	Bucket string
	// Mode is write or readwrite.
	Mode string
}

// Problems reports a mode that is not allowed.
func (d DataEvents) Problems() []FieldProblem {
	if d.Mode != DataEventsWrite && d.Mode != DataEventsReadWrite {
		return []FieldProblem{{Field: "dataEvents", Message: fmt.Sprintf("%q is not allowed: use write or readwrite (reads are opt-in), or leave it out", d.Mode)}}
	}
	return nil
}

// GuardDutyFrequencies are the finding publishing frequencies GuardDuty accepts
// (https://docs.aws.amazon.com/guardduty/latest/APIReference/API_CreateDetector.html).
func GuardDutyFrequencies() []string { return []string{"FIFTEEN_MINUTES", "ONE_HOUR", "SIX_HOURS"} }
