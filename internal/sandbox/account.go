package sandbox

import (
	"context"
	"fmt"
	"regexp"
	"sync"
	"time"
)

// DefaultRegion is the region the sandbox account lives in.
const DefaultRegion = "us-east-1"

// Account is the whole state of the sandbox: one AWS account, built by a
// Scenario. Identity fields are set by the scenario's Setup and never change
// afterwards, so they may be read without locking; everything else (the
// per-service resources later services add as typed fields) is guarded by mu
// and must only be touched while holding it.
type Account struct {
	mu sync.Mutex

	// Scenario is the name of the scenario that built this account.
	Scenario string
	// ID is the 12-digit account ID.
	ID string
	// Region is the account's home region ("us-east-1").
	Region string
	// CallerARN and UserID identify the principal whose long-term keys the
	// sandbox pretends were used for every request (sts:GetCallerIdentity).
	CallerARN string
	UserID    string
	// Seller reports whether the account is a registered AWS Marketplace
	// seller. Non-sellers are refused by the Catalog API (403
	// AccessDeniedException "Seller account is not registered with AWS
	// Marketplace") and by CAS (its allow-list refusal).
	Seller bool
	// CatalogDenied makes the caller lack the IAM permission for the Catalog
	// API: every Catalog call fails with 403 AccessDeniedException "User:
	// <arn> is not authorized to perform: aws-marketplace:<Action> …", the
	// message IAM gives (as opposed to the service refusing a non-seller).
	CatalogDenied bool
	// CatalogQuotaScale multiplies the Catalog API's per-account rate quotas
	// (catalogQuotas; 0 means 1): the throttled scenario sets 0.2. Set it
	// before serving, or through SetCatalogQuotaScale.
	CatalogQuotaScale float64

	// sessions holds the temporary credentials issued by sts:AssumeRole, keyed
	// by access key ID; guarded by mu.
	sessions map[string]*session

	// Resources, guarded by mu (see state.go for the types and accessors).
	iamRoles         map[string]*IAMRole          // by role name
	iamPolicies      map[string]*IAMManagedPolicy // by ARN (AWS managed ones once referenced)
	sqsQueues        map[string]*SQSQueue         // by queue name
	snsTopics        map[string]*SNSTopic         // by ARN
	snsSubscriptions map[string]*SNSSubscription  // by ARN
	s3Buckets        map[string]*S3Bucket         // by bucket name
	kmsKeys          map[string]*KMSKey           // by key ID
	kmsAliases       map[string]string            // alias name → key ID
	lambdaFunctions  map[string]*LambdaFunction   // by function name
	customResources  []*CustomResource
	entities         []*CatalogEntity        // AWS Marketplace Catalog entities
	changeSets       []*CatalogChangeSet     // Catalog change sets, oldest first
	catalogPolicies  map[string]string       // Catalog resource policies: resource ARN → policy
	changeSetTokens  map[string]string       // StartChangeSet ClientRequestToken → change set ID
	catalogBuckets   map[string]*tokenBucket // Catalog rate limiting, by operation
	stacks           []*cfnStack             // every stack ever created, oldest first
	exports          map[string]string       // CloudFormation exports: name → value
	eventRules       map[string]*EventRule   // EventBridge rules (default buses), by ruleKey(region, name)

	// foreignBuckets are bucket names owned by other accounts (S3 bucket
	// names are global): creating one fails with "already exists".
	foreignBuckets map[string]string // name → owner account ID
	// bucketNamesTaken makes every bucket whose name CloudFormation
	// generates fail as if the name were owned by another account (scenario
	// rollback); a name the user chose succeeds unless it is foreign.
	bucketNamesTaken bool

	// env is how the account reaches its server; ctx ends on Close/Reset and
	// stops the background work tracked by wg (the CloudFormation engine).
	env    accountEnv
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
	closed bool // shutdown has begun; guarded by mu
	active int  // background goroutines running; guarded by mu

	// setupErr is the first error a scenario's Setup ran into (setupFailed).
	setupErr error
}

// accountEnv is what an account needs from the server it runs in.
type accountEnv struct {
	// endpoint is the sandbox URL ("http://127.0.0.1:PORT"), used as the
	// host of SQS queue URLs so clients can reach the queues; empty when the
	// account is built without a server.
	endpoint string
	// pace divides simulated durations (nil: 1); the server's, shared by
	// the accounts it builds, so a change of speed reaches them all.
	pace *pace
	logf func(format string, args ...any)
}

