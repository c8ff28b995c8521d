package onboarding

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/sellerdesk/sellerdesk/internal/onboarding/template"
)

// startMoto runs moto_server, an AWS fake independent of this project, on a
// free loopback port, so the launch is judged by someone else's CloudFormation.
func startMoto(t *testing.T) string {
	t.Helper()
	bin, err := exec.LookPath("moto_server")
	if err != nil {
		t.Skip("moto_server is not installed (it comes only from PyPI); the launch against an independent AWS fake is not checked here")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, bin, "-H", "127.0.0.1", "-p", fmt.Sprint(port))
	cmd.Stdout, cmd.Stderr = nil, nil
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cancel(); _ = cmd.Wait() })
	url := fmt.Sprintf("http://127.0.0.1:%d", port)
	for i := 0; i < 100; i++ {
		if resp, err := http.Get(url + "/moto-api/"); err == nil {
			resp.Body.Close()
			return url
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatal("moto_server did not start")
	return ""
}

func clientsFor(endpoint string) (*cloudformation.Client, *iam.Client) {
	cfg := aws.Config{Region: "us-east-1", BaseEndpoint: aws.String(endpoint),
		Credentials: credentials.NewStaticCredentialsProvider("testing", "testing", "")}
	return cloudformation.NewFromConfig(cfg), iam.NewFromConfig(cfg)
}

var fastPolling = Polling{Min: 20 * time.Millisecond, Max: 200 * time.Millisecond, ThrottleMax: time.Second, Backoff: 1.5}

func TestLaunchAgainstMotoReachesConnected(t *testing.T) {
	if os.Getenv("SELLERDESK_SKIP_MOTO") != "" {
		t.Skip("SELLERDESK_SKIP_MOTO set")
	}
	url := startMoto(t)
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
