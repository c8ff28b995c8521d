package policy

import (
	"fmt"
	"strings"
)

// Pattern names one policy example of the guide.
type Pattern string

// The guide's patterns.
const (
	// AllResources: StartChangeSet on "*" ("Allowing actions on all resources").
	AllResources Pattern = "all-resources"
	// Entities: StartChangeSet on specific entity ARNs plus AWSMarketplace/ChangeSet/*.
	Entities Pattern = "entities"
	// ChangeType: Entities plus a StringEquals catalog:ChangeType condition.
	ChangeType Pattern = "change-type"
	// DescribeByTag: DescribeEntity on "*" under an aws:ResourceTag condition.
	DescribeByTag Pattern = "describe-by-tag"
	// ChangeSetsByTag: DescribeChangeSet + CancelChangeSet under a tag condition.
	ChangeSetsByTag Pattern = "changesets-by-tag"
	// StartByTag: StartChangeSet + TagResource under a tag condition.
	StartByTag Pattern = "start-by-tag"
	// ManageTags: TagResource, UntagResource, ListTagsForResource on "*".
	ManageTags Pattern = "manage-tags"
	// ManageTagsByTag: ManageTags under a tag condition.
	ManageTagsByTag Pattern = "manage-tags-by-tag"
	// EnforceTagsOnCreate: StartChangeSet + TagResource under a tag condition
	// ("Granting permission to create entities and change sets only with tags").
	EnforceTagsOnCreate Pattern = "enforce-tags-on-create"
)

type patternSpec struct {
	desc     string
	actions  []string // default actions, without prefix
	entities bool     // uses EntityARNs (+ ChangeSet/*)
	types    bool     // uses ChangeTypes
	tag      bool     // uses TagKey/TagValue
}

var patterns = map[Pattern]patternSpec{
	AllResources:        {desc: "StartChangeSet on all resources", actions: []string{"StartChangeSet"}},
	Entities:            {desc: "StartChangeSet on specific entities (plus AWSMarketplace/ChangeSet/*)", actions: []string{"StartChangeSet"}, entities: true},
	ChangeType:          {desc: "StartChangeSet on specific entities, only for the given change types", actions: []string{"StartChangeSet"}, entities: true, types: true},
	DescribeByTag:       {desc: "DescribeEntity on entities carrying a tag", actions: []string{"DescribeEntity"}, tag: true},
	ChangeSetsByTag:     {desc: "DescribeChangeSet and CancelChangeSet on change sets carrying a tag", actions: []string{"DescribeChangeSet", "CancelChangeSet"}, tag: true},
	StartByTag:          {desc: "StartChangeSet (with TagResource) on entities carrying a tag", actions: []string{"StartChangeSet", "TagResource"}, tag: true},
	ManageTags:          {desc: "add, remove and list tags on all entities and change sets", actions: []string{"TagResource", "UntagResource", "ListTagsForResource"}},
	ManageTagsByTag:     {desc: "add, remove and list tags on resources carrying a tag", actions: []string{"TagResource", "UntagResource", "ListTagsForResource"}, tag: true},
	EnforceTagsOnCreate: {desc: "create entities and change sets only with a tag", actions: []string{"StartChangeSet", "TagResource"}, tag: true},
}

// Patterns returns every pattern in the guide's order.
func Patterns() []Pattern {
	return []Pattern{AllResources, Entities, ChangeType, DescribeByTag, ChangeSetsByTag, StartByTag, ManageTags, ManageTagsByTag, EnforceTagsOnCreate}
}

// Description returns a one-line description of the pattern.
func (p Pattern) Description() string { return patterns[p].desc }

// Uses tells which Options the pattern reads, so a form shows only those.
func (p Pattern) Uses() (entityARNs, changeTypes, tag bool) {
	s := patterns[p]
	return s.entities, s.types, s.tag
}

// DefaultActions are the actions the pattern grants when Options.Actions is empty.
func (p Pattern) DefaultActions() []string {
	return append([]string(nil), patterns[p].actions...)
}

