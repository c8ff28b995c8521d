// Package iamdeploy puts a policy built in SellerDesk into IAM as a customer
// managed policy and attaches it to a chosen role or user, idempotently: a
// second run with the same document changes nothing, and a changed document
// becomes the policy's new default version.
package iamdeploy

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/sellerdesk/sellerdesk/internal/iampolicy"
)

// IAM is the part of *iam.Client used (so tests can use the sandbox or fakes).
type IAM interface {
	ListRoles(ctx context.Context, in *iam.ListRolesInput, o ...func(*iam.Options)) (*iam.ListRolesOutput, error)
	ListUsers(ctx context.Context, in *iam.ListUsersInput, o ...func(*iam.Options)) (*iam.ListUsersOutput, error)
	GetPolicy(ctx context.Context, in *iam.GetPolicyInput, o ...func(*iam.Options)) (*iam.GetPolicyOutput, error)
	GetPolicyVersion(ctx context.Context, in *iam.GetPolicyVersionInput, o ...func(*iam.Options)) (*iam.GetPolicyVersionOutput, error)
	CreatePolicy(ctx context.Context, in *iam.CreatePolicyInput, o ...func(*iam.Options)) (*iam.CreatePolicyOutput, error)
	CreatePolicyVersion(ctx context.Context, in *iam.CreatePolicyVersionInput, o ...func(*iam.Options)) (*iam.CreatePolicyVersionOutput, error)
	ListPolicyVersions(ctx context.Context, in *iam.ListPolicyVersionsInput, o ...func(*iam.Options)) (*iam.ListPolicyVersionsOutput, error)
	DeletePolicyVersion(ctx context.Context, in *iam.DeletePolicyVersionInput, o ...func(*iam.Options)) (*iam.DeletePolicyVersionOutput, error)
	AttachRolePolicy(ctx context.Context, in *iam.AttachRolePolicyInput, o ...func(*iam.Options)) (*iam.AttachRolePolicyOutput, error)
	AttachUserPolicy(ctx context.Context, in *iam.AttachUserPolicyInput, o ...func(*iam.Options)) (*iam.AttachUserPolicyOutput, error)
	ListAttachedRolePolicies(ctx context.Context, in *iam.ListAttachedRolePoliciesInput, o ...func(*iam.Options)) (*iam.ListAttachedRolePoliciesOutput, error)
	ListAttachedUserPolicies(ctx context.Context, in *iam.ListAttachedUserPoliciesInput, o ...func(*iam.Options)) (*iam.ListAttachedUserPoliciesOutput, error)
}

// Principal is a role or user a policy can be attached to.
type Principal struct {
	Kind string `json:"kind"` // "role" or "user"
	Name string `json:"name"`
	ARN  string `json:"arn"`
}

// Principal kinds.
const (
	KindRole = "role"
	KindUser = "user"
)

// Result is what Deploy did.
type Result struct {
	PolicyARN    string `json:"policyArn"`
	Action       string `json:"action"`       // "created", "updated" (new default version), "already in place"
	AttachedTo   string `json:"attachedTo"`   // principal ARN or ""
	AttachAction string `json:"attachAction"` // "attached", "already attached", ""
	Message      string `json:"message"`      // one plain sentence for the UI
}

// Result actions.
const (
	ActionCreated         = "created"
	ActionUpdated         = "updated"
	ActionInPlace         = "already in place"
	AttachActionAttached  = "attached"
	AttachActionAlready   = "already attached"
	serviceLinkedRolePath = "/aws-service-role/"
)

// IAM's limits that Deploy checks before calling it.
const (
	// MaxPolicySize is the PolicySize quota: characters of a managed policy
	// document, whitespace not counted.
	MaxPolicySize = 6144
	// MaxPolicyVersions is how many versions a managed policy can have.
	MaxPolicyVersions = 5
)

var (
	accountRE       = regexp.MustCompile(`^[0-9]{12}$`)
	nameCharRE      = regexp.MustCompile(`^[\w+=,.@-]+$`)
	badNameCharRE   = regexp.MustCompile(`[^\w+=,.@-]`)
	maxNameLen      = map[string]int{"policy": 128, KindRole: 64, KindUser: 64}
	allowedNameHint = "use only letters, digits and + = , . @ _ -"
)

// Principals lists the account's roles and users (all pages), sorted by kind
// then name, leaving out service-linked roles (path /aws-service-role/):
// AWS services own those and IAM refuses to attach policies to them.
func Principals(ctx context.Context, c IAM) ([]Principal, error) {
	out := []Principal{}
	roles := iam.NewListRolesPaginator(c, &iam.ListRolesInput{})
	for roles.HasMorePages() {
		page, err := roles.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("listing IAM roles: %w", err)
		}
		for _, r := range page.Roles {
			if strings.HasPrefix(aws.ToString(r.Path), serviceLinkedRolePath) {
				continue
			}
			out = append(out, Principal{Kind: KindRole, Name: aws.ToString(r.RoleName), ARN: aws.ToString(r.Arn)})
		}
	}
	users := iam.NewListUsersPaginator(c, &iam.ListUsersInput{})
	for users.HasMorePages() {
		page, err := users.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("listing IAM users: %w", err)
		}
		for _, u := range page.Users {
			out = append(out, Principal{Kind: KindUser, Name: aws.ToString(u.UserName), ARN: aws.ToString(u.Arn)})
		}
	}
	slices.SortFunc(out, func(a, b Principal) int {
		if a.Kind != b.Kind {
			return strings.Compare(a.Kind, b.Kind)
		}
		return strings.Compare(a.Name, b.Name)
	})
	return out, nil
}

