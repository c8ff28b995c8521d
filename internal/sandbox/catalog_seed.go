package sandbox

import (
	"fmt"
	"time"
)

// seedCatalog counts: how many generated entities of each type the seller
// scenarios get on top of their handful of named products.
var seedCatalog = []struct {
	typ string
	n   int
}{
	{"SaaSProduct", 60},
	{"AmiProduct", 40},
	{"ContainerProduct", 35},
	{"DataProduct", 30},
	{"Offer", 80},
	{"ResaleAuthorization", 30},
	{"Experience", 15},
}

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
// their names (addEntity), modification dates spread over 2025 and tags:
// product-team (team-xyz, team-abc, team-data in turn) on products and
// offers, env=production on every fifth product, cost-center on every fourth
// offer (caller owns a).
func seedEntities(a *Account) {
	base := time.Date(2025, 1, 2, 8, 0, 0, 0, time.UTC)
	var products []*CatalogEntity
	for ti, s := range seedCatalog {
		for i := range s.n {
			k := ti*101 + i
			brand, noun := seedBrands[k%len(seedBrands)], seedNouns[(k*7+i/len(seedBrands))%len(seedNouns)]
			var name, vis string
			switch s.typ {
			case "Offer":
				p := products[(i*13)%len(products)]
				name = fmt.Sprintf("Private offer %03d: %s", i+1, p.Name)
				vis = []string{"Public", "Limited"}[i%2]
			case "ResaleAuthorization":
				p := products[(i*17)%len(products)]
				name = fmt.Sprintf("Resale authorization %03d: %s via %s Partners", i+1, p.Name, seedBrands[(i+3)%len(seedBrands)])
				vis = "Limited"
			case "Experience":
				name = fmt.Sprintf("Private marketplace %03d (%s %s)", i+1, brand, []string{"Engineering", "Finance", "Research"}[i%3])
			default:
				name = fmt.Sprintf("%s %s %s %03d", brand, noun, seedKinds[s.typ], i+1)
				vis = seedVis[(i+ti)%len(seedVis)]
			}
			modified := base.Add(time.Duration(k*(k+7)%8760) * time.Hour)
			e := a.addEntity(s.typ, name, vis, modified, "")
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
