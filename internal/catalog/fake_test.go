package catalog

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/marketplacecatalog"
	"github.com/aws/aws-sdk-go-v2/service/marketplacecatalog/types"

	"github.com/sellerdesk/sellerdesk/internal/store"
)

// fakeAPI is an in-memory Catalog: tags per ARN, a server-side token bucket
// per operation at the documented quota (ThrottlingException when empty),
// plus injectable failures.
type fakeAPI struct {
	mu      sync.Mutex
	clock   Clock
	scale   float64
	tags    map[string]map[string]string
	buckets map[string]*serverBucket

	entities     []types.EntitySummary // for ListEntities
	listCalls    int
	throttleEach int // throttle every n-th write call (0: never), besides the quota
	writes       int
	throttled    int
	applied      map[string]int         // successful writes per ARN
	beforeWrite  func(arn string) error // may fail or cancel; nil to go on
	afterWrite   func(arn string)       // runs after a write took effect
	validationOn map[string]bool        // ARNs the API refuses with ValidationException
	lastLTFR     *marketplacecatalog.ListTagsForResourceInput
}

func newFakeAPI(clock Clock, scale float64, arns ...string) *fakeAPI {
	f := &fakeAPI{clock: clock, scale: scale, tags: map[string]map[string]string{},
		buckets: map[string]*serverBucket{}, applied: map[string]int{}, validationOn: map[string]bool{}}
	for _, a := range arns {
		f.tags[a] = map[string]string{}
	}
	return f
}

// serverBucket holds one second of quota and starts full, as AWS's does.
type serverBucket struct {
	rate, tokens float64
	last         time.Time
}

func (f *fakeAPI) admit(op string) error {
	now := f.clock.Now()
	b := f.buckets[op]
	q := Quotas[op] * f.scale
	if b == nil {
		b = &serverBucket{rate: q, tokens: Quotas[op], last: now}
		f.buckets[op] = b
	}
	if now.After(b.last) {
		b.tokens = min(Quotas[op], b.tokens+now.Sub(b.last).Seconds()*b.rate)
		b.last = now
	}
	// Small tolerance for float rounding at exact slot boundaries.
	if b.tokens < 1-1e-6 {
		f.throttled++
		return &types.ThrottlingException{Message: aws.String("Rate exceeded")}
	}
	b.tokens--
	return nil
}

func (f *fakeAPI) ListTagsForResource(ctx context.Context, in *marketplacecatalog.ListTagsForResourceInput, _ ...func(*marketplacecatalog.Options)) (*marketplacecatalog.ListTagsForResourceOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.admit(OpListTagsForResource); err != nil {
		return nil, err
	}
	f.lastLTFR = in
	m, ok := f.tags[aws.ToString(in.ResourceArn)]
	if !ok {
		return nil, &types.ResourceNotFoundException{Message: aws.String("no such resource")}
	}
	out := &marketplacecatalog.ListTagsForResourceOutput{ResourceArn: in.ResourceArn}
	for k, v := range m {
		out.Tags = append(out.Tags, types.Tag{Key: aws.String(k), Value: aws.String(v)})
	}
	return out, nil
}

func (f *fakeAPI) write(ctx context.Context, op, arn string, apply func(map[string]string)) error {
	f.mu.Lock()
	if err := f.admit(op); err != nil {
		f.mu.Unlock()
		return err
	}
	f.writes++
	if f.throttleEach > 0 && f.writes%f.throttleEach == 0 {
		f.throttled++
		f.mu.Unlock()
		return &types.ThrottlingException{Message: aws.String("Rate exceeded")}
	}
	if f.validationOn[arn] {
		f.mu.Unlock()
		return &types.ValidationException{Message: aws.String("refused")}
	}
	before := f.beforeWrite
	f.mu.Unlock()
	if before != nil {
		if err := before(arn); err != nil {
			return err
		}
	}
	f.mu.Lock()
	m, ok := f.tags[arn]
	if !ok {
		f.mu.Unlock()
		return &types.ResourceNotFoundException{Message: aws.String("no such resource")}
	}
	apply(m)
	f.applied[arn]++
	after := f.afterWrite
	f.mu.Unlock()
	if after != nil {
		after(arn)
	}
	return ctx.Err() // a cancelled caller never sees the answer
}

func (f *fakeAPI) TagResource(ctx context.Context, in *marketplacecatalog.TagResourceInput, _ ...func(*marketplacecatalog.Options)) (*marketplacecatalog.TagResourceOutput, error) {
	err := f.write(ctx, OpTagResource, aws.ToString(in.ResourceArn), func(m map[string]string) {
		for _, t := range in.Tags {
			m[aws.ToString(t.Key)] = aws.ToString(t.Value)
		}
	})
	if err != nil {
		return nil, err
	}
	return &marketplacecatalog.TagResourceOutput{}, nil
}

func (f *fakeAPI) UntagResource(ctx context.Context, in *marketplacecatalog.UntagResourceInput, _ ...func(*marketplacecatalog.Options)) (*marketplacecatalog.UntagResourceOutput, error) {
	err := f.write(ctx, OpUntagResource, aws.ToString(in.ResourceArn), func(m map[string]string) {
		for _, k := range in.TagKeys {
			delete(m, k)
		}
	})
	if err != nil {
		return nil, err
	}
	return &marketplacecatalog.UntagResourceOutput{}, nil
}

func (f *fakeAPI) DescribeEntity(context.Context, *marketplacecatalog.DescribeEntityInput, ...func(*marketplacecatalog.Options)) (*marketplacecatalog.DescribeEntityOutput, error) {
	return nil, errors.New("not implemented")
}

func openStore(tb testing.TB) *store.Store {
	tb.Helper()
	st, err := store.Open(context.Background(), tb.TempDir())
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = st.Close() })
	return st
}

// ListEntities pages f.entities of the asked type, sorted by
// LastModifiedDate (DESCENDING unless asked otherwise); NextToken is the
// offset.
func (f *fakeAPI) ListEntities(ctx context.Context, in *marketplacecatalog.ListEntitiesInput, _ ...func(*marketplacecatalog.Options)) (*marketplacecatalog.ListEntitiesOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.admit(OpListEntities); err != nil {
		return nil, err
	}
	f.listCalls++
	var sel []types.EntitySummary
	for _, e := range f.entities {
		if aws.ToString(e.EntityType) == aws.ToString(in.EntityType) {
			sel = append(sel, e)
		}
	}
	asc := in.Sort != nil && in.Sort.SortOrder == types.SortOrderAscending
	slices.SortStableFunc(sel, func(a, b types.EntitySummary) int {
		c := strings.Compare(aws.ToString(a.LastModifiedDate), aws.ToString(b.LastModifiedDate))
		if asc {
			return c
		}
		return -c
	})
	off := 0
	if in.NextToken != nil {
		off, _ = strconv.Atoi(*in.NextToken)
	}
	n := int(aws.ToInt32(in.MaxResults))
	if n <= 0 {
		n = 20
	}
	end := min(off+n, len(sel))
	out := &marketplacecatalog.ListEntitiesOutput{EntitySummaryList: sel[off:end]}
	if end < len(sel) {
		out.NextToken = aws.String(strconv.Itoa(end))
	}
	return out, nil
}
