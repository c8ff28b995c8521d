package app

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sellerdesk/sellerdesk/internal/iamdeploy"
)

func TestPoliciesBuildLintSave(t *testing.T) {
	p := &RecordingPlatform{SaveDir: t.TempDir()}
	svc, _ := catalogServices(t, "connected", p)
	defer svc.Close()
	s := svc.Policies

	if n := len(s.Patterns()); n != 9 {
		t.Fatalf("%d patterns, want the guide's 9", n)
	}
	if s.Account() != "111122223333" {
		t.Fatalf("account %q", s.Account())
	}
	tests := []struct {
		name    string
		req     PolicyRequest
		wantErr string
		want    []string
	}{
		{"start by tag adds TagResource", PolicyRequest{Pattern: "start-by-tag", TagKey: "product-team", TagValue: "team-xyz"}, "",
			[]string{`"aws-marketplace:StartChangeSet"`, `"aws-marketplace:TagResource"`, `"aws:ResourceTag/product-team": "team-xyz"`}},
		{"entities add the ChangeSet wildcard", PolicyRequest{Pattern: "entities", EntityARNs: []string{"arn:aws:aws-marketplace:us-east-1:111122223333:AWSMarketplace/AmiProduct/prod-1"}}, "",
			[]string{"AWSMarketplace/ChangeSet/*"}},
		{"bad tag key named", PolicyRequest{Pattern: "describe-by-tag", TagKey: "bad#", TagValue: "x"}, "bad#", nil},
		{"unknown pattern", PolicyRequest{Pattern: "nope"}, "unknown pattern", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b, err := s.Build(tc.req)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil || b.Lint.HasErrors {
				t.Fatalf("%v %+v", err, b.Lint)
			}
			for _, w := range tc.want {
				if !strings.Contains(b.JSON, w) {
					t.Errorf("policy lacks %s:\n%s", w, b.JSON)
				}
			}
		})
	}

	good, _ := s.Build(PolicyRequest{Pattern: "start-by-tag", TagKey: "product-team", TagValue: "team-xyz"})
	broken := strings.Replace(good.JSON, `,
        "aws-marketplace:TagResource"`, "", 1)
	if broken == good.JSON {
		broken = strings.Replace(good.JSON, `"aws-marketplace:TagResource"`, `"aws-marketplace:DescribeEntity"`, 1)
	}
	l := s.Lint(broken)
	if !l.HasErrors || len(l.Findings) == 0 || !strings.Contains(l.Findings[0].Message+l.Findings[0].Fix, "TagResource") {
		t.Fatalf("lint of a StartChangeSet without TagResource: %+v", l)
	}
	if g := s.Lint("{not json"); g.ParseError == "" || !g.HasErrors {
		t.Fatalf("lint of garbage: %+v", g)
	}

	path, err := s.SavePolicy(good.JSON, "team-xyz")
	if err != nil || filepath.Base(path) != "team-xyz.json" {
		t.Fatalf("save: %q %v", path, err)
	}
	if raw, _ := os.ReadFile(path); !strings.Contains(string(raw), "product-team") {
		t.Fatalf("saved file: %s", raw)
	}
	if _, err := s.SavePolicy("{oops", "x"); err == nil {
		t.Fatal("an invalid document was saved")
	}
	if _, err := os.Stat(filepath.Join(p.SaveDir, "x.json")); !os.IsNotExist(err) {
		t.Fatal("a file was written for an invalid document")
	}
	if _, err := s.CreatePolicy("Broken", broken, nil); err == nil || !strings.Contains(err.Error(), "rule") {
		t.Fatalf("a policy the lint refuses was created: %v", err)
	}
}

func TestPoliciesCreateAttachAndResaleTwice(t *testing.T) {
	svc, _ := catalogServices(t, "connected", &RecordingPlatform{})
	defer svc.Close()
	s := svc.Policies

	ps, err := s.Principals()
	if err != nil {
		t.Fatal(err)
	}
	var user *iamdeploy.Principal
	for i := range ps {
		if ps[i].Kind == "user" {
			user = &ps[i]
			break
		}
	}
	if user == nil {
		t.Fatalf("no IAM user to attach to among %+v", ps)
	}
	doc, _ := s.Build(PolicyRequest{Pattern: "manage-tags-by-tag", TagKey: "product-team", TagValue: "team-xyz"})
	r, err := s.CreatePolicy("CatalogTagsTeamXyz", doc.JSON, user)
	if err != nil || r.Action != "created" || r.AttachAction != "attached" || r.AttachedTo != user.ARN {
		t.Fatalf("create: %+v %v", r, err)
	}
	r, err = s.CreatePolicy("CatalogTagsTeamXyz", doc.JSON, user)
	if err != nil || r.Action != "already in place" || r.AttachAction != "already attached" {
		t.Fatalf("again: %+v %v", r, err)
	}

	first, err := s.EnsureResaleRole()
	if err != nil || first.InPlace || !strings.HasPrefix(first.Message, "Done") {
		t.Fatalf("first resale run: %+v %v", first, err)
	}
	second, err := s.EnsureResaleRole()
	if err != nil || !second.InPlace || !strings.HasPrefix(second.Message, "Already in place") {
		t.Fatalf("second resale run: %+v %v", second, err)
	}
	if len(s.ResaleSteps()) != 10 {
		t.Fatalf("%d console steps", len(s.ResaleSteps()))
	}
}
