package onboarding

import (
	"errors"
	"io"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/smithy-go"
)

// The reads that decide a verdict (DescribeStacks, DescribeStackEvents,
// GetRole, ListRolePolicies, GetRolePolicy) run with the SDK's standard
// retryer plus one more retryable fault: a response cut short. The SDK does
// not retry a body that fails to decode, as a write might have taken
// effect; a read has no effect, so reading again is always safe, and a
// half-read policy must never be judged as the policy. The two writes
// that are safe to repeat get the same retries: CreateStack with its
// ClientRequestToken, and DeleteStack (deleting a deleting or deleted
// stack succeeds).
const readAttempts = 6

// readMaxBackoff caps the wait between reads: a watch polls again anyway.
var readMaxBackoff = 5 * time.Second

func readRetryer() aws.RetryerV2 {
	return retry.NewStandard(func(o *retry.StandardOptions) {
		o.MaxAttempts = readAttempts
		o.MaxBackoff = readMaxBackoff
		o.Retryables = append(slices.Clone(o.Retryables), truncatedResponse{})
	})
}

// transientRead says a read failed for a reason that says nothing about the
// stack or the role (the network, throttling, a 5xx, a cut-short body),
// even after its retries: the watch goes on and the verdict waits.
func transientRead(err error) bool {
	return err != nil && readRetryer().IsErrorRetryable(err)
}

func retryReadIAM(o *iam.Options)            { o.Retryer = readRetryer() }
func retryReadCFN(o *cloudformation.Options) { o.Retryer = readRetryer() }

// truncatedResponse says a response whose body could not be decoded (cut
// short, or garbled on the way) is worth another read.
type truncatedResponse struct{}

func (truncatedResponse) IsErrorRetryable(err error) aws.Ternary {
	var de *smithy.DeserializationError
	if errors.As(err, &de) || errors.Is(err, io.ErrUnexpectedEOF) {
		return aws.TrueTernary
	}
	return aws.UnknownTernary
}
