package onboarding

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	cfntypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
)

// Drift: CloudFormation's own drift detection on the onboarding stack
// (DetectStackDrift, DescribeStackDriftDetectionStatus,
// DescribeStackResourceDrifts), each difference in plain words.

// DriftCFN is the part of the CloudFormation client drift detection uses.
type DriftCFN interface {
	DetectStackDrift(ctx context.Context, in *cloudformation.DetectStackDriftInput, o ...func(*cloudformation.Options)) (*cloudformation.DetectStackDriftOutput, error)
	DescribeStackDriftDetectionStatus(ctx context.Context, in *cloudformation.DescribeStackDriftDetectionStatusInput, o ...func(*cloudformation.Options)) (*cloudformation.DescribeStackDriftDetectionStatusOutput, error)
	DescribeStackResourceDrifts(ctx context.Context, in *cloudformation.DescribeStackResourceDriftsInput, o ...func(*cloudformation.Options)) (*cloudformation.DescribeStackResourceDriftsOutput, error)
}

// Drift statuses of a stack, as CloudFormation names them.
const (
	DriftInSync  = "IN_SYNC"
	DriftDrifted = "DRIFTED"
)

// DriftReport is the result of one drift detection.
type DriftReport struct {
	StackName   string          `json:"stackName"`
	DetectionID string          `json:"detectionId"`
	Status      string          `json:"status"` // IN_SYNC or DRIFTED
	CheckedAt   time.Time       `json:"checkedAt"`
	Resources   []ResourceDrift `json:"resources"` // the drifted ones (MODIFIED or DELETED)
}

// Drifted reports whether anything drifted.
func (r DriftReport) Drifted() bool { return r.Status == DriftDrifted }

// Summary is the drift line of the Role tile and of `sellerdesk drift`.
func (r DriftReport) Summary() string {
	if !r.Drifted() {
		return "In sync: every resource of stack " + r.StackName + " is as the template defines it."
	}
	n := len(r.Resources)
	noun := "resources differ"
	if n == 1 {
		noun = "resource differs"
	}
	return fmt.Sprintf("Drifted: %d %s from the template of stack %s.", n, noun, r.StackName)
}

// Lines are the differences in plain words, one a line.
func (r DriftReport) Lines() []string {
	var out []string
	for _, res := range r.Resources {
		if res.Status == "DELETED" {
			out = append(out, res.LogicalID+": "+res.Plain)
			continue
		}
		for _, d := range res.Differences {
			out = append(out, res.LogicalID+": "+d.Plain)
		}
	}
	return out
}

// ResourceDrift is one drifted resource.
type ResourceDrift struct {
	LogicalID   string       `json:"logicalId"`
	PhysicalID  string       `json:"physicalId"`
	Type        string       `json:"type"`
	Status      string       `json:"status"` // MODIFIED or DELETED
	Plain       string       `json:"plain"`  // for a DELETED resource
	Differences []Difference `json:"differences"`
	// Expected and Actual are the properties as CloudFormation reported
	// them (JSON), which Restore re-applies.
	Expected string `json:"expected,omitempty"`
	Actual   string `json:"actual,omitempty"`
}

// Difference is one PropertyDifference, with its plain words.
type Difference struct {
	Path     string `json:"path"`
	Expected string `json:"expected"`
	Actual   string `json:"actual"`
	Kind     string `json:"kind"` // ADD, REMOVE, NOT_EQUAL
	Plain    string `json:"plain"`
}

// DriftProgress is told while a detection runs.
type DriftProgress struct {
	Elapsed time.Duration
	Status  string // DETECTION_IN_PROGRESS
}

// DriftDeadline bounds a detection when the caller's context has no
// deadline: CloudFormation takes seconds to a few minutes.
const DriftDeadline = 5 * time.Minute

// DriftTimeoutError: the detection did not end in time (CloudFormation
// carries on with it).
type DriftTimeoutError struct {
	StackName string
	After     time.Duration
}

func (e *DriftTimeoutError) Error() string {
	return fmt.Sprintf("drift detection of stack %s did not finish within %s; CloudFormation carries on with it: check again in a minute",
		e.StackName, e.After.Round(time.Second))
}

// DriftFailedError: CloudFormation ended the detection as DETECTION_FAILED.
type DriftFailedError struct{ StackName, Reason string }

func (e *DriftFailedError) Error() string {
	return "CloudFormation could not check stack " + e.StackName + " for drift: " + e.Reason
}

