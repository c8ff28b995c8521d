package onboarding

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/sellerdesk/sellerdesk/internal/onboarding/template"
	"github.com/sellerdesk/sellerdesk/internal/sandbox"
	"github.com/sellerdesk/sellerdesk/internal/testaws"
)

// TestLaunchThroughAFaultyNetwork launches through a proxy that drops
// connections, answers 503, loses responses after the request took effect
// and cuts bodies short. Every run must end Connected, or honestly say the
// role could not be checked: never a verdict about the role from a broken
// read. The AWS CLI then checks each stack as it really is.
func TestLaunchThroughAFaultyNetwork(t *testing.T) {
	quickReadRetries(t)
	const runs = 8
	connected, unverified := 0, 0
	var counts []string
	for i := range runs {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		// Slow enough that the watch polls through many faults.
		srv, err := sandbox.Start(ctx, sandbox.Options{Scenario: "fresh", TimeScale: 300})
		if err != nil {
			t.Fatal(err)
		}
		proxy := testaws.StartFaultProxy(t, srv.URL(), testaws.Faults{Seed: uint64(i + 1), Drop: 0.10, ServerError: 0.05, LoseResponse: 0.05, Truncate: 0.10})
		cfn, iamc := clientsFor(proxy.URL)
		name := fmt.Sprintf("Faulty%d", i)
		p := template.Parameters{PartnerAccountID: "210987654321", ExternalID: "sellerdesk-fault-external-id"}
		rec, err := Launch(ctx, cfn, "test", name, p)
		if err != nil {
			cancel()
			t.Fatalf("run %d: launch: %v (%s)", i, err, proxy.Counts())
		}
		w := &Watcher{CFN: cfn, IAM: iamc, Polling: fastPolling}
		final, err := w.Watch(ctx, rec)
		if err != nil {
			cancel()
			t.Fatalf("run %d: watch: %v (%s)", i, err, proxy.Counts())
		}
		switch {
		case final.Phase == PhaseConnected:
			connected++
		case final.Failure != nil && final.Failure.Unverified:
			unverified++
		default:
			t.Errorf("run %d: phase %s: %+v (%s)", i, final.Phase, final.Failure, proxy.Counts())
		}
		counts = append(counts, proxy.Counts().String())
		out := string(testaws.AWSCLI(t, srv.URL(), "cloudformation", "describe-stacks", "--stack-name", name, "--query", "Stacks[0].StackStatus"))
		if !strings.Contains(out, "CREATE_COMPLETE") {
			t.Errorf("run %d: the AWS CLI sees the stack as %s", i, out)
		}
		cancel()
	}
	t.Logf("%d of %d runs Connected, %d could not verify; proxy: %s", connected, runs, unverified, strings.Join(counts, "; "))
	if connected < runs-1 {
		t.Errorf("only %d of %d runs reached Connected", connected, runs)
	}
}

// TestTruncatedRoleReadIsNotAVerdict: a GetRolePolicy whose body is cut
// short, on every attempt, leaves the role unverified, not "not as the
// template defines it".
func TestTruncatedRoleReadIsNotAVerdict(t *testing.T) {
	quickReadRetries(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	srv, err := sandbox.Start(ctx, sandbox.Options{Scenario: "fresh", TimeScale: 2000})
	if err != nil {
		t.Fatal(err)
	}
	cfn, _ := clientsFor(srv.URL())
	p := template.Parameters{PartnerAccountID: "210987654321", ExternalID: "sellerdesk-fault-external-id"}
	rec, err := Launch(ctx, cfn, "test", DefaultStackName, p)
	if err != nil {
		t.Fatal(err)
	}
	final, err := (&Watcher{CFN: cfn, IAM: iamOnly(t, srv.URL()), Polling: fastPolling}).Watch(ctx, rec)
	if err != nil {
		t.Fatal(err)
	}
	if final.Phase == PhaseConnected || final.Failure == nil || !final.Failure.Unverified {
		t.Fatalf("phase %s, failure %+v: want the role left unverified", final.Phase, final.Failure)
	}
	if strings.Contains(final.Failure.Plain, "not as the template defines it") {
		t.Errorf("a broken read became a verdict: %s", final.Failure.Plain)
	}
}

// iamOnly is an IAM client whose GetRolePolicy answers are always cut short.
func iamOnly(t *testing.T, url string) *iam.Client {
	proxy := testaws.StartFaultProxy(t, url, testaws.Faults{Truncate: 1, Match: func(r *http.Request, body []byte) bool {
		return strings.Contains(string(body), "Action=GetRolePolicy")
	}})
	_, c := clientsFor(proxy.URL)
	return c
}

// quickReadRetries keeps the backoff between read retries short for a test.
func quickReadRetries(t *testing.T) {
	old := readMaxBackoff
	readMaxBackoff = 20 * time.Millisecond
	t.Cleanup(func() { readMaxBackoff = old })
}
