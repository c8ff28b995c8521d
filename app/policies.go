package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/sellerdesk/sellerdesk/internal/iamdeploy"
	"github.com/sellerdesk/sellerdesk/internal/policy"
	"github.com/sellerdesk/sellerdesk/internal/resale"
	"github.com/sellerdesk/sellerdesk/internal/session"
)

// PatternView is one policy pattern of the guide, and which form fields it
// uses.
type PatternView struct {
	ID             string   `json:"id"`
	Description    string   `json:"description"`
	UsesEntities   bool     `json:"usesEntities"`
	UsesTypes      bool     `json:"usesChangeTypes"`
	UsesTag        bool     `json:"usesTag"`
	DefaultActions []string `json:"defaultActions"`
}

// PolicyRequest is the builder form.
type PolicyRequest struct {
	Pattern     string   `json:"pattern"`
	Account     string   `json:"account"`
	EntityARNs  []string `json:"entityArns"`
	ChangeTypes []string `json:"changeTypes"`
	TagKey      string   `json:"tagKey"`
	TagValue    string   `json:"tagValue"`
	Actions     []string `json:"actions"`
}

// FindingView is one rule of the guide a policy breaks.
type FindingView struct {
	Rule      string `json:"rule"`
	Severity  string `json:"severity"` // error, warning, info
	Statement int    `json:"statement"`
	Sid       string `json:"sid"`
	Message   string `json:"message"`
	Fix       string `json:"fix"`
}

// LintView is the lint of a policy document.
type LintView struct {
	Findings  []FindingView `json:"findings"`
	HasErrors bool          `json:"hasErrors"`
	// ParseError is set when the text is not a policy document at all.
	ParseError string `json:"parseError"`
}

// BuiltPolicy is a generated policy and its lint.
type BuiltPolicy struct {
	JSON string   `json:"json"`
	Lint LintView `json:"lint"`
}

// AdviceView is one AWS managed policy the guide recommends.
type AdviceView struct {
	Name    string `json:"name"`
	ARN     string `json:"arn"`
	Purpose string `json:"purpose"`
}

// ResaleView is the outcome of putting the resale role in place.
type ResaleView struct {
	Report  resale.Report `json:"report"`
	InPlace bool          `json:"inPlace"`
	Message string        `json:"message"`
}

// Policies is the bound service for the Catalog API access policies: the
// builder, the lint, creating a policy in IAM, and the resale role.
type Policies struct {
	life  *lifetime  // shared; stopped by Services.Close
	where *targetNow // shared: the target the error words are for
	mgr   *session.Manager
	p     Platform
	log   *slog.Logger
}

// NewPolicies wires the service.
func NewPolicies(mgr *session.Manager, p Platform, log *slog.Logger) *Policies {
	return &Policies{mgr: mgr, p: p, log: log}
}

// Patterns lists the guide's policy patterns in its order.
func (s *Policies) Patterns() []PatternView {
	var out []PatternView
	for _, p := range policy.Patterns() {
		e, t, g := p.Uses()
		out = append(out, PatternView{ID: string(p), Description: p.Description(), UsesEntities: e, UsesTypes: t, UsesTag: g, DefaultActions: p.DefaultActions()})
	}
	return out
}

// Account is the account ID of the current target, for the form's default.
func (s *Policies) Account() string {
	tgt, _, err := s.mgr.Current()
	if err != nil {
		return ""
	}
	if id, ok := s.mgr.CachedIdentity(s.life.context(), tgt); ok {
		return id.Account
	}
	return ""
}

// Build generates the pattern's policy; errors name the offending value.
func (s *Policies) Build(req PolicyRequest) (BuiltPolicy, error) {
	pat, err := policy.ParsePattern(req.Pattern)
	if err != nil {
		return BuiltPolicy{Lint: emptyLint()}, err
	}
	doc, err := policy.Build(pat, policy.Options{Account: strings.TrimSpace(req.Account), EntityARNs: trimAll(req.EntityARNs),
		ChangeTypes: trimAll(req.ChangeTypes), TagKey: req.TagKey, TagValue: req.TagValue, Actions: trimAll(req.Actions)})
	if err != nil {
		return BuiltPolicy{Lint: emptyLint()}, err
	}
	raw, err := doc.JSON()
	if err != nil {
		return BuiltPolicy{Lint: emptyLint()}, fmt.Errorf("encoding the policy: %w", err)
	}
	return BuiltPolicy{JSON: string(raw), Lint: lintView(policy.LintDocument(doc))}, nil
}