// DetectDrift runs a drift detection on the stack, waits for it (reporting
// progress) and returns what drifted, in plain words.
func DetectDrift(ctx context.Context, cfn DriftCFN, stackName string, progress func(DriftProgress)) (DriftReport, error) {
	start := time.Now()
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, DriftDeadline)
		defer cancel()
	}
	deadline, _ := ctx.Deadline()
	out, err := cfn.DetectStackDrift(ctx, &cloudformation.DetectStackDriftInput{StackName: aws.String(stackName)})
	if err != nil {
		return DriftReport{}, fmt.Errorf("starting drift detection of stack %s: %w", stackName, err)
	}
	id := aws.ToString(out.StackDriftDetectionId)
	wait := 250 * time.Millisecond
	var status *cloudformation.DescribeStackDriftDetectionStatusOutput
	for {
		status, err = cfn.DescribeStackDriftDetectionStatus(ctx, &cloudformation.DescribeStackDriftDetectionStatusInput{StackDriftDetectionId: aws.String(id)})
		switch {
		case errors.Is(err, context.DeadlineExceeded) || (err != nil && ctx.Err() != nil && errors.Is(ctx.Err(), context.DeadlineExceeded)):
			return DriftReport{}, &DriftTimeoutError{StackName: stackName, After: deadline.Sub(start)}
		case err != nil:
			return DriftReport{}, fmt.Errorf("reading the drift detection of stack %s: %w", stackName, err)
		}
		if status.DetectionStatus != cfntypes.StackDriftDetectionStatusDetectionInProgress {
			break
		}
		if progress != nil {
			progress(DriftProgress{Elapsed: time.Since(start), Status: string(status.DetectionStatus)})
		}
		select {
		case <-ctx.Done():
			if errors.Is(ctx.Err(), context.DeadlineExceeded) {
				return DriftReport{}, &DriftTimeoutError{StackName: stackName, After: deadline.Sub(start)}
			}
			return DriftReport{}, ctx.Err()
		case <-time.After(wait):
			wait = min(wait*2, 5*time.Second)
		}
	}
	if status.DetectionStatus == cfntypes.StackDriftDetectionStatusDetectionFailed {
		return DriftReport{}, &DriftFailedError{StackName: stackName, Reason: aws.ToString(status.DetectionStatusReason)}
	}
	rep := DriftReport{StackName: stackName, DetectionID: id, Status: string(status.StackDriftStatus), CheckedAt: aws.ToTime(status.Timestamp).UTC(),
		Resources: []ResourceDrift{}}
	in := &cloudformation.DescribeStackResourceDriftsInput{StackName: aws.String(stackName),
		StackResourceDriftStatusFilters: []cfntypes.StackResourceDriftStatus{cfntypes.StackResourceDriftStatusModified, cfntypes.StackResourceDriftStatusDeleted}}
	for {
		page, err := cfn.DescribeStackResourceDrifts(ctx, in)
		if err != nil {
			return DriftReport{}, fmt.Errorf("reading the resource drifts of stack %s: %w", stackName, err)
		}
		for _, d := range page.StackResourceDrifts {
			rep.Resources = append(rep.Resources, resourceDrift(d))
		}
		if aws.ToString(page.NextToken) == "" {
			break
		}
		in.NextToken = page.NextToken
	}
	if rep.Status != DriftDrifted && len(rep.Resources) > 0 {
		rep.Status = DriftDrifted
	}
	return rep, nil
}

func resourceDrift(d cfntypes.StackResourceDrift) ResourceDrift {
	r := ResourceDrift{LogicalID: aws.ToString(d.LogicalResourceId), PhysicalID: aws.ToString(d.PhysicalResourceId),
		Type: aws.ToString(d.ResourceType), Status: string(d.StackResourceDriftStatus), Differences: []Difference{},
		Expected: aws.ToString(d.ExpectedProperties), Actual: aws.ToString(d.ActualProperties)}
	if r.Status == "DELETED" {
		r.Plain = "deleted outside CloudFormation (" + r.Type + " " + r.PhysicalID + ")"
	}
	var expected, actual map[string]any
	_ = json.Unmarshal([]byte(r.Expected), &expected)
	_ = json.Unmarshal([]byte(r.Actual), &actual)
	for _, p := range d.PropertyDifferences {
		diff := Difference{Path: aws.ToString(p.PropertyPath), Expected: aws.ToString(p.ExpectedValue), Actual: aws.ToString(p.ActualValue),
			Kind: string(p.DifferenceType)}
		diff.Plain = plainDifference(r.Type, diff, expected, actual)
		r.Differences = append(r.Differences, diff)
	}
	return r
}

