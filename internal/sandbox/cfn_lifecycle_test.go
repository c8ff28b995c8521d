package sandbox

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	cfntypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
)

func TestDeleteStack(t *testing.T) {
	srv, cfn, iamc := startFast(t, "fresh")
	st := createStack(t, cfn, &cloudformation.CreateStackInput{StackName: aws.String("engine"), TemplateBody: aws.String(engineTemplate),
		Parameters: engineParams(), Capabilities: []cfntypes.Capability{cfntypes.CapabilityCapabilityNamedIam}})
	if st.StackStatus != cfntypes.StackStatusCreateComplete {
		t.Fatalf("create: %s", st.StackStatus)
	}
	id := aws.ToString(st.StackId)
	nCreate := len(allEvents(t, cfn, id))
	if _, err := cfn.DeleteStack(t.Context(), &cloudformation.DeleteStackInput{StackName: aws.String("engine")}); err != nil {
		t.Fatalf("DeleteStack: %v", err)
	}
	st = waitStack(t, cfn, id)
	events := allEvents(t, cfn, id)
	if st.StackStatus != cfntypes.StackStatusDeleteComplete || st.DeletionTime == nil {
		t.Fatalf("status %s\n%s", st.StackStatus, dumpEvents(events))
	}
	del := events[nCreate:]
	if eventLine(del[0]) != "engine DELETE_IN_PROGRESS User Initiated" || eventLine(del[len(del)-1]) != "engine DELETE_COMPLETE" {
		t.Errorf("delete events:\n%s", dumpEvents(del))
	}
	// Every resource goes DELETE_IN_PROGRESS → DELETE_COMPLETE, dependents first.
	for _, r := range []string{"PartnerRole", "RoleAccess", "Key", "KeyAlias", "Bucket", "BucketPolicy", "Queue", "Topic", "Subscription", "QueuePolicy"} {
		if i, j := indexOf(del, r, "DELETE_IN_PROGRESS"), indexOf(del, r, "DELETE_COMPLETE"); i < 0 || j < i {
			t.Errorf("%s: DELETE_IN_PROGRESS at %d, DELETE_COMPLETE at %d", r, i, j)
		}
	}
	for dependent, on := range map[string]string{"RoleAccess": "PartnerRole", "KeyAlias": "Key", "BucketPolicy": "Bucket", "Subscription": "Topic", "QueuePolicy": "Queue"} {
		if indexOf(del, dependent, "DELETE_COMPLETE") > indexOf(del, on, "DELETE_IN_PROGRESS") {
			t.Errorf("%s was deleted after %s started deleting:\n%s", dependent, on, dumpEvents(del))
		}
	}

	// By name the stack is gone; by ID it is DELETE_COMPLETE; ListStacks keeps it.
	_, err := cfn.DescribeStacks(t.Context(), &cloudformation.DescribeStacksInput{StackName: aws.String("engine")})
	if code, msg := apiErrorCode(err); code != "ValidationError" || msg != "Stack with id engine does not exist" {
		t.Errorf("DescribeStacks by name after delete: %v", err)
	}
	_, err = cfn.DescribeStackEvents(t.Context(), &cloudformation.DescribeStackEventsInput{StackName: aws.String("engine")})
	if code, msg := apiErrorCode(err); code != "ValidationError" || msg != "Stack [engine] does not exist" {
		t.Errorf("DescribeStackEvents by name after delete: %v", err)
	}
	all, err := cfn.DescribeStacks(t.Context(), &cloudformation.DescribeStacksInput{})
	if err != nil || len(all.Stacks) != 0 {
		t.Errorf("DescribeStacks() lists deleted stacks: %+v, %v", all, err)
	}
	ls, err := cfn.ListStacks(t.Context(), &cloudformation.ListStacksInput{StackStatusFilter: []cfntypes.StackStatus{cfntypes.StackStatusDeleteComplete}})
	if err != nil || len(ls.StackSummaries) != 1 || aws.ToString(ls.StackSummaries[0].StackId) != id || ls.StackSummaries[0].DeletionTime == nil {
		t.Errorf("ListStacks(DELETE_COMPLETE) = %+v, %v", ls, err)
	}
	// The resources are gone from the account; the key waits out its window.
	a := srv.Account()
	if len(a.Roles()) != 0 || len(a.Queues()) != 0 || len(a.Topics()) != 0 || len(a.Buckets()) != 0 || len(a.Subscriptions()) != 0 {
		t.Errorf("resources left: %v %v %v %v", a.Roles(), a.Queues(), a.Topics(), a.Buckets())
	}
	if keys := a.Keys(); len(keys) != 1 || keys[0].KeyState != "PendingDeletion" || keys[0].DeletionDate.Before(time.Now().Add(29*24*time.Hour)) || len(keys[0].Aliases) != 0 {
		t.Errorf("key after delete = %+v", keys)
	}
	_, err = iamc.GetRole(t.Context(), &iam.GetRoleInput{RoleName: aws.String("engine-partner")})
	if code, msg := apiErrorCode(err); code != "NoSuchEntity" || msg != "The role with name engine-partner cannot be found." {
		t.Errorf("GetRole after delete: %v", err)
	}
	// Deleting again, or a stack that never existed, succeeds quietly.
	for _, name := range []string{"engine", "never-existed"} {
		if _, err := cfn.DeleteStack(t.Context(), &cloudformation.DeleteStackInput{StackName: aws.String(name)}); err != nil {
			t.Errorf("DeleteStack(%s): %v", name, err)
		}
	}
	// The name is free again.
	st2 := createStack(t, cfn, &cloudformation.CreateStackInput{StackName: aws.String("engine"), TemplateBody: aws.String(engineTemplate),
		Parameters: engineParams(), Capabilities: []cfntypes.Capability{cfntypes.CapabilityCapabilityNamedIam}})
	if st2.StackStatus != cfntypes.StackStatusCreateComplete || aws.ToString(st2.StackId) == id {
		t.Errorf("recreate: %s %s", st2.StackStatus, aws.ToString(st2.StackId))
	}
}

