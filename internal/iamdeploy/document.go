package iamdeploy

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
)

// VersionWriter is the part of the IAM client NewDefaultVersion uses.
type VersionWriter interface {
	ListPolicyVersions(ctx context.Context, in *iam.ListPolicyVersionsInput, o ...func(*iam.Options)) (*iam.ListPolicyVersionsOutput, error)
	DeletePolicyVersion(ctx context.Context, in *iam.DeletePolicyVersionInput, o ...func(*iam.Options)) (*iam.DeletePolicyVersionOutput, error)
	CreatePolicyVersion(ctx context.Context, in *iam.CreatePolicyVersionInput, o ...func(*iam.Options)) (*iam.CreatePolicyVersionOutput, error)
}

// NewDefaultVersion makes doc the default version of the managed policy
// policyARN. IAM keeps at most MaxPolicyVersions versions, so when the policy
// has that many the oldest non-default version is deleted first. It returns
// the new version's ID and the deleted one's ("" when none was).
func NewDefaultVersion(ctx context.Context, c VersionWriter, policyARN string, doc []byte) (created, deleted string, err error) {
	var versions []iamtypes.PolicyVersion
	p := iam.NewListPolicyVersionsPaginator(c, &iam.ListPolicyVersionsInput{PolicyArn: aws.String(policyARN)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return "", "", fmt.Errorf("listing the versions of policy %s: %w", policyARN, err)
		}
		versions = append(versions, page.Versions...)
	}
	if len(versions) >= MaxPolicyVersions {
		old, ok := oldestNonDefault(versions)
		if !ok {
			return "", "", fmt.Errorf("policy %s has %d versions and none of them can be deleted; delete one in the IAM console", policyARN, len(versions))
		}
		if _, err := c.DeletePolicyVersion(ctx, &iam.DeletePolicyVersionInput{PolicyArn: aws.String(policyARN), VersionId: aws.String(old)}); err != nil {
			return "", "", fmt.Errorf("deleting version %s of policy %s to make room for a new one (IAM keeps at most %d): %w", old, policyARN, MaxPolicyVersions, err)
		}
		deleted = old
	}
	out, err := c.CreatePolicyVersion(ctx, &iam.CreatePolicyVersionInput{PolicyArn: aws.String(policyARN), PolicyDocument: aws.String(string(doc)), SetAsDefault: true})
	if err != nil {
		return "", deleted, fmt.Errorf("adding a new default version to policy %s: %w", policyARN, err)
	}
	return aws.ToString(out.PolicyVersion.VersionId), deleted, nil
}

// oldestNonDefault picks the non-default version created first; version
// numbers break ties (and stand in for missing dates).
func oldestNonDefault(versions []iamtypes.PolicyVersion) (string, bool) {
	var candidates []iamtypes.PolicyVersion
	for _, v := range versions {
		if !v.IsDefaultVersion {
			candidates = append(candidates, v)
		}
	}
	if len(candidates) == 0 {
		return "", false
	}
	oldest := slices.MinFunc(candidates, func(a, b iamtypes.PolicyVersion) int {
		if ta, tb := aws.ToTime(a.CreateDate), aws.ToTime(b.CreateDate); !ta.Equal(tb) {
			return ta.Compare(tb)
		}
		return versionNumber(aws.ToString(a.VersionId)) - versionNumber(aws.ToString(b.VersionId))
	})
	return aws.ToString(oldest.VersionId), true
}

func versionNumber(id string) int {
	n, _ := strconv.Atoi(strings.TrimPrefix(strings.SplitN(id, ".", 2)[0], "v"))
	return n
}