// ParsePattern returns the pattern named s, or an error listing the valid names.
func ParsePattern(s string) (Pattern, error) {
	p := Pattern(strings.ToLower(strings.TrimSpace(s)))
	if _, ok := patterns[p]; ok {
		return p, nil
	}
	names := make([]string, 0, len(patterns))
	for _, q := range Patterns() {
		names = append(names, string(q))
	}
	return "", fmt.Errorf("policy: unknown pattern %q (want one of %s)", s, strings.Join(names, ", "))
}

// Options parameterise Build. Each pattern uses only some of them; setting
// one the pattern does not use is an error, so that nothing is silently dropped.
type Options struct {
	// Account is the seller's 12-digit account ID. For entities/change-type it
	// is optional when it can be taken from EntityARNs; if set, every entity
	// ARN must be in it.
	Account string
	// EntityARNs for entities/change-type:
	// arn:aws:aws-marketplace:us-east-1:<account>:AWSMarketplace/<EntityType>/<id>.
	EntityARNs []string
	// ChangeTypes for change-type, e.g. UpdateInformation. One is emitted as
	// a string (as in the guide), several as an array.
	ChangeTypes []string
	// TagKey / TagValue for the *-by-tag patterns and enforce-tags-on-create.
	TagKey, TagValue string
	// Actions, if set, replaces the pattern's default actions. Names may omit
	// the aws-marketplace: prefix and must be Catalog API actions. Under a tag
	// condition TagResource is added whenever StartChangeSet is present;
	// change-type allows only StartChangeSet (catalog:ChangeType exists only
	// in StartChangeSet requests).
	Actions []string
}

// Build returns the policy for pattern p. Errors name the offending value.
func Build(p Pattern, o Options) (Document, error) {
	spec, ok := patterns[p]
	if !ok {
		_, err := ParsePattern(string(p))
		return Document{}, err
	}
	if err := checkUnused(p, spec, o); err != nil {
		return Document{}, err
	}
	actions, err := buildActions(p, spec, o.Actions)
	if err != nil {
		return Document{}, err
	}
	st := Statement{Effect: "Allow", Action: actions, Resource: []string{"*"}, ResourceAsString: true}

	if o.Account != "" {
		if err := ValidateAccount(o.Account); err != nil {
			return Document{}, fmt.Errorf("policy: %w", err)
		}
	}
	if spec.entities {
		res, err := entityResources(o)
		if err != nil {
			return Document{}, err
		}
		st.Resource, st.ResourceAsString = res, false
	}
	if spec.types {
		v, err := changeTypeValue(o.ChangeTypes)
		if err != nil {
			return Document{}, err
		}
		st.Condition = map[string]map[string]any{"StringEquals": {"catalog:ChangeType": v}}
	}
	if spec.tag {
		if err := ValidateTagKey(o.TagKey); err != nil {
			return Document{}, fmt.Errorf("policy: %w", err)
		}
		if err := ValidateTagValue(o.TagValue); err != nil {
			return Document{}, fmt.Errorf("policy: %w", err)
		}
		st.Condition = map[string]map[string]any{"StringEquals": {"aws:ResourceTag/" + o.TagKey: o.TagValue}}
	}
	return Document{Version: Version, Statement: []Statement{st}}, nil
}

func checkUnused(p Pattern, spec patternSpec, o Options) error {
	var unused []string
	if !spec.entities && len(o.EntityARNs) > 0 {
		unused = append(unused, fmt.Sprintf("EntityARNs %q", o.EntityARNs))
	}
	if !spec.types && len(o.ChangeTypes) > 0 {
		unused = append(unused, fmt.Sprintf("ChangeTypes %q", o.ChangeTypes))
	}
	if !spec.tag && (o.TagKey != "" || o.TagValue != "") {
		unused = append(unused, fmt.Sprintf("TagKey/TagValue %q=%q", o.TagKey, o.TagValue))
	}
	if len(unused) > 0 {
		return fmt.Errorf("policy: pattern %s does not use %s", p, strings.Join(unused, ", "))
	}
	return nil
}