func trimAll(in []string) []string {
	var out []string
	for _, s := range in {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

func emptyLint() LintView { return LintView{Findings: []FindingView{}} }

func lintView(fs []policy.Finding) LintView {
	v := emptyLint()
	for _, f := range fs {
		v.Findings = append(v.Findings, FindingView{Rule: f.Rule, Severity: f.Severity, Statement: f.Statement, Sid: f.Sid, Message: f.Message, Fix: f.Fix})
	}
	v.HasErrors = policy.HasErrors(fs)
	return v
}

// Lint explains each rule of the guide a (hand-edited) policy breaks.
func (s *Policies) Lint(doc string) LintView {
	fs, err := policy.Lint([]byte(doc))
	if err != nil {
		v := emptyLint()
		v.ParseError, v.HasErrors = err.Error(), true
		return v
	}
	return lintView(fs)
}

// ManagedPolicies is the guide's advice on AWS managed policies.
func (s *Policies) ManagedPolicies() []AdviceView {
	var out []AdviceView
	for _, a := range policy.ManagedPolicyAdvice() {
		out = append(out, AdviceView{Name: a.Name, ARN: a.ARN, Purpose: a.Purpose})
	}
	return out
}

// SavePolicy asks where to save the document and writes it there; it
// returns the path, or "" when the user cancelled.
func (s *Policies) SavePolicy(doc, suggestedName string) (string, error) {
	if _, err := policy.Parse([]byte(doc)); err != nil {
		return "", fmt.Errorf("not saved: %w", err)
	}
	name := strings.TrimSpace(suggestedName)
	if name == "" {
		name = "catalog-policy"
	}
	if !strings.HasSuffix(strings.ToLower(name), ".json") {
		name += ".json"
	}
	path, err := s.p.SaveFile("Save the policy", name)
	if err != nil || path == "" {
		return "", err
	}
	// Write beside and rename, so a failure never leaves half a file.
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, []byte(doc+"\n"), 0o644); err != nil {
		return "", fmt.Errorf("saving the policy to %s: %w", filepath.Dir(path), err)
	}
	if err := os.Rename(tmp, path); err != nil {
		_ = os.Remove(tmp)
		return "", fmt.Errorf("saving the policy as %s: %w", path, err)
	}
	return path, nil
}

func (s *Policies) iamClient() (*iam.Client, string, error) {
	tgt, cfg, err := s.mgr.Current()
	if err != nil {
		return nil, "", err
	}
	ctx, cancel := context.WithTimeout(s.life.context(), 30*time.Second)
	defer cancel()
	var account string
	if id, ok := s.mgr.CachedIdentity(ctx, tgt); ok {
		account = id.Account
	} else if id, err := s.mgr.WhoAmI(ctx); err == nil {
		account = id.Account
	} else {
		return nil, "", fmt.Errorf("finding the account to work in: %w", err)
	}
	return iam.NewFromConfig(cfg), account, nil
}

// Principals lists the account's roles and users to attach a policy to.
func (s *Policies) Principals() ([]iamdeploy.Principal, error) {
	c, _, err := s.iamClient()
	if err != nil {
		return []iamdeploy.Principal{}, err
	}
	ctx, cancel := context.WithTimeout(s.life.context(), time.Minute)
	defer cancel()
	ps, err := iamdeploy.Principals(ctx, c)
	if err != nil {
		return []iamdeploy.Principal{}, fmt.Errorf("listing roles and users: %w", err)
	}
	if ps == nil {
		ps = []iamdeploy.Principal{}
	}
	return ps, nil
}

// CreatePolicy creates (or updates) the customer managed policy name with
// doc in IAM, and attaches it to attachTo when given. A document the lint
// finds errors in is refused: it would not work as the guide says.
func (s *Policies) CreatePolicy(name, doc string, attachTo *iamdeploy.Principal) (iamdeploy.Result, error) {
	if l := s.Lint(doc); l.HasErrors {
		if l.ParseError != "" {
			return iamdeploy.Result{}, errors.New(l.ParseError)
		}
		return iamdeploy.Result{}, fmt.Errorf("the policy breaks %d rule(s) of the guide (see the lint); fix them before creating it", countErrors(l))
	}
	c, account, err := s.iamClient()
	if err != nil {
		return iamdeploy.Result{}, err
	}
	ctx, cancel := context.WithTimeout(s.life.context(), time.Minute)
	defer cancel()
	return iamdeploy.Deploy(ctx, c, account, strings.TrimSpace(name), []byte(doc), attachTo)
}

func countErrors(l LintView) int {
	n := 0
	for _, f := range l.Findings {
		if f.Severity == policy.SeverityError {
			n++
		}
	}
	return n
}

// ResaleSteps are the ten console steps EnsureResaleRole replaces.
func (s *Policies) ResaleSteps() []string { return policy.ResaleConsoleSteps() }

// ResalePolicy is the guide's FullResaleAuthorizationAccess policy and trust policy.
func (s *Policies) ResalePolicy() (map[string]string, error) {
	p, err := policy.ResaleAuthorizationPolicy().JSON()
	if err != nil {
		return nil, err
	}
	t, err := policy.ResaleAuthorizationTrust().JSON()
	if err != nil {
		return nil, err
	}
	return map[string]string{"policy": string(p), "trust": string(t)}, nil
}

// EnsureResaleRole creates the resale role and policy, or reports them
// already in place, or repairs what drifted.
func (s *Policies) EnsureResaleRole() (ResaleView, error) {
	c, account, err := s.iamClient()
	if err != nil {
		return ResaleView{}, err
	}
	ctx, cancel := context.WithTimeout(s.life.context(), time.Minute)
	defer cancel()
	rep, err := resale.Ensure(ctx, c, account)
	if err != nil {
		return ResaleView{Report: rep}, fmt.Errorf("putting the resale authorization role in place: %w", err)
	}
	v := ResaleView{Report: rep, InPlace: rep.InPlace()}
	if v.Report.Steps == nil {
		v.Report.Steps = []resale.Step{}
	}
	if v.InPlace {
		v.Message = "Already in place: the role and its policy match the guide."
	} else {
		v.Message = "Done: the role and its policy now match the guide."
	}
	return v, nil
}