func TestDeleteWhileCreating(t *testing.T) {
	srv, err := Start(t.Context(), Options{Scenario: "fresh", TimeScale: 50})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	cfn := cloudformation.NewFromConfig(sdkConfig(t, srv, "AKID", "secret", ""))
	out, err := cfn.CreateStack(t.Context(), &cloudformation.CreateStackInput{StackName: aws.String("slow"),
		TemplateBody: aws.String("Resources:\n  Topic: {Type: AWS::SNS::Topic}\n  Queue: {Type: AWS::SQS::Queue}\n")})
	if err != nil {
		t.Fatal(err)
	}
	// Wait until the topic (8 s → 160 ms) is done while the queue (60 s) is not.
	deadline := time.Now().Add(10 * time.Second)
	for {
		ev := allEvents(t, cfn, "slow")
		if indexOf(ev, "Topic", "CREATE_COMPLETE") >= 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("topic never completed:\n%s", dumpEvents(ev))
		}
		time.Sleep(10 * time.Millisecond)
	}
	_, err = cfn.UpdateStack(t.Context(), &cloudformation.UpdateStackInput{StackName: aws.String("slow"), UsePreviousTemplate: aws.Bool(true)})
	if code, msg := apiErrorCode(err); code != "ValidationError" || !strings.HasSuffix(msg, "is in CREATE_IN_PROGRESS state and can not be updated.") {
		t.Errorf("UpdateStack during create: %v", err)
	}
	if _, err := cfn.DeleteStack(t.Context(), &cloudformation.DeleteStackInput{StackName: aws.String("slow")}); err != nil {
		t.Fatal(err)
	}
	st := waitStack(t, cfn, aws.ToString(out.StackId))
	events := allEvents(t, cfn, aws.ToString(out.StackId))
	if st.StackStatus != cfntypes.StackStatusDeleteComplete {
		t.Fatalf("status %s\n%s", st.StackStatus, dumpEvents(events))
	}
	for _, w := range []string{"slow DELETE_IN_PROGRESS User Initiated", "Queue CREATE_FAILED Resource creation cancelled", "Queue DELETE_COMPLETE", "Topic DELETE_COMPLETE", "slow DELETE_COMPLETE"} {
		if !slices.Contains(eventLines(events), w) {
			t.Errorf("missing %q:\n%s", w, dumpEvents(events))
		}
	}
	if a := srv.Account(); len(a.Queues())+len(a.Topics()) != 0 {
		t.Errorf("left behind: %v %v", a.Queues(), a.Topics())
	}
}