// Deploy creates customer managed policy name in account with document doc
// (or, when it exists with a different document, adds a new default version,
// deleting the oldest non-default version first if there are 5), then
// attaches it to to when to != nil. Idempotent. It validates name (1–128,
// [\w+=,.@-]), account (12 digits), the principal, and the document (valid
// JSON, ≤ 6144 non-whitespace characters) before any call, with errors naming
// the problem and the next step.
//
// When the policy was put in place but attaching failed, the Result describes
// the policy and the error the attachment.
func Deploy(ctx context.Context, c IAM, account, name string, doc []byte, to *Principal) (Result, error) {
	if err := validate(account, name, doc, to); err != nil {
		return Result{}, err
	}
	res := Result{PolicyARN: "arn:aws:iam::" + account + ":policy/" + name}
	var newVersion, deleted string
	got, err := c.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: aws.String(res.PolicyARN)})
	switch {
	case isNoSuchEntity(err):
		out, err := c.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String(name), PolicyDocument: aws.String(string(doc)),
			Description: aws.String("Created with SellerDesk's policy builder")})
		var exists *iamtypes.EntityAlreadyExistsException
		if errors.As(err, &exists) {
			// Policy names are unique in the account whatever the path, and
			// Deploy only manages policies on the root path.
			return Result{}, fmt.Errorf("creating policy %s: a policy of that name already exists on another path in account %s; choose another name: %w", name, account, err)
		}
		if err != nil {
			return Result{}, fmt.Errorf("creating policy %s: %w", name, err)
		}
		res.PolicyARN, res.Action = aws.ToString(out.Policy.Arn), ActionCreated
	case err != nil:
		return Result{}, fmt.Errorf("reading policy %s: %w", res.PolicyARN, err)
	default:
		v, err := c.GetPolicyVersion(ctx, &iam.GetPolicyVersionInput{PolicyArn: got.Policy.Arn, VersionId: got.Policy.DefaultVersionId})
		if err != nil {
			return Result{}, fmt.Errorf("reading the default version of policy %s: %w", res.PolicyARN, err)
		}
		if iampolicy.Same(aws.ToString(v.PolicyVersion.Document), string(doc)) {
			res.Action = ActionInPlace
			break
		}
		if newVersion, deleted, err = NewDefaultVersion(ctx, c, res.PolicyARN, doc); err != nil {
			return Result{}, fmt.Errorf("updating policy %s: %w", name, err)
		}
		res.Action = ActionUpdated
	}
	if to != nil {
		if err := attach(ctx, c, account, res.PolicyARN, to, &res); err != nil {
			res.Message = policySentence(res, name, newVersion, deleted) + ", but attaching it failed."
			return res, err
		}
	}
	res.Message = message(res, name, to, newVersion, deleted)
	return res, nil
}

// validate checks Deploy's input so that nothing is sent that IAM would refuse.
func validate(account, name string, doc []byte, to *Principal) error {
	if !accountRE.MatchString(account) {
		return fmt.Errorf("account %q is not a 12-digit AWS account ID; connect to the account first (the ID comes from the connection's identity)", account)
	}
	if err := validateName("policy", name); err != nil {
		return err
	}
	if to != nil {
		if to.Kind != KindRole && to.Kind != KindUser {
			return fmt.Errorf("cannot attach the policy to a %q: choose a role or a user from the list", to.Kind)
		}
		if err := validateName(to.Kind, to.Name); err != nil {
			return err
		}
	}
	return validateDocument(doc)
}

func validateName(kind, name string) error {
	limit := maxNameLen[kind]
	switch {
	case name == "":
		return fmt.Errorf("the %s name is empty; enter 1 to %d characters (%s)", kind, limit, allowedNameHint)
	case len(name) > limit:
		return fmt.Errorf("the %s name is %d characters long; IAM allows at most %d, so shorten it", kind, len(name), limit)
	case !nameCharRE.MatchString(name):
		return fmt.Errorf("the %s name %q contains %q, which IAM does not allow; %s", kind, name, badNameCharRE.FindString(name), allowedNameHint)
	}
	return nil
}

