package awsconn

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/config"
)

// writeManyProfiles writes a config file of n profiles with static keys.
func writeManyProfiles(tb testing.TB, n int) Files {
	tb.Helper()
	var sb strings.Builder
	sb.WriteString("[default]\nregion = us-east-1\n")
	for i := range n {
		fmt.Fprintf(&sb, "[profile p%d]\nregion = us-west-2\naws_access_key_id = AKIDEXAMPLE%d\naws_secret_access_key = secret%d\n", i, i, i)
	}
	dir := tb.TempDir()
	f := Files{Config: filepath.Join(dir, "config"), Credentials: filepath.Join(dir, "credentials")}
	if err := os.WriteFile(f.Config, []byte(sb.String()), 0o600); err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(f.Credentials, nil, 0o600); err != nil {
		tb.Fatal(err)
	}
	return f
}

// BenchmarkProfiles100k is our own parse of 100,000 profiles.
func BenchmarkProfiles100k(b *testing.B) {
	f := writeManyProfiles(b, 100_000)
	b.ResetTimer()
	for b.Loop() {
		ps, err := ListProfiles(f)
		if err != nil || len(ps) != 100_001 {
			b.Fatalf("%d profiles, %v", len(ps), err)
		}
	}
}

// BenchmarkSDKLoad100k is the SDK's own parse of the same file
// (config.LoadDefaultConfig reading it with WithSharedConfigFiles).
func BenchmarkSDKLoad100k(b *testing.B) {
	f := writeManyProfiles(b, 100_000)
	b.ResetTimer()
	for b.Loop() {
		_, err := config.LoadDefaultConfig(context.Background(),
			config.WithSharedConfigFiles([]string{f.Config}),
			config.WithSharedCredentialsFiles([]string{f.Credentials}),
			config.WithSharedConfigProfile("p50000"))
		if err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLoad100k is Load for one profile of that file, end to end.
func BenchmarkLoad100k(b *testing.B) {
	f := writeManyProfiles(b, 100_000)
	b.ResetTimer()
	for b.Loop() {
		if _, err := Load(context.Background(), Target{Profile: "p50000"}, LoadOptions{Files: f}); err != nil {
			b.Fatal(err)
		}
	}
}
