package onboarding

import (
	"context"
	"testing"
	"time"

	"github.com/sellerdesk/sellerdesk/internal/testaws"

	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/sellerdesk/sellerdesk/internal/onboarding/template"
)

func clientsFor(endpoint string) (*cloudformation.Client, *iam.Client) {
	cfg := testaws.Config(endpoint)
	return cloudformation.NewFromConfig(cfg), iam.NewFromConfig(cfg)
}

var fastPolling = Polling{Min: 20 * time.Millisecond, Max: 200 * time.Millisecond, ThrottleMax: time.Second, Backoff: 1.5}

func TestLaunchAgainstMotoReachesConnected(t *testing.T) {
	url := testaws.StartMoto(t)
	cfn, iamc := clientsFor(url)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	p := template.Parameters{PartnerAccountID: "210987654321", ExternalID: "sellerdesk-moto-external-id"}
	rec, err := Launch(ctx, cfn, "test", DefaultStackName, p)
	if err != nil {
		t.Fatal(err)
	}
	var saved int
	w := &Watcher{CFN: cfn, IAM: iamc, Polling: fastPolling, Save: func(context.Context, StackRecord) error { saved++; return nil }}
	final, err := w.Watch(ctx, rec)
	if err != nil {
		t.Fatal(err)
	}
	if final.Phase != PhaseConnected {
		t.Fatalf("phase %s, failure %+v, checks %+v", final.Phase, final.Failure, final.Checks)
	}
	for _, k := range []string{"PartnerRoleArn", "QueueArn", "QueueUrl", "CasBucketName", "CasTopicArn", "SddsBucketArn", "SddsKeyArn", "SddsTopicArn"} {
		if final.Outputs[k] == "" {
			t.Errorf("output %s is empty", k)
		}
	}
	if saved == 0 {
		t.Error("the watch never saved its state")
	}
	// Launching again is refused with a clear message: nothing is created twice.
	if _, err := Launch(ctx, cfn, "test", DefaultStackName, p); err == nil {
		t.Error("a second launch of the same stack name was accepted")
	}
}
