package sandbox

import (
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
	// Seller reports whether the account is a registered AWS Marketplace seller.
	Seller bool

	// sessions holds the temporary credentials issued by sts:AssumeRole, keyed
	// by access key ID; guarded by mu.
	sessions map[string]*session
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

func newAccount(scenario string) *Account {
	return &Account{
		Scenario: scenario,
		Region:   DefaultRegion,
		sessions: map[string]*session{},
	}
}

var accountIDPattern = regexp.MustCompile(`^[0-9]{12}$`)

// validate checks what every scenario's Setup must provide.
func (a *Account) validate() error {
	if !accountIDPattern.MatchString(a.ID) {
		return fmt.Errorf("account ID %q is not 12 digits", a.ID)
	}
	if a.CallerARN == "" || a.UserID == "" {
		return fmt.Errorf("account %s has no caller identity", a.ID)
	}
	return nil
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