func TestStackOperationsStopOnCloseAndReset(t *testing.T) {
	srv, err := Start(t.Context(), Options{Scenario: "fresh"}) // realistic pace: a queue takes a minute
	if err != nil {
		t.Fatal(err)
	}
	cfn := cloudformation.NewFromConfig(sdkConfig(t, srv, "AKID", "secret", ""))
	create := func() {
		if _, err := cfn.CreateStack(t.Context(), &cloudformation.CreateStackInput{StackName: aws.String("slow"),
			TemplateBody: aws.String("Resources:\n  Queue: {Type: AWS::SQS::Queue}\n")}); err != nil {
			t.Fatal(err)
		}
	}
	create()
	start := time.Now()
	if err := srv.Reset("fresh"); err != nil {
		t.Fatal(err)
	}
	if _, ok := srv.Account().Stack("slow"); ok {
		t.Error("the stack survived Reset")
	}
	create()
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("Reset and Close took %v: the engine did not stop", d)
	}
}

// updateV1 and updateV2 differ in every way a change set reports.
const updateV1 = `Parameters:
  Retention: {Type: Number, Default: 345600}
Resources:
  Queue:
    Type: AWS::SQS::Queue
    Properties: {MessageRetentionPeriod: !Ref Retention}
  Topic:
    Type: AWS::SNS::Topic
    Properties: {TopicName: events-v1, DisplayName: v1}
  Subscription:
    Type: AWS::SNS::Subscription
    Properties: {TopicArn: !Ref Topic, Protocol: sqs, Endpoint: !GetAtt Queue.Arn}
  Old:
    Type: AWS::SNS::Topic
Outputs:
  TopicArn: {Value: !Ref Topic}
`

const updateV2 = `Parameters:
  Retention: {Type: Number, Default: 345600}
Resources:
  Queue:
    Type: AWS::SQS::Queue
    Properties: {MessageRetentionPeriod: !Ref Retention}
  Topic:
    Type: AWS::SNS::Topic
    Properties: {TopicName: events-v2, DisplayName: v2}
  Subscription:
    Type: AWS::SNS::Subscription
    Properties: {TopicArn: !Ref Topic, Protocol: sqs, Endpoint: !GetAtt Queue.Arn}
  New:
    Type: AWS::SNS::Topic
    Properties: {DisplayName: new}
Outputs:
  TopicArn: {Value: !Ref Topic}
`