func validateDocument(doc []byte) error {
	var v any
	if err := json.Unmarshal(doc, &v); err != nil {
		return fmt.Errorf("the policy document is not valid JSON (%w); fix it in the editor, then create the policy", err)
	}
	m, ok := v.(map[string]any)
	if !ok {
		return errors.New(`the policy document must be a JSON object with "Version" and "Statement"; rebuild it with the policy builder`)
	}
	if _, ok := m["Statement"]; !ok {
		return errors.New(`the policy document has no "Statement"; add at least one statement`)
	}
	if _, ok := m["Version"]; !ok {
		return errors.New(`the policy document has no "Version"; add "Version": "2012-10-17" (IAM refuses managed policies without it)`)
	}
	if n := policySize(doc); n > MaxPolicySize {
		return fmt.Errorf("the policy document has %d characters (whitespace not counted); IAM allows at most %d in a managed policy, so remove statements or split it into two policies", n, MaxPolicySize)
	}
	return nil
}

// policySize counts a document's characters the way IAM's PolicySize quota
// does: without whitespace.
func policySize(doc []byte) int {
	n := 0
	for _, r := range string(doc) {
		if !unicode.IsSpace(r) {
			n++
		}
	}
	return n
}

// attach attaches the policy to the principal unless it already is, and
// records what happened in res.
func attach(ctx context.Context, c IAM, account, policyARN string, to *Principal, res *Result) error {
	res.AttachedTo = to.ARN
	if res.AttachedTo == "" {
		res.AttachedTo = "arn:aws:iam::" + account + ":" + to.Kind + "/" + to.Name
	}
	already, err := isAttached(ctx, c, policyARN, to)
	if err != nil {
		return principalError(err, "reading the policies attached to", to, account)
	}
	if already {
		res.AttachAction = AttachActionAlready
		return nil
	}
	if to.Kind == KindRole {
		_, err = c.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: aws.String(to.Name), PolicyArn: aws.String(policyARN)})
	} else {
		_, err = c.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String(to.Name), PolicyArn: aws.String(policyARN)})
	}
	if err != nil {
		return principalError(err, "attaching the policy to", to, account)
	}
	res.AttachAction = AttachActionAttached
	return nil
}

// isAttached reads every page of the principal's attached policies.
func isAttached(ctx context.Context, c IAM, policyARN string, to *Principal) (bool, error) {
	var arns []string
	if to.Kind == KindRole {
		p := iam.NewListAttachedRolePoliciesPaginator(c, &iam.ListAttachedRolePoliciesInput{RoleName: aws.String(to.Name)})
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				return false, err
			}
			for _, a := range page.AttachedPolicies {
				arns = append(arns, aws.ToString(a.PolicyArn))
			}
		}
	} else {
		p := iam.NewListAttachedUserPoliciesPaginator(c, &iam.ListAttachedUserPoliciesInput{UserName: aws.String(to.Name)})
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				return false, err
			}
			for _, a := range page.AttachedPolicies {
				arns = append(arns, aws.ToString(a.PolicyArn))
			}
		}
	}
	return slices.Contains(arns, policyARN), nil
}

// principalError explains the IAM errors a user can act on.
func principalError(err error, doing string, to *Principal, account string) error {
	var limit *iamtypes.LimitExceededException
	switch {
	case isNoSuchEntity(err):
		return fmt.Errorf("%s %s %s: it does not exist in account %s (it may have been deleted); refresh the list of roles and users and choose again: %w",
			doing, to.Kind, to.Name, account, err)
	case errors.As(err, &limit):
		return fmt.Errorf("%s %s %s: it already has as many managed policies attached as IAM allows; detach one in the IAM console or choose another %s: %w",
			doing, to.Kind, to.Name, to.Kind, err)
	}
	return fmt.Errorf("%s %s %s: %w", doing, to.Kind, to.Name, err)
}

// policySentence is the first part of the result's message: what happened to
// the policy.
func policySentence(r Result, name, newVersion, deleted string) string {
	switch r.Action {
	case ActionCreated:
		return "Created policy " + name
	case ActionUpdated:
		s := "Updated policy " + name + " (version " + newVersion + " is now the default"
		if deleted != "" {
			s += "; its oldest version, " + deleted + ", was deleted to stay within IAM's five versions"
		}
		return s + ")"
	default:
		return "Policy " + name + " is already in place"
	}
}

func message(r Result, name string, to *Principal, newVersion, deleted string) string {
	s := policySentence(r, name, newVersion, deleted)
	if to == nil {
		if r.Action == ActionInPlace {
			return s + "; nothing changed."
		}
		return s + "."
	}
	who := to.Kind + " " + to.Name
	switch {
	case r.Action == ActionInPlace && r.AttachAction == AttachActionAlready:
		return s + " and attached to " + who + "; nothing changed."
	case r.AttachAction == AttachActionAlready:
		return s + "; it was already attached to " + who + "."
	case r.Action == ActionInPlace:
		return s + "; attached it to " + who + "."
	default:
		return s + " and attached it to " + who + "."
	}
}

func isNoSuchEntity(err error) bool {
	var nse *iamtypes.NoSuchEntityException
	return errors.As(err, &nse)
}
