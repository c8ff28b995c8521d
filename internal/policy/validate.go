package policy

import (
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"
)

// Limits of the Catalog API tag rules (guide, "Add tags to resources").
const (
	MaxTagKeyLen   = 128
	MaxTagValueLen = 256
)

// Region is the only region the Catalog API serves.
const Region = "us-east-1"

// ActionPrefix is the IAM service prefix of the Catalog API actions.
const ActionPrefix = "aws-marketplace:"

// CatalogActions lists the Catalog API's IAM actions (without prefix).
var CatalogActions = []string{
	"ListEntities", "DescribeEntity", "BatchDescribeEntities",
	"StartChangeSet", "DescribeChangeSet", "ListChangeSets", "CancelChangeSet",
	"TagResource", "UntagResource", "ListTagsForResource",
	"PutResourcePolicy", "GetResourcePolicy", "DeleteResourcePolicy",
}

var (
	tagRE        = regexp.MustCompile(`^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$`)
	accountRE    = regexp.MustCompile(`^[0-9]{12}$`)
	changeTypeRE = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9]*$`)
	// arn:aws:aws-marketplace:us-east-1:<12 digits>:AWSMarketplace/<EntityType>/<id>
	entityARNRE = regexp.MustCompile(`^arn:aws:aws-marketplace:us-east-1:([0-9]{12}):AWSMarketplace/([A-Za-z][A-Za-z0-9]*)/([A-Za-z0-9][A-Za-z0-9._@-]*|\*)$`)
)

// ValidateTagKey checks a tag key against the guide's rules: 1–128
// characters matching ^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$.
func ValidateTagKey(k string) error {
	n := utf8.RuneCountInString(k)
	switch {
	case !utf8.ValidString(k):
		return fmt.Errorf("tag key %q is not valid UTF-8", k)
	case n == 0:
		return fmt.Errorf("tag key is empty: a key needs 1–%d characters", MaxTagKeyLen)
	case n > MaxTagKeyLen:
		return fmt.Errorf("tag key %q is %d characters long: at most %d are allowed", k, n, MaxTagKeyLen)
	case !tagRE.MatchString(k):
		return fmt.Errorf("tag key %q contains %q: only letters, digits, spaces and _ . : / = + - @ are allowed", k, firstBadTagRune(k))
	}
	return nil
}

// ValidateTagValue checks a tag value against the guide's rules: 0–256
// characters matching ^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$.
func ValidateTagValue(v string) error {
	n := utf8.RuneCountInString(v)
	switch {
	case !utf8.ValidString(v):
		return fmt.Errorf("tag value %q is not valid UTF-8", v)
	case n > MaxTagValueLen:
		return fmt.Errorf("tag value %q is %d characters long: at most %d are allowed", v, n, MaxTagValueLen)
	case !tagRE.MatchString(v):
		return fmt.Errorf("tag value %q contains %q: only letters, digits, spaces and _ . : / = + - @ are allowed", v, firstBadTagRune(v))
	}
	return nil
}

func firstBadTagRune(s string) string {
	for _, r := range s {
		if !tagRE.MatchString(string(r)) {
			return string(r)
		}
	}
	return ""
}

// ValidateAccount checks an AWS account ID (12 digits).
func ValidateAccount(a string) error {
	if !accountRE.MatchString(a) {
		return fmt.Errorf("account %q is not an AWS account ID (12 digits)", a)
	}
	return nil
}

// EntityARN is a parsed Catalog entity ARN.
type EntityARN struct {
	Account, Type, ID string
}

// ParseEntityARN validates
// arn:aws:aws-marketplace:us-east-1:<12 digits>:AWSMarketplace/<EntityType>/<id>
// (id may be "*" for every entity of the type). ChangeSet ARNs are refused:
// the builder adds AWSMarketplace/ChangeSet/* itself.
func ParseEntityARN(arn string) (EntityARN, error) {
	m := entityARNRE.FindStringSubmatch(arn)
	if m == nil {
		return EntityARN{}, fmt.Errorf("entity ARN %q is malformed: %s", arn, arnProblem(arn))
	}
	if m[2] == "ChangeSet" {
		return EntityARN{}, fmt.Errorf("entity ARN %q is a change set ARN: AWSMarketplace/ChangeSet/* is added automatically", arn)
	}
	return EntityARN{Account: m[1], Type: m[2], ID: m[3]}, nil
}

// CheckResourceARN validates the ARN of a Catalog resource that can carry
// tags: an entity or a change set (AWSMarketplace/ChangeSet/<id>).
func CheckResourceARN(arn string) error {
	if entityARNRE.MatchString(arn) {
		return nil
	}
	return fmt.Errorf("%q is not an AWS Marketplace Catalog ARN: %s", arn, arnProblem(arn))
}

// arnProblem explains why arn does not have the expected entity-ARN shape.
func arnProblem(arn string) string {
	const want = "want arn:aws:aws-marketplace:us-east-1:<12-digit account>:AWSMarketplace/<EntityType>/<id>"
	p := strings.SplitN(arn, ":", 6)
	if len(p) < 6 || p[0] != "arn" {
		return want
	}
	switch {
	case p[1] != "aws":
		return fmt.Sprintf("partition %q is not aws; %s", p[1], want)
	case p[2] != "aws-marketplace":
		return fmt.Sprintf("service %q is not aws-marketplace; %s", p[2], want)
	case p[3] != Region:
		return fmt.Sprintf("region %q: the Catalog API is only in us-east-1", p[3])
	case !accountRE.MatchString(p[4]):
		return fmt.Sprintf("account %q is not 12 digits", p[4])
	case !strings.HasPrefix(p[5], "AWSMarketplace/"):
		return fmt.Sprintf("resource %q does not start with AWSMarketplace/; %s", p[5], want)
	}
	return fmt.Sprintf("resource %q is not AWSMarketplace/<EntityType>/<id>", p[5])
}

// ChangeSetWildcardARN returns arn:aws:aws-marketplace:us-east-1:<account>:AWSMarketplace/ChangeSet/*.
func ChangeSetWildcardARN(account string) string {
	return "arn:aws:aws-marketplace:" + Region + ":" + account + ":AWSMarketplace/ChangeSet/*"
}

// NormalizeAction maps "StartChangeSet" or "aws-marketplace:startchangeset"
// to "aws-marketplace:StartChangeSet"; unknown names give an error
// suggesting the closest Catalog API action.
func NormalizeAction(a string) (string, error) {
	name := a
	if len(name) >= len(ActionPrefix) && strings.EqualFold(name[:len(ActionPrefix)], ActionPrefix) {
		name = name[len(ActionPrefix):]
	}
	for _, k := range CatalogActions {
		if strings.EqualFold(k, name) {
			return ActionPrefix + k, nil
		}
	}
	return "", fmt.Errorf("action %q is not a Catalog API action (did you mean %s?)", a, ActionPrefix+closestAction(name))
}

func closestAction(name string) string {
	best, bestD := "", -1
	for _, k := range CatalogActions {
		d := levenshtein(strings.ToLower(name), strings.ToLower(k))
		if bestD < 0 || d < bestD {
			best, bestD = k, d
		}
	}
	return best
}

func levenshtein(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
