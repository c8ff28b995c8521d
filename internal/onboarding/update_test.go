package onboarding

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	cfntypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"

	"github.com/sellerdesk/sellerdesk/internal/onboarding/template"
	"github.com/sellerdesk/sellerdesk/internal/sandbox"
)

// An older deployed template is offered an update, previewed as a change
// set, and the update runs to Connected again.
func TestUpdateFromAnOlderTemplate(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	srv, err := sandbox.Start(ctx, sandbox.Options{Scenario: "fresh", TimeScale: 1000})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	cfn, iamc := clientsFor(srv.URL())

	// "Yesterday's" template: an older version with a shorter role session.
	old := strings.ReplaceAll(string(template.Body()), template.Version, "2000-01-01.1")
	old = strings.Replace(old, "MaxSessionDuration: 3600", "MaxSessionDuration: 7200", 1)
	p := template.Parameters{PartnerAccountID: "123456789012", ExternalID: "ext-update"}
	out, err := cfn.CreateStack(ctx, &cloudformation.CreateStackInput{StackName: aws.String(DefaultStackName), TemplateBody: aws.String(old),
		Parameters: cfnParams(p), Capabilities: []cfntypes.Capability{cfntypes.CapabilityCapabilityNamedIam},
		Tags: []cfntypes.Tag{{Key: aws.String("sellerdesk:template-version"), Value: aws.String("2000-01-01.1")}}})
	if err != nil {
		t.Fatal(err)
	}
	total, _ := resourceCount(p)
	w := &Watcher{CFN: cfn, IAM: iamc, Polling: fastPolling}
	rec, err := w.Watch(ctx, StackRecord{StackName: DefaultStackName, StackID: aws.ToString(out.StackId), Operation: "create", Params: p, Total: total, StartedAt: time.Now()})
	if err != nil || rec.Phase != PhaseConnected {
		t.Fatalf("old stack: %v %+v", err, rec.Failure)
	}
	if !rec.NeedsUpdate() {
		t.Fatalf("deployed %q, app %q: no update offered", rec.TemplateVersion, template.Version)
	}
	cs, err := PrepareUpdate(ctx, cfn, rec)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, c := range cs.Changes {
		if c.LogicalID == "PartnerRole" && c.Action == "Modify" {
			found = true
		}
	}
	if !found {
		t.Fatalf("the preview lacks the role change: %+v", cs.Changes)
	}
	rec, err = ExecuteUpdate(ctx, cfn, rec, cs.ID)
	if err != nil {
		t.Fatal(err)
	}
	rec, err = w.Watch(ctx, rec)
	if err != nil || rec.Phase != PhaseConnected || rec.Status != "UPDATE_COMPLETE" {
		t.Fatalf("after update: %v phase %s status %s %+v", err, rec.Phase, rec.Status, rec.Failure)
	}
	if rec.NeedsUpdate() {
		t.Errorf("still offers an update after updating to %s (deployed %s)", template.Version, rec.TemplateVersion)
	}
}