// Identity is who a request runs as: the answer of sts:GetCallerIdentity.
type Identity struct {
	Account string // 12-digit account ID
	ARN     string
	UserID  string
}

// session is a set of temporary credentials issued by sts:AssumeRole.
type session struct {
	identity   Identity
	expiration time.Time
}

func newAccount(scenario string, env accountEnv) *Account {
	ctx, cancel := context.WithCancel(context.Background())
	return &Account{
		Scenario:         scenario,
		Region:           DefaultRegion,
		sessions:         map[string]*session{},
		iamRoles:         map[string]*IAMRole{},
		iamPolicies:      map[string]*IAMManagedPolicy{},
		sqsQueues:        map[string]*SQSQueue{},
		snsTopics:        map[string]*SNSTopic{},
		snsSubscriptions: map[string]*SNSSubscription{},
		s3Buckets:        map[string]*S3Bucket{},
		kmsKeys:          map[string]*KMSKey{},
		kmsAliases:       map[string]string{},
		lambdaFunctions:  map[string]*LambdaFunction{},
		exports:          map[string]string{},
		eventRules:       map[string]*EventRule{},
		foreignBuckets:   map[string]string{},
		catalogPolicies:  map[string]string{},
		changeSetTokens:  map[string]string{},
		catalogBuckets:   map[string]*tokenBucket{},
		env:              env,
		ctx:              ctx,
		cancel:           cancel,
	}
}

// shutdown stops the account's background work and waits for it to end.
func (a *Account) shutdown() {
	a.mu.Lock()
	a.closed = true
	a.mu.Unlock()
	a.cancel()
	a.wg.Wait()
}

// goBackground runs f in a goroutine tracked by the account's lifetime; f
// must return promptly once a.ctx is done. The caller holds a.mu; after
// shutdown it does nothing.
func (a *Account) goBackground(f func(ctx context.Context)) {
	if a.closed {
		return
	}
	a.wg.Add(1)
	a.active++
	go func() {
		defer a.wg.Done()
		defer func() {
			a.mu.Lock()
			a.active--
			a.mu.Unlock()
		}()
		f(a.ctx)
	}()
}

// busy reports whether background work (a stack operation, a change set)
// is under way, changing the state as it goes.
func (a *Account) busy() bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.active > 0
}

func (a *Account) logf(format string, args ...any) {
	if a.env.logf != nil {
		a.env.logf(format, args...)
	}
}

var accountIDPattern = regexp.MustCompile(`^[0-9]{12}$`)

// validate checks what every scenario's Setup must provide.
func (a *Account) validate() error {
	if a.setupErr != nil {
		return a.setupErr
	}
	if !accountIDPattern.MatchString(a.ID) {
		return fmt.Errorf("account ID %q is not 12 digits", a.ID)
	}
	if a.CallerARN == "" || a.UserID == "" {
		return fmt.Errorf("account %s has no caller identity", a.ID)
	}
	return nil
}

// setupFailed records an error of a scenario's Setup; the scenario then fails
// to build with it.
func (a *Account) setupFailed(err error) {
	if a.setupErr == nil && err != nil {
		a.setupErr = err
	}
}

// setIAMUser makes the account's caller the IAM user name in account id.
func (a *Account) setIAMUser(id, name string) {
	a.ID = id
	a.CallerARN = "arn:aws:iam::" + id + ":user/" + name
	a.UserID = stableID("AIDA", a.CallerARN)
}

// Caller returns the identity of the account's default (long-term) caller.
func (a *Account) Caller() Identity {
	return Identity{Account: a.ID, ARN: a.CallerARN, UserID: a.UserID}
}

// identityFor returns who a request signed with accessKey runs as: the
// assumed-role identity for temporary credentials this account issued, else the
// default caller. expired reports temporary credentials past their expiration.
func (a *Account) identityFor(accessKey string, now time.Time) (id Identity, expired bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if s, ok := a.sessions[accessKey]; ok {
		return s.identity, now.After(s.expiration)
	}
	return a.Caller(), false
}