func TestChangeSetUpdate(t *testing.T) {
	srv, cfn, _ := startFast(t, "fresh")
	st := createStack(t, cfn, &cloudformation.CreateStackInput{StackName: aws.String("upd"), TemplateBody: aws.String(updateV1)})
	if st.StackStatus != cfntypes.StackStatusCreateComplete {
		t.Fatalf("create: %s", st.StackStatus)
	}
	id := aws.ToString(st.StackId)
	nCreate := len(allEvents(t, cfn, id))
	oldSub := srv.Account().Subscriptions()[0].ARN

	cs, err := cfn.CreateChangeSet(t.Context(), &cloudformation.CreateChangeSetInput{StackName: aws.String("upd"), ChangeSetName: aws.String("v2"),
		TemplateBody: aws.String(updateV2), Parameters: params("Retention", "86400"), Description: aws.String("to v2")})
	if err != nil {
		t.Fatalf("CreateChangeSet: %v", err)
	}
	if aws.ToString(cs.StackId) != id || !strings.HasPrefix(aws.ToString(cs.Id), "arn:aws:cloudformation:us-east-1:111122223333:changeSet/v2/") {
		t.Errorf("CreateChangeSet = %+v", cs)
	}
	desc := waitChangeSet(t, cfn, aws.ToString(cs.Id))
	if desc.Status != cfntypes.ChangeSetStatusCreateComplete || desc.ExecutionStatus != cfntypes.ExecutionStatusAvailable || aws.ToString(desc.Description) != "to v2" {
		t.Fatalf("change set = %s %s %s", desc.Status, desc.ExecutionStatus, aws.ToString(desc.StatusReason))
	}
	type change struct{ action, id, replacement, details string }
	var got []change
	for _, c := range desc.Changes {
		rc := c.ResourceChange
		var ds []string
		for _, d := range rc.Details {
			ds = append(ds, string(d.Target.Attribute)+":"+aws.ToString(d.Target.Name)+":"+string(d.Target.RequiresRecreation)+":"+
				string(d.Evaluation)+":"+string(d.ChangeSource)+":"+aws.ToString(d.CausingEntity))
		}
		got = append(got, change{string(rc.Action), aws.ToString(rc.LogicalResourceId), string(rc.Replacement), strings.Join(ds, ",")})
	}
	want := []change{
		{"Modify", "Queue", "False", "Properties:MessageRetentionPeriod:Never:Static:ParameterReference:Retention"},
		{"Modify", "Topic", "True", "Properties:DisplayName:Never:Static:DirectModification:,Properties:TopicName:Always:Static:DirectModification:"},
		{"Modify", "Subscription", "Conditional", "Properties:TopicArn:Conditionally:Dynamic:ResourceReference:Topic"},
		{"Add", "New", "", ""},
		{"Remove", "Old", "", ""},
	}
	if !slices.Equal(got, want) {
		t.Errorf("changes:\n got %+v\nwant %+v", got, want)
	}

	if _, err := cfn.ExecuteChangeSet(t.Context(), &cloudformation.ExecuteChangeSetInput{ChangeSetName: cs.Id}); err != nil {
		t.Fatalf("ExecuteChangeSet: %v", err)
	}
	st = waitStack(t, cfn, id)
	events := allEvents(t, cfn, id)[nCreate:]
	if st.StackStatus != cfntypes.StackStatusUpdateComplete {
		t.Fatalf("status %s\n%s", st.StackStatus, dumpEvents(events))
	}
	if aws.ToString(st.ChangeSetId) != aws.ToString(cs.Id) || st.LastUpdatedTime == nil {
		t.Errorf("stack after execute: ChangeSetId %q LastUpdatedTime %v", aws.ToString(st.ChangeSetId), st.LastUpdatedTime)
	}
	lines := eventLines(events)
	if lines[0] != "upd UPDATE_IN_PROGRESS User Initiated" || lines[len(lines)-1] != "upd UPDATE_COMPLETE" {
		t.Errorf("first/last events wrong:\n%s", dumpEvents(events))
	}
	const replacing = "Requested update requires the creation of a new physical resource; hence creating one."
	// Each pair must appear, the first before the second.
	before := [][2]string{
		{"Queue UPDATE_IN_PROGRESS", "Queue UPDATE_COMPLETE"},
		{"Topic UPDATE_IN_PROGRESS " + replacing, "Topic UPDATE_IN_PROGRESS Resource creation Initiated"},
		{"Topic UPDATE_IN_PROGRESS Resource creation Initiated", "Topic UPDATE_COMPLETE"},
		{"Topic UPDATE_COMPLETE", "Subscription UPDATE_IN_PROGRESS"},
		{"Subscription UPDATE_IN_PROGRESS " + replacing, "Subscription UPDATE_COMPLETE"},
		{"New CREATE_IN_PROGRESS", "New CREATE_COMPLETE"},
		{"New CREATE_COMPLETE", "upd UPDATE_COMPLETE_CLEANUP_IN_PROGRESS"},
		{"Subscription UPDATE_COMPLETE", "upd UPDATE_COMPLETE_CLEANUP_IN_PROGRESS"},
		{"upd UPDATE_COMPLETE_CLEANUP_IN_PROGRESS", "Subscription DELETE_IN_PROGRESS"},
		{"Subscription DELETE_COMPLETE", "Topic DELETE_IN_PROGRESS"},
		{"upd UPDATE_COMPLETE_CLEANUP_IN_PROGRESS", "Old DELETE_IN_PROGRESS"},
		{"Old DELETE_IN_PROGRESS", "Old DELETE_COMPLETE"},
	}
	for _, p := range before {
		i, j := slices.Index(lines, p[0]), slices.Index(lines, p[1])
		if i < 0 || j < 0 || i > j {
			t.Errorf("want %q (at %d) before %q (at %d)", p[0], i, p[1], j)
		}
	}
	if t.Failed() {
		t.Logf("events:\n%s", dumpEvents(events))
	}
	// Cleanup deletes the old topic by its old physical ID.
	if i := indexOf(events, "Topic", "DELETE_COMPLETE"); i < 0 || !strings.HasSuffix(aws.ToString(events[i].PhysicalResourceId), ":events-v1") {
		t.Errorf("old topic cleanup event wrong:\n%s", dumpEvents(events))
	}

	a := srv.Account()
	if out := outputsOf(st); out["TopicArn"] != "arn:aws:sns:us-east-1:111122223333:events-v2" {
		t.Errorf("outputs after update = %v", out)
	}
	if _, ok := a.Topic("arn:aws:sns:us-east-1:111122223333:events-v1"); ok {
		t.Error("old topic still exists")
	}
	if tp, _ := a.Topic("arn:aws:sns:us-east-1:111122223333:events-v2"); tp.Attributes["DisplayName"] != "v2" {
		t.Errorf("new topic = %+v", tp)
	}
	if q := a.Queues(); len(q) != 1 || q[0].Attributes["MessageRetentionPeriod"] != "86400" {
		t.Errorf("queue = %+v", q)
	}
	if subs := a.Subscriptions(); len(subs) != 1 || subs[0].ARN == oldSub || subs[0].TopicARN != "arn:aws:sns:us-east-1:111122223333:events-v2" {
		t.Errorf("subscriptions = %+v", subs)
	}
	if tps := a.Topics(); len(tps) != 2 { // events-v2 and New; Old is gone
		t.Errorf("topics = %+v", tps)
	}
	after, _ := cfn.DescribeChangeSet(t.Context(), &cloudformation.DescribeChangeSetInput{ChangeSetName: cs.Id})
	if after == nil || after.ExecutionStatus != cfntypes.ExecutionStatusExecuteComplete {
		t.Errorf("executed change set status = %+v", after)
	}

	// Nothing to do: UpdateStack refuses, a change set fails with AWS's reason.
	_, err = cfn.UpdateStack(t.Context(), &cloudformation.UpdateStackInput{StackName: aws.String("upd"), TemplateBody: aws.String(updateV2),
		Parameters: []cfntypes.Parameter{{ParameterKey: aws.String("Retention"), UsePreviousValue: aws.Bool(true)}}})
	if code, msg := apiErrorCode(err); code != "ValidationError" || msg != "No updates are to be performed." {
		t.Errorf("no-op UpdateStack: %v", err)
	}
	empty, err := cfn.CreateChangeSet(t.Context(), &cloudformation.CreateChangeSetInput{StackName: aws.String("upd"), ChangeSetName: aws.String("same"),
		UsePreviousTemplate: aws.Bool(true), Parameters: []cfntypes.Parameter{{ParameterKey: aws.String("Retention"), UsePreviousValue: aws.Bool(true)}}})
	if err != nil {
		t.Fatal(err)
	}
	if d := waitChangeSet(t, cfn, aws.ToString(empty.Id)); d.Status != cfntypes.ChangeSetStatusFailed ||
		aws.ToString(d.StatusReason) != "The submitted information didn't contain changes. Submit different information to create a change set." {
		t.Errorf("empty change set: %s %q", d.Status, aws.ToString(d.StatusReason))
	}
	_, err = cfn.ExecuteChangeSet(t.Context(), &cloudformation.ExecuteChangeSetInput{ChangeSetName: aws.String("same"), StackName: aws.String("upd")})
	if code, _ := apiErrorCode(err); code != "InvalidChangeSetStatus" {
		t.Errorf("executing a failed change set: %v", err)
	}
	_, err = cfn.DescribeChangeSet(t.Context(), &cloudformation.DescribeChangeSetInput{ChangeSetName: aws.String("nope"), StackName: aws.String("upd")})
	if code, msg := apiErrorCode(err); code != "ChangeSetNotFound" || msg != "ChangeSet [nope] does not exist" {
		t.Errorf("unknown change set: %v", err)
	}

	// A direct UpdateStack back to v1.
	if _, err := cfn.UpdateStack(t.Context(), &cloudformation.UpdateStackInput{StackName: aws.String("upd"), TemplateBody: aws.String(updateV1)}); err != nil {
		t.Fatalf("UpdateStack: %v", err)
	}
	if st := waitStack(t, cfn, id); st.StackStatus != cfntypes.StackStatusUpdateComplete || outputsOf(st)["TopicArn"] != "arn:aws:sns:us-east-1:111122223333:events-v1" {
		t.Errorf("back to v1: %s %v", st.StackStatus, outputsOf(st))
	}
	if q := a.Queues(); q[0].Attributes["MessageRetentionPeriod"] != "345600" {
		t.Errorf("retention after going back = %s", q[0].Attributes["MessageRetentionPeriod"])
	}
}

