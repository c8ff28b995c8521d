// Package onboarding launches the onboarding CloudFormation stack from the
// seller's own profile, follows it to Connected or Error, and keeps what it
// saw in the local cache so a watch survives a restart.
//
// The template itself lives in the template subpackage; this package is the
// lifecycle around it: create, watch, verify the partner role, update
// through a change set, delete.
package onboarding

import (
	"context"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/sellerdesk/sellerdesk/internal/onboarding/template"
)

// DefaultStackName is proposed on the review screen.
const DefaultStackName = "SellerDesk-Onboarding"

// Phase is what the Role and access tile shows.
type Phase string

// Phases of the onboarding stack, as the guide names them.
const (
	PhaseNotConnected Phase = "not-connected" // no stack
	PhaseLaunching    Phase = "launching"     // create or update under way
	PhaseVerifying    Phase = "verifying"     // stack complete, role being checked
	PhaseConnected    Phase = "connected"     // complete and the role verified
	PhaseError        Phase = "error"         // failed, rolled back, or role check failed
	PhaseDeleting     Phase = "deleting"
)

// Event is one stack event, oldest first in a StackRecord.
type Event struct {
	ID         string    `json:"id"`
	Time       time.Time `json:"time"`
	LogicalID  string    `json:"logicalId"`
	PhysicalID string    `json:"physicalId"`
	Type       string    `json:"type"`
	Status     string    `json:"status"`
	Reason     string    `json:"reason"`
}

// IsStack reports whether the event is about the stack itself.
func (e Event) IsStack() bool { return e.Type == "AWS::CloudFormation::Stack" }

// Failure is the first failing event, explained.
type Failure struct {
	LogicalID string `json:"logicalId"`
	Type      string `json:"type"`
	Reason    string `json:"reason"` // as AWS wrote it
	Plain     string `json:"plain"`  // in plain words, with the next step
	// Unverified: the stack finished but the partner role could not be read
	// (network, throttling, access): nothing is known to be wrong with it.
	Unverified bool `json:"unverified,omitempty"`
}

// Check is one verification step of the partner role.
type Check struct {
	Name   string `json:"name"`
	OK     bool   `json:"ok"`
	Detail string `json:"detail"`
	// Unknown: the check could not be made (the read failed, or its answer
	// could not be read), so it says nothing about the role.
	Unknown bool `json:"unknown,omitempty"`
	// Code is the AWS error code of the call an Unknown check could not make
	// (NotImplemented, AccessDenied…), when AWS answered with one.
	Code string `json:"code,omitempty"`
}

// StackRecord is everything known about one onboarding stack; it is what the
// cache keeps and what the window shows.
type StackRecord struct {
	TargetKey       string              `json:"targetKey"`
	StackName       string              `json:"stackName"`
	StackID         string              `json:"stackId"`
	Phase           Phase               `json:"phase"`
	Status          string              `json:"status"`
	StatusReason    string              `json:"statusReason"`
	Operation       string              `json:"operation"` // create, update, delete
	TemplateVersion string              `json:"templateVersion"`
	Params          template.Parameters `json:"params"`
	Total           int                 `json:"total"` // resources the operation will touch
	Done            int                 `json:"done"`  // of those, complete
	Events          []Event             `json:"events"`
	Failure         *Failure            `json:"failure"`
	RolledBack      bool                `json:"rolledBack"`
	Outputs         map[string]string   `json:"outputs"`
	Checks          []Check             `json:"checks"`
	StartedAt       time.Time           `json:"startedAt"`
	UpdatedAt       time.Time           `json:"updatedAt"`
	// Previous is the failed attempt this stack was retried from (its
	// events, failure and parameters), kept so it stays readable.
	Previous *StackRecord `json:"previous,omitempty"`
	// Drift is the last drift detection of the stack (nil: never checked,
	// or an operation ran since).
	Drift *DriftReport `json:"drift,omitempty"`
}

// Terminal reports whether nothing more will happen without the user.
func (r StackRecord) Terminal() bool {
	return r.Phase == PhaseConnected || r.Phase == PhaseError || r.Phase == PhaseNotConnected
}

// NeedsUpdate reports whether the deployed template is older than the app's.
func (r StackRecord) NeedsUpdate() bool {
	return r.Phase == PhaseConnected && r.TemplateVersion != "" && template.IsOlder(r.TemplateVersion)
}

// CFN is the part of the CloudFormation client this package uses (declared
// here, where it is consumed, so tests and the sandbox need nothing more).
type CFN interface {
	CreateStack(ctx context.Context, in *cloudformation.CreateStackInput, o ...func(*cloudformation.Options)) (*cloudformation.CreateStackOutput, error)
	DescribeStacks(ctx context.Context, in *cloudformation.DescribeStacksInput, o ...func(*cloudformation.Options)) (*cloudformation.DescribeStacksOutput, error)
	DescribeStackEvents(ctx context.Context, in *cloudformation.DescribeStackEventsInput, o ...func(*cloudformation.Options)) (*cloudformation.DescribeStackEventsOutput, error)
	DeleteStack(ctx context.Context, in *cloudformation.DeleteStackInput, o ...func(*cloudformation.Options)) (*cloudformation.DeleteStackOutput, error)
	CreateChangeSet(ctx context.Context, in *cloudformation.CreateChangeSetInput, o ...func(*cloudformation.Options)) (*cloudformation.CreateChangeSetOutput, error)
	DescribeChangeSet(ctx context.Context, in *cloudformation.DescribeChangeSetInput, o ...func(*cloudformation.Options)) (*cloudformation.DescribeChangeSetOutput, error)
	ExecuteChangeSet(ctx context.Context, in *cloudformation.ExecuteChangeSetInput, o ...func(*cloudformation.Options)) (*cloudformation.ExecuteChangeSetOutput, error)
}

// IAM is the part of the IAM client used to verify the partner role.
type IAM interface {
	GetRole(ctx context.Context, in *iam.GetRoleInput, o ...func(*iam.Options)) (*iam.GetRoleOutput, error)
	ListRolePolicies(ctx context.Context, in *iam.ListRolePoliciesInput, o ...func(*iam.Options)) (*iam.ListRolePoliciesOutput, error)
	GetRolePolicy(ctx context.Context, in *iam.GetRolePolicyInput, o ...func(*iam.Options)) (*iam.GetRolePolicyOutput, error)
	ListAttachedRolePolicies(ctx context.Context, in *iam.ListAttachedRolePoliciesInput, o ...func(*iam.Options)) (*iam.ListAttachedRolePoliciesOutput, error)
}
