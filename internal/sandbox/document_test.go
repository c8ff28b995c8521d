package sandbox

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	cfntypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/sellerdesk/sellerdesk/internal/stacktemplate"
)

func encodeT(t *testing.T, s State) []byte {
	t.Helper()
	b, err := EncodeState(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// roundTrip checks Snapshot → JSON → Restore → Snapshot gives the same document.
func roundTrip(t *testing.T, a *Account) State {
	t.Helper()
	snap := a.Snapshot()
	snap.Endpoint = "" // the copy is built outside a server
	first := encodeT(t, snap)
	st, err := DecodeState(first)
	if err != nil {
		t.Fatalf("DecodeState: %v", err)
	}
	b, err := NewAccountFromState(st)
	if err != nil {
		t.Fatalf("NewAccountFromState: %v", err)
	}
	defer b.shutdown()
	second := encodeT(t, b.Snapshot())
	if !bytes.Equal(first, second) {
		t.Fatalf("the document changed in a round trip:\n%s", firstDiff(first, second))
	}
	return st
}

func firstDiff(a, b []byte) string {
	la, lb := strings.Split(string(a), "\n"), strings.Split(string(b), "\n")
	for i := range min(len(la), len(lb)) {
		if la[i] != lb[i] {
			return "line " + la[i] + "\n  vs " + lb[i]
		}
	}
	return "lengths differ"
}

func TestStateRoundTripEveryScenario(t *testing.T) {
	for _, sc := range Scenarios() {
		t.Run(sc.Name, func(t *testing.T) {
			a, err := sc.build()
			if err != nil {
				t.Fatal(err)
			}
			defer a.shutdown()
			st := roundTrip(t, a)
			if st.Scenario != sc.Name || st.Account.ID == "" || len(st.IAM.Users) == 0 {
				t.Errorf("document lacks identity or IAM: scenario %q account %q users %d", st.Scenario, st.Account.ID, len(st.IAM.Users))
			}
		})
	}
}

func TestStateRoundTripLaunchedStack(t *testing.T) {
	a, err := scenarios["connected"].build()
	if err != nil {
		t.Fatal(err)
	}
	defer a.shutdown()
	st := roundTrip(t, a)
	if len(st.CloudFormation.Stacks) != 1 {
		t.Fatalf("stacks = %d", len(st.CloudFormation.Stacks))
	}
	s := st.CloudFormation.Stacks[0]
	if s.Status != "CREATE_COMPLETE" || len(s.Events) < 10 || len(s.Resources) == 0 || len(s.Outputs) == 0 || s.TemplateBody == "" {
		t.Fatalf("stack document incomplete: status %s, %d events, %d resources, %d outputs", s.Status, len(s.Events), len(s.Resources), len(s.Outputs))
	}
	b, _ := NewAccountFromState(st)
	defer b.shutdown()
	before, _ := a.Stack(OnboardingStackName)
	after, ok := b.Stack(OnboardingStackName)
	if !ok || !slices.Equal(eventKeys(before.Events), eventKeys(after.Events)) || len(after.Outputs) != len(before.Outputs) {
		t.Fatalf("restored stack differs: %v", after.Status)
	}
	// The restored resources are the live ones: the role is there.
	if len(b.Roles()) != len(a.Roles()) || len(b.Buckets()) != len(a.Buckets()) || len(b.Keys()) != len(a.Keys()) {
		t.Fatal("restored account lacks the stack's resources")
	}
}

func TestStateSchema(t *testing.T) {
	if StateSchema != len(stateMigrations)+1 {
		t.Fatalf("StateSchema %d, but %d migrations", StateSchema, len(stateMigrations))
	}
	if _, err := DecodeState([]byte(`{"schema": 99, "account": {"id": "111122223333"}}`)); err == nil || !strings.Contains(err.Error(), "newer") {
		t.Fatalf("a newer schema: %v", err)
	}
	if _, err := DecodeState([]byte(`{"hello": 1}`)); err == nil {
		t.Fatal("a foreign document was accepted")
	}
	// Migrations run in order from the file's version.
	var ran []int
	ms := []func(map[string]any) error{
		func(m map[string]any) error { ran = append(ran, 1); m["a"] = 1; return nil },
		func(m map[string]any) error { ran = append(ran, 2); m["b"] = m["a"]; return nil },
	}
	raw := map[string]any{"schema": float64(1)}
	if err := migrateState(raw, 1, ms); err != nil || !slices.Equal(ran, []int{1, 2}) || raw["schema"] != float64(3) || raw["b"] != 1 {
		t.Fatalf("migrations: %v ran %v raw %v", err, ran, raw)
	}
	ran = nil
	if err := migrateState(map[string]any{}, 2, ms); err != nil || !slices.Equal(ran, []int{2}) {
		t.Fatalf("from 2: %v ran %v", err, ran)
	}
}

func eventKeys(events []StackEventInfo) []string {
	var out []string
	for _, e := range events {
		out = append(out, e.LogicalID+" "+e.Status+" "+e.StatusReason)
	}
	return out
}

// perResource groups event statuses by logical ID, in order: what a run must
// reproduce whatever the interleaving of parallel resources.
func perResource(events []StackEventInfo) map[string][]string {
	out := map[string][]string{}
	for _, e := range events {
		out[e.LogicalID] = append(out[e.LogicalID], e.Status+" "+e.StatusReason)
	}
	return out
}

func launchOnboardingAPI(t *testing.T, srv *Server) *cloudformation.Client {
	t.Helper()
	cfn := cloudformation.NewFromConfig(sdkConfig(t, srv, "AKIDSANDBOX", "sandbox-secret", ""))
	var caps []cfntypes.Capability
	for _, c := range stacktemplate.Capabilities {
		caps = append(caps, cfntypes.Capability(c))
	}
	_, err := cfn.CreateStack(t.Context(), &cloudformation.CreateStackInput{StackName: aws.String(OnboardingStackName),
		TemplateBody: aws.String(string(stacktemplate.Body())), Capabilities: caps,
		Parameters: params("PartnerAccountId", DemoPartnerAccountID, "ExternalId", DemoExternalID)})
	if err != nil {
		t.Fatal(err)
	}
	return cfn
}

func waitStatus(t *testing.T, srv *Server, status string, timeout time.Duration) StackInfo {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		st, ok := srv.Account().Stack(OnboardingStackName)
		if ok && st.Status == status {
			return st
		}
		if time.Now().After(deadline) {
			t.Fatalf("stack is %s after %v, want %s", st.Status, timeout, status)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestStateResumesStackCreate(t *testing.T) {
	const scale = 100
	// A straight run, for the events it gives.
	straight, err := Start(t.Context(), Options{Scenario: "fresh", TimeScale: scale})
	if err != nil {
		t.Fatal(err)
	}
	defer straight.Close()
	launchOnboardingAPI(t, straight)
	want := waitStatus(t, straight, "CREATE_COMPLETE", 20*time.Second)

	dir := t.TempDir()
	srv, err := Start(t.Context(), Options{Scenario: "fresh", TimeScale: scale, StateDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	launchOnboardingAPI(t, srv)
	// Mid-way: some resources complete, the stack still creating.
	deadline := time.Now().Add(10 * time.Second)
	for {
		st, _ := srv.Account().Stack(OnboardingStackName)
		done := 0
		for _, r := range st.Resources {
			if r.Status == "CREATE_COMPLETE" {
				done++
			}
		}
		if done >= 3 && st.Status == "CREATE_IN_PROGRESS" {
			break
		}
		if time.Now().After(deadline) || st.Status != "CREATE_IN_PROGRESS" {
			t.Fatalf("never caught the stack mid-way (%s, %d done)", st.Status, done)
		}
		time.Sleep(2 * time.Millisecond)
	}
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, "fresh.json"))
	if err != nil {
		t.Fatal(err)
	}
	saved, err := DecodeState(b)
	if err != nil {
		t.Fatal(err)
	}
	if s := saved.CloudFormation.Stacks[0]; s.Status != "CREATE_IN_PROGRESS" || s.Op == nil {
		t.Fatalf("saved stack: %s op %v", s.Status, s.Op)
	}

	again, err := Start(t.Context(), Options{Scenario: "fresh", TimeScale: scale, StateDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	got := waitStatus(t, again, "CREATE_COMPLETE", 20*time.Second)
	w, g := perResource(want.Events), perResource(got.Events)
	for id, statuses := range w {
		if id == OnboardingStackName {
			continue
		}
		if !slices.Equal(statuses, g[id]) {
			t.Errorf("%s: events %q, a straight run gives %q", id, g[id], statuses)
		}
	}
	if len(w) != len(g) || len(got.Events) != len(want.Events) {
		t.Errorf("%d events over %d resources, a straight run gives %d over %d", len(got.Events), len(g), len(want.Events), len(w))
	}
	for _, q := range again.Account().Queues() {
		if !strings.HasPrefix(q.URL, again.URL()+"/") || !strings.Contains(got.Outputs["QueueUrl"], again.URL()+"/") {
			t.Errorf("queue URL %s (output %s) is not on the restoring sandbox %s", q.URL, got.Outputs["QueueUrl"], again.URL())
		}
	}
	if len(got.Outputs) != len(want.Outputs) {
		t.Errorf("outputs %v, want %v", got.Outputs, want.Outputs)
	}
	// And it was saved as it went.
	if err := again.Close(); err != nil {
		t.Fatal(err)
	}
	b, _ = os.ReadFile(filepath.Join(dir, "fresh.json"))
	saved, _ = DecodeState(b)
	if s := saved.CloudFormation.Stacks[0]; s.Status != "CREATE_COMPLETE" || s.Op != nil {
		t.Fatalf("saved after completion: %s op %v", s.Status, s.Op)
	}
}

func TestStateFileSharedBetweenServers(t *testing.T) {
	dir := t.TempDir()
	a, err := Start(t.Context(), Options{Scenario: "fresh", TimeScale: 1000, StateDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := Start(t.Context(), Options{Scenario: "fresh", TimeScale: 1000, StateDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	launchOnboardingAPI(t, a)
	// b sees a's stack on its next request, and follows it to the end.
	cfnB := cloudformation.NewFromConfig(sdkConfig(t, b, "AKIDSANDBOX", "sandbox-secret", ""))
	st := waitStack(t, cfnB, OnboardingStackName)
	if st.StackStatus != cfntypes.StackStatusCreateComplete {
		t.Fatalf("b sees %s", st.StackStatus)
	}
	// Reset restores the built-in state, for both.
	if err := b.Reset("fresh"); err != nil {
		t.Fatal(err)
	}
	cfnA := cloudformation.NewFromConfig(sdkConfig(t, a, "AKIDSANDBOX", "sandbox-secret", ""))
	if _, err := cfnA.DescribeStacks(t.Context(), &cloudformation.DescribeStacksInput{StackName: aws.String(OnboardingStackName)}); err == nil {
		t.Fatal("a still sees the stack after b's reset")
	}
}

// TestStateFileServedAndSavedBack: Options.StateFile (sellerdesk sandbox
// --state FILE) is created from the scenario when missing, saves each change
// back, and serves it on the next start whatever --scenario says.
func TestStateFileServedAndSavedBack(t *testing.T) {
	file := filepath.Join(t.TempDir(), "demo.json")
	srv, err := Start(t.Context(), Options{Scenario: "connected", TimeScale: 1000, StateFile: file})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	iamc := iam.NewFromConfig(sdkConfig(t, srv, "AKIDSANDBOX", "sandbox-secret", ""))
	if _, err := iamc.CreateRole(t.Context(), &iam.CreateRoleInput{RoleName: aws.String("SupportRole"),
		AssumeRolePolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[]}`)}); err != nil {
		t.Fatal(err)
	}
	// Saved after the request, before Close.
	b, err := os.ReadFile(file)
	if err != nil || !strings.Contains(string(b), `"SupportRole"`) {
		t.Fatalf("the state file lacks the new role (%v)", err)
	}
	// No credential travels: neither the caller's keys nor those AssumeRole
	// issues (sessions are process-local).
	stsc := sts.NewFromConfig(sdkConfig(t, srv, "AKIDSANDBOX", "sandbox-secret", ""))
	role, _ := srv.Account().Role(SeedRoleName)
	cred, err := stsc.AssumeRole(t.Context(), &sts.AssumeRoleInput{RoleArn: aws.String(role.ARN), RoleSessionName: aws.String("support-session")})
	if err != nil {
		t.Fatal(err)
	}
	_ = srv.Close()
	b, _ = os.ReadFile(file)
	for _, secret := range []string{"AKIDSANDBOX", "sandbox-secret", aws.ToString(cred.Credentials.AccessKeyId),
		aws.ToString(cred.Credentials.SecretAccessKey), aws.ToString(cred.Credentials.SessionToken)} {
		if strings.Contains(string(b), secret) {
			t.Errorf("the state file holds the credential %q", secret)
		}
	}
	again, err := Start(t.Context(), Options{Scenario: "fresh", TimeScale: 1000, StateFile: file})
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	if again.Scenario() != "connected" {
		t.Errorf("scenario %q, want the file's (connected)", again.Scenario())
	}
	if _, ok := again.Account().Role("SupportRole"); !ok {
		t.Error("the role did not survive the restart")
	}
	if _, ok := again.Account().Stack(OnboardingStackName); !ok {
		t.Error("the connected stack did not survive the restart")
	}
}

// TestStateResumesStackDelete: a delete under way when the sandbox stops
// goes on to DELETE_COMPLETE when it starts again, each resource deleted once.
func TestStateResumesStackDelete(t *testing.T) {
	dir := t.TempDir()
	srv, err := Start(t.Context(), Options{Scenario: "connected", TimeScale: 100, StateDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	cfn := cloudformation.NewFromConfig(sdkConfig(t, srv, "AKIDSANDBOX", "sandbox-secret", ""))
	st, _ := srv.Account().Stack(OnboardingStackName)
	if _, err := cfn.DeleteStack(t.Context(), &cloudformation.DeleteStackInput{StackName: aws.String(OnboardingStackName)}); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(2 * time.Millisecond) {
		cur, _ := srv.Account().Stack(st.ID)
		n := 0
		for _, e := range cur.Events {
			if e.Status == "DELETE_COMPLETE" && e.LogicalID != OnboardingStackName {
				n++
			}
		}
		if n >= 2 && cur.Status == "DELETE_IN_PROGRESS" {
			break
		}
		if time.Now().After(deadline) || cur.Status != "DELETE_IN_PROGRESS" {
			t.Fatalf("never caught the delete mid-way (%s, %d deleted)", cur.Status, n)
		}
	}
	_ = srv.Close()
	again, err := Start(t.Context(), Options{Scenario: "connected", TimeScale: 100, StateDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	var got StackInfo
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		got, _ = again.Account().Stack(st.ID)
		if got.Status == "DELETE_COMPLETE" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("stack %s after the restart", got.Status)
		}
	}
	for id, statuses := range perResource(got.Events) {
		if id == OnboardingStackName {
			continue
		}
		var del []string
		for _, s := range statuses {
			if strings.HasPrefix(s, "DELETE_") {
				del = append(del, strings.TrimSpace(s))
			}
		}
		if !slices.Equal(del, []string{"DELETE_IN_PROGRESS", "DELETE_COMPLETE"}) && !slices.Equal(del, []string{"DELETE_SKIPPED"}) {
			t.Errorf("%s: delete events %q", id, del)
		}
	}
	if len(again.Account().Roles()) != 1 || len(again.Account().Queues()) != 0 {
		t.Errorf("resources left after the delete: %d roles, %d queues", len(again.Account().Roles()), len(again.Account().Queues()))
	}
}

// TestStateKeepsCloudFormationChangeSets: a change set created before a
// restart is described the same after it, and can be executed; one still
// being computed is computed again.
func TestStateKeepsCloudFormationChangeSets(t *testing.T) {
	dir := t.TempDir()
	srv, err := Start(t.Context(), Options{Scenario: "connected", TimeScale: 1000, StateDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	cfn := cloudformation.NewFromConfig(sdkConfig(t, srv, "AKIDSANDBOX", "sandbox-secret", ""))
	var caps []cfntypes.Capability
	for _, c := range stacktemplate.Capabilities {
		caps = append(caps, cfntypes.Capability(c))
	}
	create := func(c *cloudformation.Client, name string) {
		t.Helper()
		if _, err := c.CreateChangeSet(t.Context(), &cloudformation.CreateChangeSetInput{StackName: aws.String(OnboardingStackName),
			ChangeSetName: aws.String(name), UsePreviousTemplate: aws.Bool(true), Capabilities: caps,
			Parameters: params("PartnerAccountId", "210987654321", "ExternalId", DemoExternalID)}); err != nil {
			t.Fatal(err)
		}
	}
	describe := func(c *cloudformation.Client, name string) *cloudformation.DescribeChangeSetOutput {
		t.Helper()
		for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(5 * time.Millisecond) {
			out, err := c.DescribeChangeSet(t.Context(), &cloudformation.DescribeChangeSetInput{StackName: aws.String(OnboardingStackName), ChangeSetName: aws.String(name)})
			if err != nil {
				t.Fatal(err)
			}
			if out.Status == cfntypes.ChangeSetStatusCreateComplete || out.Status == cfntypes.ChangeSetStatusFailed || time.Now().After(deadline) {
				return out
			}
		}
	}
	create(cfn, "first")
	before := describe(cfn, "first")
	if before.Status != cfntypes.ChangeSetStatusCreateComplete || len(before.Changes) == 0 {
		t.Fatalf("change set %s (%s), %d changes", before.Status, aws.ToString(before.StatusReason), len(before.Changes))
	}
	_ = srv.Close()

	again, err := Start(t.Context(), Options{Scenario: "connected", TimeScale: 1000, StateDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	cfn2 := cloudformation.NewFromConfig(sdkConfig(t, again, "AKIDSANDBOX", "sandbox-secret", ""))
	after := describe(cfn2, "first")
	if after.Status != before.Status || aws.ToString(after.ChangeSetId) != aws.ToString(before.ChangeSetId) || len(after.Changes) != len(before.Changes) ||
		after.ExecutionStatus != cfntypes.ExecutionStatusAvailable {
		t.Fatalf("after the restart: %s %s, %d changes (before %d)", after.Status, after.ExecutionStatus, len(after.Changes), len(before.Changes))
	}
	if _, err := cfn2.ExecuteChangeSet(t.Context(), &cloudformation.ExecuteChangeSetInput{StackName: aws.String(OnboardingStackName), ChangeSetName: aws.String("first")}); err != nil {
		t.Fatal(err)
	}
	if st := waitStack(t, cfn2, OnboardingStackName); st.StackStatus != cfntypes.StackStatusUpdateComplete {
		t.Fatalf("after executing: %s", st.StackStatus)
	}
	roundTrip(t, again.Account())
}
