package sandbox

import "testing"

// BenchmarkSeedLargeCatalog measures what catalog-large adds to sandbox
// start-up: the seller and its 5,000 Catalog entities (the onboarding stack
// left out).
func BenchmarkSeedLargeCatalog(b *testing.B) {
	for b.Loop() {
		a := newAccount("catalog-large", accountEnv{})
		setupSellerAccount(a)
		seedLargeCatalog(a)
		if len(a.entities) != LargeCatalogSize {
			b.Fatalf("%d entities", len(a.entities))
		}
		b.StopTimer()
		a.shutdown()
		b.StartTimer()
	}
}

// BenchmarkBuildCatalogLarge measures building the whole catalog-large
// account, onboarding stack included, as Start does.
func BenchmarkBuildCatalogLarge(b *testing.B) {
	sc, err := LookupScenario("catalog-large")
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		a, err := sc.build()
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		a.shutdown()
		b.StartTimer()
	}
}
