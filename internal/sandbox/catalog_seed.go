package sandbox

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"time"
)

// seedCount is how many entities of one type a seeding adds.
type seedCount struct {
	typ string
	n   int
}

// seedCatalog counts: how many generated entities of each type the seller
// scenarios get on top of their handful of named products.
var seedCatalog = []seedCount{
	{"SaaSProduct", 60},
	{"AmiProduct", 40},
	{"ContainerProduct", 35},
	{"DataProduct", 30},
	{"Offer", 80},
	{"ResaleAuthorization", 30},
	{"Experience", 15},
}

// LargeCatalogSize is how many Catalog entities the catalog-large scenario
// has, its named products included.
const LargeCatalogSize = 5000

// largeCatalog is the catalog-large scenario's catalog: how many entities of
// each type it has in all, the named products of setupSellerAccount
// included (they sum to LargeCatalogSize).
var largeCatalog = []seedCount{
	{"SaaSProduct", 1200},
	{"AmiProduct", 800},
	{"ContainerProduct", 600},
	{"DataProduct", 400},
	{"Offer", 1400},
	{"ResaleAuthorization", 400},
	{"Experience", 200},
}

// Offers of the catalog-bench scenarios: catalog-bench has
// DefaultBenchOffers, catalog-bench-N has N (1 to MaxBenchOffers).
const (
	DefaultBenchOffers = 1000
	MaxBenchOffers     = 10000
)

var (
	seedBrands = []string{"Acme", "Bluebird", "Cirrus", "Delta", "Evergreen", "Falcon", "Granite", "Helix", "Ion", "Juniper", "Kestrel"}
	seedNouns  = []string{"Analytics", "Backup", "Compute", "Database", "Firewall", "Gateway", "Monitor", "Pipeline", "Search", "Vault", "Ledger", "Relay", "Scheduler"}
	seedKinds  = map[string]string{"SaaSProduct": "Cloud", "AmiProduct": "Appliance", "ContainerProduct": "Operator", "DataProduct": "Dataset"}
	seedTeams  = []string{"team-xyz", "team-abc", "team-data"}
	seedVis    = []string{"Public", "Limited", "Restricted", "Draft"}
)

// SeededTeamTag is the tag key the seeded entities carry their owning team
// in; a third of the products and offers have the value "team-xyz".
const SeededTeamTag = "product-team"

// seedEntities adds a few hundred deterministic entities of mixed types to a
// seller account: products of four kinds, offers on them, resale
// authorizations and private-marketplace experiences, with IDs derived from
// their names (addEntity), modification dates on the hour spread over 2025
// and tags: product-team (team-xyz, team-abc, team-data in turn) on products
// and offers, env=production on every fifth product, cost-center on every
// fourth offer (caller owns a).
func seedEntities(a *Account) {
	base := time.Date(2025, 1, 2, 8, 0, 0, 0, time.UTC)
	seedGenerated(a, seedCatalog, func(ti, i, _ int) time.Time {
		k := ti*101 + i
		return base.Add(time.Duration(k*(k+7)%8760) * time.Hour)
	})
}

// seedLargeCatalog tops a seller account up to the catalog-large catalog
// (largeCatalog, LargeCatalogSize entities in all): the entities of
// seedEntities' kinds, names and tags, with modification dates at second
// resolution, all different, spread over 2024 and 2025 (caller owns a).
func seedLargeCatalog(a *Account) {
	have := map[string]int{}
	for _, e := range a.entities {
		have[e.Type]++
	}
	counts := make([]seedCount, len(largeCatalog))
	for i, c := range largeCatalog {
		counts[i] = seedCount{c.typ, max(c.n-have[c.typ], 0)}
	}
	a.entities = append(make([]*CatalogEntity, 0, len(a.entities)+LargeCatalogSize), a.entities...)
	seedGenerated(a, counts, spreadSeconds(time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), 2*365))
}

// seedBenchOffers adds n offers (on the account's products, which it must
// have) with seedEntities' names and tags and modification dates at second
// resolution spread over 2025 (caller owns a).
func seedBenchOffers(a *Account, n int) {
	a.entities = append(make([]*CatalogEntity, 0, len(a.entities)+n), a.entities...)
	seedGenerated(a, []seedCount{{"Offer", n}}, spreadSeconds(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), 365))
}

// spreadSeconds gives the g-th generated entity a modification time within
// days of base, every one a different second (7919 is prime to the number of
// seconds in the span, so g ↦ g·7919 mod span is one to one) and neighbours
// far apart.
func spreadSeconds(base time.Time, days int) func(ti, i, g int) time.Time {
	span := days * 86400
	return func(_, _, g int) time.Time {
		return base.Add(time.Duration(g*7919%span) * time.Second)
	}
}