func buildActions(p Pattern, spec patternSpec, given []string) ([]string, error) {
	var out []string
	seen := map[string]bool{}
	add := func(a string) {
		if !seen[a] {
			seen[a] = true
			out = append(out, a)
		}
	}
	if len(given) == 0 {
		for _, a := range spec.actions {
			add(ActionPrefix + a)
		}
		return out, nil
	}
	for _, a := range given {
		n, err := NormalizeAction(strings.TrimSpace(a))
		if err != nil {
			return nil, fmt.Errorf("policy: %w", err)
		}
		if spec.types && n != ActionPrefix+"StartChangeSet" {
			return nil, fmt.Errorf("policy: action %q cannot be used with pattern %s: catalog:ChangeType only exists in StartChangeSet requests", a, p)
		}
		add(n)
	}
	if spec.tag && seen[ActionPrefix+"StartChangeSet"] {
		// The guide: a StartChangeSet under a tag condition must come with TagResource.
		add(ActionPrefix + "TagResource")
	}
	return out, nil
}

func entityResources(o Options) ([]string, error) {
	if len(o.EntityARNs) == 0 {
		return nil, fmt.Errorf("policy: at least one entity ARN is needed (arn:aws:aws-marketplace:us-east-1:<account>:AWSMarketplace/<EntityType>/<id>)")
	}
	account := o.Account
	var out []string
	seen := map[string]bool{}
	for _, raw := range o.EntityARNs {
		arn := strings.TrimSpace(raw)
		e, err := ParseEntityARN(arn)
		if err != nil {
			return nil, fmt.Errorf("policy: %w", err)
		}
		switch {
		case account == "":
			account = e.Account
		case e.Account != account:
			if o.Account != "" {
				return nil, fmt.Errorf("policy: entity ARN %q is in account %s, not in account %s", arn, e.Account, o.Account)
			}
			return nil, fmt.Errorf("policy: entity ARN %q is in account %s while earlier ARNs are in %s: build one policy per account", arn, e.Account, account)
		}
		if !seen[arn] {
			seen[arn] = true
			out = append(out, arn)
		}
	}
	return append(out, ChangeSetWildcardARN(account)), nil
}

func changeTypeValue(types []string) (any, error) {
	if len(types) == 0 {
		return nil, fmt.Errorf("policy: at least one change type is needed (for example UpdateInformation)")
	}
	var out []string
	seen := map[string]bool{}
	for _, t := range types {
		t = strings.TrimSpace(t)
		if !changeTypeRE.MatchString(t) {
			return nil, fmt.Errorf("policy: change type %q is not a change type name (letters and digits, for example UpdateInformation)", t)
		}
		if !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	if len(out) == 1 {
		return out[0], nil
	}
	return out, nil
}

// Advice is one AWS managed policy the guide recommends.
type Advice struct {
	Name    string // policy name
	ARN     string // arn:aws:iam::aws:policy/<Name>
	Purpose string // when to use it
}

// ManagedPolicyAdvice returns the managed policies of "Allowing actions with
// AWS managed policies".
func ManagedPolicyAdvice() []Advice {
	mk := func(name, purpose string) Advice {
		return Advice{Name: name, ARN: "arn:aws:iam::aws:policy/" + name, Purpose: purpose}
	}
	return []Advice{
		mk("AWSMarketplaceSellerFullAccess", "Full access to the AWS Marketplace Catalog API (plus other seller permissions) to work with the products you sell."),
		mk("AWSMarketplaceSellerProductsReadOnly", "Read-only access to the Catalog API for seller products."),
		mk("AWSPrivateMarketplaceAdminFullAccess", "Full access to create and edit the private marketplace of your account or AWS organization."),
	}
}
