package sandbox

import (
	"strings"
	"testing"
	"testing/fstest"
)

// TestScenarioFiles: a state document with a description is a scenario; the
// scenario starts from it (stack, queue URLs on the new sandbox), and one
// without a description or with a newer schema is refused.
func TestScenarioFiles(t *testing.T) {
	a, err := scenarios["connected"].build()
	if err != nil {
		t.Fatal(err)
	}
	doc := a.Snapshot()
	a.shutdown()
	doc.Description = "The connected seller, from a file."
	b := encodeT(t, doc)
	got, err := loadScenarioFiles(fstest.MapFS{"from-file.json": {Data: b}, "README.md": {Data: []byte("x")}})
	if err != nil {
		t.Fatal(err)
	}
	sc, ok := got["from-file"]
	if !ok || sc.Description != doc.Description || len(got) != 1 {
		t.Fatalf("scenarios %v", got)
	}
	scenarios[sc.Name] = sc
	defer delete(scenarios, sc.Name)
	srv, err := Start(t.Context(), Options{Scenario: sc.Name, TimeScale: 1000})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	st, ok := srv.Account().Stack(OnboardingStackName)
	if !ok || st.Status != "CREATE_COMPLETE" || srv.Scenario() != "from-file" {
		t.Fatalf("stack %v %s, scenario %s", ok, st.Status, srv.Scenario())
	}
	if q := srv.Account().Queues(); len(q) == 0 || !strings.HasPrefix(q[0].URL, srv.URL()+"/") {
		t.Fatalf("queues %v not on %s", q, srv.URL())
	}

	doc.Description = ""
	if _, err := loadScenarioFiles(fstest.MapFS{"x.json": {Data: encodeT(t, doc)}}); err == nil || !strings.Contains(err.Error(), "description") {
		t.Fatalf("no description: %v", err)
	}
	if _, err := loadScenarioFiles(fstest.MapFS{"x.json": {Data: []byte(`{"schema": 7, "account": {"id": "1"}}`)}}); err == nil || !strings.Contains(err.Error(), "x.json") {
		t.Fatalf("newer schema: %v", err)
	}
}

// TestEmbeddedScenarioFilesDoNotClash: no embedded scenario file is named
// like a scenario built in Go (it would be ignored).
func TestEmbeddedScenarioFilesDoNotClash(t *testing.T) {
	if len(scenarioFileClashes) > 0 {
		t.Errorf("scenarios/%s.json clash with scenarios built in Go", strings.Join(scenarioFileClashes, ".json, scenarios/"))
	}
}