// seedGenerated adds counts[t].n entities of each type counts[t].typ, in
// order, with deterministic names (numbered from 1, zero-padded to the
// count's width, at least 3 digits) and tags as described at seedEntities;
// modified(ti, i, g) dates the i-th entity of the ti-th type, the g-th
// generated in all. Offers and resale authorizations refer to the products
// generated before them, or to the account's own products if none were.
func seedGenerated(a *Account, counts []seedCount, modified func(ti, i, g int) time.Time) {
	var products []*CatalogEntity
	g := 0
	for ti, s := range counts {
		num := "%0" + strconv.Itoa(max(3, len(strconv.Itoa(s.n)))) + "d"
		for i := range s.n {
			if (s.typ == "Offer" || s.typ == "ResaleAuthorization") && len(products) == 0 {
				products = ownProducts(a)
				if len(products) == 0 {
					a.setupFailed(fmt.Errorf("seeding %d %s entities: the account has no products", s.n, s.typ))
					return
				}
			}
			k := ti*101 + i
			brand, noun := seedBrands[k%len(seedBrands)], seedNouns[(k*7+i/len(seedBrands))%len(seedNouns)]
			n := fmt.Sprintf(num, i+1)
			var name, vis string
			switch s.typ {
			case "Offer":
				p := products[(i*13)%len(products)]
				name = "Private offer " + n + ": " + p.Name
				vis = []string{"Public", "Limited"}[i%2]
			case "ResaleAuthorization":
				p := products[(i*17)%len(products)]
				name = "Resale authorization " + n + ": " + p.Name + " via " + seedBrands[(i+3)%len(seedBrands)] + " Partners"
				vis = "Limited"
			case "Experience":
				name = "Private marketplace " + n + " (" + brand + " " + []string{"Engineering", "Finance", "Research"}[i%3] + ")"
			default:
				name = brand + " " + noun + " " + seedKinds[s.typ] + " " + n
				vis = seedVis[(i+ti)%len(seedVis)]
			}
			e := a.seedEntity(s.typ, name, vis, modified(ti, i, g))
			g++
			switch s.typ {
			case "SaaSProduct", "AmiProduct", "ContainerProduct", "DataProduct":
				products = append(products, e)
				e.Tags = append(e.Tags, Tag{SeededTeamTag, seedTeams[i%3]})
				if i%5 == 0 {
					e.Tags = append(e.Tags, Tag{"env", "production"})
				}
			case "Offer":
				e.Tags = append(e.Tags, Tag{SeededTeamTag, seedTeams[i%3]})
				if i%4 == 0 {
					e.Tags = append(e.Tags, Tag{"cost-center", fmt.Sprintf("cc-%04d", 1000+i)})
				}
			}
		}
	}
}

// ownProducts lists the products the account owns, in insertion order.
func ownProducts(a *Account) []*CatalogEntity {
	var out []*CatalogEntity
	for _, e := range a.entities {
		if !e.Shared && seedKinds[e.Type] != "" {
			out = append(out, e)
		}
	}
	return out
}

// seedEntity is addEntity for a generated entity the account owns, with
// the same ID and details document but without addEntity's reflection-based
// JSON encoding, which would be most of the cost of seeding thousands.
func (a *Account) seedEntity(typ, name, visibility string, modified time.Time) *CatalogEntity {
	sum := sha256.Sum256([]byte(a.ID + "/" + typ + "/" + name))
	id := entityIDPrefix(typ) + hex.EncodeToString(sum[:7])[:13]
	return a.insertEntity(typ, id, name, visibility, modified, a.ID, seedDetails(typ, name, visibility))
}

// seedDetails is defaultEntityDetails' document for an entity of typ with
// this name and visibility, built directly.
func seedDetails(typ, name, visibility string) string {
	switch typ {
	case "AmiProduct", "ContainerProduct", "DataProduct", "SaaSProduct", "MachineLearningProduct":
		return `{"Description":{"ProductState":"Active","ProductTitle":` + jsonString(name) + `,"ShortDescription":` +
			jsonString(name+" on AWS Marketplace") + `,"Visibility":` + jsonString(visibility) + `},"Versions":[]}`
	case "Offer":
		return `{"Name":` + jsonString(name) + `,"State":"Released"}`
	case "ResaleAuthorization":
		return `{"Name":` + jsonString(name) + `,"Status":"Active"}`
	case "Experience":
		return `{"Name":` + jsonString(name) + `,"Status":"Enabled"}`
	}
	return `{"Name":` + jsonString(name) + `}`
}

// jsonString encodes s as encoding/json does.
func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
