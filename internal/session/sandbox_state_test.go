package session

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/sellerdesk/sellerdesk/internal/awsconn"
	"github.com/sellerdesk/sellerdesk/internal/sandbox"
	"github.com/sellerdesk/sellerdesk/internal/store"
)

// TestSandboxStateKeptInTheFolder: the sandbox of a SellerDesk folder keeps
// each scenario's state beside the store: switching to another scenario
// and back, or a new Manager on the folder (a restart), finds what was made;
// ResetSandbox restores the built-in state.
func TestSandboxStateKeptInTheFolder(t *testing.T) {
	ctx := context.Background()
	folder := t.TempDir()
	st, err := store.Open(ctx, folder)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	files := awsconn.Files{Config: filepath.Join(t.TempDir(), "c"), Credentials: filepath.Join(t.TempDir(), "k")}
	newManager := func() *Manager { return New(Options{Store: st, Files: files, TimeScale: 1000}) }
	hasRole := func(m *Manager) bool {
		_, cfg, err := m.Current()
		if err != nil {
			t.Fatal(err)
		}
		_, err = iam.NewFromConfig(cfg).GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("KeptRole")})
		return err == nil
	}

	m := newManager()
	defer m.Close()
	if err := m.Use(ctx, Target{Kind: KindSandbox, Name: "fresh"}); err != nil {
		t.Fatal(err)
	}
	_, cfg, _ := m.Current()
	if _, err := iam.NewFromConfig(cfg).CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("KeptRole"),
		AssumeRolePolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[]}`)}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(folder, "sandbox", "fresh.json")); err != nil {
		t.Fatalf("no state file in the folder: %v", err)
	}
	if err := m.Use(ctx, Target{Kind: KindSandbox, Name: "rollback"}); err != nil {
		t.Fatal(err)
	}
	if hasRole(m) {
		t.Fatal("rollback has fresh's role")
	}
	if err := m.Use(ctx, Target{Kind: KindSandbox, Name: "fresh"}); err != nil {
		t.Fatal(err)
	}
	if !hasRole(m) {
		t.Fatal("switching to rollback and back lost fresh's state")
	}
	_ = m.Close()

	m2 := newManager()
	defer m2.Close()
	if err := m2.Use(ctx, Target{Kind: KindSandbox, Name: "fresh"}); err != nil {
		t.Fatal(err)
	}
	if !hasRole(m2) {
		t.Fatal("a restart lost fresh's state")
	}
	if err := m2.ResetSandbox("fresh"); err != nil {
		t.Fatal(err)
	}
	if hasRole(m2) {
		t.Fatal("ResetSandbox kept the role")
	}
	if got := m2.Sandbox().StateFile(); got != sandbox.StateFileFor(filepath.Join(folder, "sandbox"), "fresh") {
		t.Errorf("state file %q", got)
	}
}