func waitChangeSet(t *testing.T, cfn *cloudformation.Client, id string) *cloudformation.DescribeChangeSetOutput {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		d, err := cfn.DescribeChangeSet(t.Context(), &cloudformation.DescribeChangeSetInput{ChangeSetName: aws.String(id)})
		if err != nil {
			t.Fatalf("DescribeChangeSet: %v", err)
		}
		if d.Status != cfntypes.ChangeSetStatusCreatePending && d.Status != cfntypes.ChangeSetStatusCreateInProgress {
			return d
		}
		if time.Now().After(deadline) {
			t.Fatalf("change set stuck in %s", d.Status)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestChangeSetCreate(t *testing.T) {
	_, cfn, _ := startFast(t, "fresh")
	cs, err := cfn.CreateChangeSet(t.Context(), &cloudformation.CreateChangeSetInput{StackName: aws.String("fresh-stack"), ChangeSetName: aws.String("initial"),
		ChangeSetType: cfntypes.ChangeSetTypeCreate, TemplateBody: aws.String(engineTemplate), Parameters: engineParams(),
		Capabilities: []cfntypes.Capability{cfntypes.CapabilityCapabilityNamedIam}})
	if err != nil {
		t.Fatalf("CreateChangeSet: %v", err)
	}
	before, err := cfn.DescribeStacks(t.Context(), &cloudformation.DescribeStacksInput{StackName: aws.String("fresh-stack")})
	if err != nil || before.Stacks[0].StackStatus != cfntypes.StackStatusReviewInProgress {
		t.Errorf("stack before execution: %+v, %v", before, err)
	}
	d := waitChangeSet(t, cfn, aws.ToString(cs.Id))
	var adds []string
	for _, c := range d.Changes {
		if c.ResourceChange.Action != cfntypes.ChangeActionAdd {
			t.Errorf("change %+v is not an Add", c.ResourceChange)
		}
		adds = append(adds, aws.ToString(c.ResourceChange.LogicalResourceId))
	}
	if len(adds) != 10 || slices.Contains(adds, "ProdOnlyTopic") {
		t.Errorf("adds = %v", adds)
	}
	_, err = cfn.CreateStack(t.Context(), &cloudformation.CreateStackInput{StackName: aws.String("fresh-stack"), TemplateBody: aws.String(engineTemplate)})
	if code, _ := apiErrorCode(err); code != "AlreadyExistsException" {
		t.Errorf("CreateStack over a stack in review: %v", err)
	}
	if _, err := cfn.ExecuteChangeSet(t.Context(), &cloudformation.ExecuteChangeSetInput{ChangeSetName: aws.String("initial"), StackName: aws.String("fresh-stack")}); err != nil {
		t.Fatalf("ExecuteChangeSet: %v", err)
	}
	st := waitStack(t, cfn, aws.ToString(cs.StackId))
	events := allEvents(t, cfn, aws.ToString(cs.StackId))
	if st.StackStatus != cfntypes.StackStatusCreateComplete || outputsOf(st)["RoleName"] != "fresh-stack-partner" {
		t.Fatalf("after execute: %s %v\n%s", st.StackStatus, outputsOf(st), dumpEvents(events))
	}
	if eventLine(events[0]) != "fresh-stack REVIEW_IN_PROGRESS User Initiated" || eventLine(events[1]) != "fresh-stack CREATE_IN_PROGRESS User Initiated" {
		t.Errorf("events:\n%s", dumpEvents(events))
	}
	list, err := cfn.ListChangeSets(t.Context(), &cloudformation.ListChangeSetsInput{StackName: aws.String("fresh-stack")})
	if err != nil || len(list.Summaries) != 1 || list.Summaries[0].ExecutionStatus != cfntypes.ExecutionStatusExecuteComplete {
		t.Errorf("ListChangeSets = %+v, %v", list, err)
	}
}

func TestUpdateRollback(t *testing.T) {
	const v1 = "Resources:\n  Topic: {Type: AWS::SNS::Topic, Properties: {DisplayName: before}}\n"
	const v2 = "Resources:\n  Topic: {Type: AWS::SNS::Topic, Properties: {DisplayName: after}}\n  Bucket: {Type: AWS::S3::Bucket, DependsOn: Topic}\n"
	srv, cfn, _ := startFast(t, "rollback")
	st := createStack(t, cfn, &cloudformation.CreateStackInput{StackName: aws.String("ur"), TemplateBody: aws.String(v1)})
	id := aws.ToString(st.StackId)
	n := len(allEvents(t, cfn, id))
	if _, err := cfn.UpdateStack(t.Context(), &cloudformation.UpdateStackInput{StackName: aws.String("ur"), TemplateBody: aws.String(v2)}); err != nil {
		t.Fatal(err)
	}
	st = waitStack(t, cfn, id)
	events := allEvents(t, cfn, id)[n:]
	if st.StackStatus != cfntypes.StackStatusUpdateRollbackComplete {
		t.Fatalf("status %s\n%s", st.StackStatus, dumpEvents(events))
	}
	want := []string{
		"ur UPDATE_IN_PROGRESS User Initiated",
		"Topic UPDATE_IN_PROGRESS", "Topic UPDATE_COMPLETE",
		"Bucket CREATE_IN_PROGRESS", "Bucket CREATE_FAILED",
		"ur UPDATE_ROLLBACK_IN_PROGRESS The following resource(s) failed to create: [Bucket]. ",
		"Topic UPDATE_IN_PROGRESS", "Topic UPDATE_COMPLETE",
		"ur UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS",
		"Bucket DELETE_COMPLETE",
		"ur UPDATE_ROLLBACK_COMPLETE",
	}
	lines := eventLines(events)
	if len(lines) != len(want) {
		t.Fatalf("events:\n%s", dumpEvents(events))
	}
	for i := range want {
		if !strings.HasPrefix(lines[i], want[i]) {
			t.Errorf("event %d = %q, want %q", i, lines[i], want[i])
		}
	}
	if tp := srv.Account().Topics(); len(tp) != 1 || tp[0].Attributes["DisplayName"] != "before" {
		t.Errorf("topic after rollback = %+v", tp)
	}
	tb, err := cfn.GetTemplate(t.Context(), &cloudformation.GetTemplateInput{StackName: aws.String("ur")})
	if err != nil || aws.ToString(tb.TemplateBody) != v1 {
		t.Errorf("template after rollback = %q, %v", aws.ToString(tb.TemplateBody), err)
	}
}