// pathSegments splits a JSON pointer, unescaping each segment.
func pathSegments(p string) []string {
	var out []string
	for _, s := range strings.Split(strings.TrimPrefix(p, "/"), "/") {
		out = append(out, strings.ReplaceAll(strings.ReplaceAll(s, "~1", "/"), "~0", "~"))
	}
	return out
}

// documentNoun names the property that holds a resource's JSON document.
func documentNoun(typ, prop string) string {
	switch prop {
	case "AssumeRolePolicyDocument":
		return "the trust policy"
	case "KeyPolicy":
		return "the key policy"
	case "PolicyDocument":
		switch typ {
		case "AWS::S3::BucketPolicy":
			return "the bucket policy"
		case "AWS::SQS::QueuePolicy":
			return "the queue policy"
		case "AWS::SNS::TopicPolicy":
			return "the topic policy"
		}
		return "the policy"
	}
	return ""
}

// plainDifference words one difference, e.g. "the trust policy's principal
// changed from arn:aws:iam::111122223333:root to arn:aws:iam::444455556666:root".
func plainDifference(typ string, d Difference, expected, actual map[string]any) string {
	seg := pathSegments(d.Path)
	prop := seg[0]
	var subject string
	rest := seg[1:]
	switch {
	case documentNoun(typ, prop) != "":
		subject = documentNoun(typ, prop)
	case prop == "Policies" && len(seg) >= 2:
		name := policyName(expected, seg[1])
		if d.Kind == "ADD" && len(seg) == 2 {
			name = policyName(actual, seg[1])
		}
		subject = "the inline policy " + name
		rest = seg[2:]
		if len(rest) > 0 && rest[0] == "PolicyDocument" {
			rest = rest[1:]
		}
	case prop == "ManagedPolicyArns":
		subject, rest = "the attached managed policies", nil
	default:
		subject = "the property " + prop
		if len(rest) > 0 {
			subject = "the property " + strings.Join(seg, ".")
			rest = nil
		}
	}
	subject += policyPart(rest)
	exp, act := shorten(d.Expected), shorten(d.Actual)
	switch d.Kind {
	case "ADD":
		if len(rest) == 0 && prop == "Policies" {
			return subject + " was added"
		}
		return subject + " gained " + act
	case "REMOVE":
		if len(rest) == 0 && prop == "Policies" {
			return subject + " was removed"
		}
		return subject + " lost " + exp
	}
	return subject + " changed from " + exp + " to " + act
}

// policyPart words the place inside a policy document a path points at.
func policyPart(rest []string) string {
	if len(rest) == 0 {
		return ""
	}
	last := ""
	stmt := -1
	for i, s := range rest {
		if s == "Statement" && i+1 < len(rest) {
			if n, err := strconv.Atoi(rest[i+1]); err == nil {
				stmt = n
			}
		}
		switch s {
		case "Principal", "NotPrincipal", "Action", "NotAction", "Resource", "NotResource", "Effect", "Condition", "Sid", "Version":
			last = s
		}
		if strings.EqualFold(s, "sts:ExternalId") {
			last = "ExternalId"
		}
	}
	words := map[string]string{"Principal": "principal", "NotPrincipal": "NotPrincipal", "Action": "actions", "NotAction": "NotAction",
		"Resource": "resources", "NotResource": "NotResource", "Effect": "effect", "Condition": "condition", "Sid": "statement ID",
		"Version": "version", "ExternalId": "external ID condition"}
	switch {
	case last != "" && stmt >= 0 && statementsMatter(rest):
		return fmt.Sprintf("'s %s (statement %d)", words[last], stmt+1)
	case last != "":
		return "'s " + words[last]
	case stmt >= 0:
		return fmt.Sprintf("'s statement %d", stmt+1)
	}
	return ""
}

// statementsMatter: the statement number is worth saying when the path goes
// past the first statement.
func statementsMatter(rest []string) bool {
	for i, s := range rest {
		if s == "Statement" && i+1 < len(rest) && rest[i+1] != "0" {
			return true
		}
	}
	return false
}

func policyName(props map[string]any, index string) string {
	i, err := strconv.Atoi(index)
	if l, ok := props["Policies"].([]any); ok && err == nil && i < len(l) {
		if m, ok := l[i].(map[string]any); ok {
			if n, ok := m["PolicyName"].(string); ok {
				return n
			}
		}
	}
	return "#" + index
}

// shorten keeps long JSON values readable on one line.
func shorten(s string) string {
	const max = 160
	if s == "null" {
		return "nothing"
	}
	if len(s) > max {
		return s[:max] + "…"
	}
	return s
}
