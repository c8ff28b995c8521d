package sandbox

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/sellerdesk/sellerdesk/internal/stacktemplate"
)

// Scenario is a named starting state for the sandbox account.
type Scenario struct {
	Name        string
	Description string
	// Setup fills in a new account (region and empty collections are already
	// set); it must at least set the identity (ID, CallerARN, UserID). It may
	// record a failure with setupFailed, and the scenario then fails to build.
	Setup func(*Account)
}

// DefaultScenario is the scenario used when Options.Scenario is empty.
const DefaultScenario = "fresh"

// What the "connected" family of scenarios launches: SellerDesk's real
// onboarding template (internal/onboarding/template) under this stack name,
// for this partner account and external ID, plus one delivered Seller Data
// Feed object.
const (
	OnboardingStackName  = "SellerDesk-Onboarding"
	DemoPartnerAccountID = "123456789012"
	DemoExternalID       = "sellerdesk-demo-external-id"
	// DemoDataFeed is the data feed of the delivered SDDS object, at
	// <DemoDataFeed>_v1/year=YYYY/month=MM/data.csv in the SDDS bucket.
	DemoDataFeed = "billing_event"
)

// The seller account of every scenario but not-seller.
const (
	sellerAccountID = "111122223333"
	sellerUserName  = "sandbox-seller"
)

// scenarios is the registry, keyed by name (kept in alphabetical order).
var scenarios = map[string]Scenario{
	"cas-broken": {
		Name: "cas-broken",
		Description: "The connected seller, except that the CAS topic's policy lacks the publish grant (sns:Publish was removed " +
			"from its statements). Seller account, Role and access and SDDS show Connected; CAS shows Error on the check " +
			"\"the topic policy allows publishing\", and GenerateDataSet fails with MarketplaceCommerceAnalyticsException.",
		Setup: func(a *Account) {
			st := setupConnected(a)
			if st == nil {
				return
			}
			a.mu.Lock()
			defer a.mu.Unlock()
			t := a.snsTopics[st.Outputs["CasTopicArn"]]
			if t == nil {
				a.setupFailed(fmt.Errorf("the onboarding stack has no CAS topic (outputs %v)", st.Outputs))
				return
			}
			t.Attributes["Policy"] = removeFromPolicy(t.Attributes["Policy"], nil, "sns:Publish")
		},
	},
	"catalog-bench": benchScenario("catalog-bench", DefaultBenchOffers),
	"catalog-denied": {
		Name: "catalog-denied",
		Description: "The fresh seller (111122223333), but the caller lacks the IAM permission for the Marketplace Catalog " +
			"API: ListEntities fails with AccessDeniedException \"User: … is not authorized to perform: " +
			"aws-marketplace:ListEntities …\". Seller account shows Unknown (missing IAM permission, not a refusal); " +
			"the other tiles show Not connected.",
		Setup: func(a *Account) {
			setupSeller(a)
			a.CatalogDenied = true
		},
	},
	"catalog-large": {
		Name: "catalog-large",
		Description: "The connected seller (the onboarding stack launched, a Seller Data Feed object delivered; all four " +
			"tiles show Connected) with a large Catalog: 5,000 entities — 1,200 SaaS, 800 AMI, 600 container and 400 data " +
			"products, 1,400 offers, 400 resale authorizations, 200 private-marketplace experiences — with deterministic " +
			"names and IDs, modification dates spread over 2024–2025 and a third of the products and offers tagged " +
			"product-team=team-xyz. For checking that the entity list stays fluid at that size.",
		Setup: func(a *Account) {
			setupSellerAccount(a)
			seedLargeCatalog(a)
			launchOnboarding(a)
		},
	},
	"connected": {
		Name: "connected",
		Description: "The fresh seller with the SellerDesk onboarding stack (" + OnboardingStackName + ") already launched " +
			"from the embedded template — partner " + DemoPartnerAccountID + ", external ID " + DemoExternalID + " — and one " +
			"delivered Seller Data Feed object (" + DemoDataFeed + "_v1/year=YYYY/month=MM/data.csv) in the SDDS bucket. " +
			"Seller account, Role and access and SDDS (on the delivered object) show Connected, CAS Legacy; CAS Test Configuration delivers a data set and a notification to the queue.",
		Setup: func(a *Account) { setupConnected(a) },
	},
	"fresh": {
		Name: "fresh",
		Description: "A registered AWS Marketplace seller (111122223333) with a few hundred Catalog entities (SaaS, AMI, " +
			"container and data products, offers, resale authorizations, private-marketplace experiences; a third tagged " +
			"product-team=team-xyz) and nothing launched yet. Seller account shows Completed (detected); Role and access, CAS and SDDS show Not connected.",
		Setup: setupSeller,
	},
	"not-seller": {
		Name: "not-seller",
		Description: "An AWS account (444455556666) that has not registered as an AWS Marketplace seller: the Catalog API " +
			"refuses with AccessDeniedException \"Seller account is not registered with AWS Marketplace\" and CAS refuses " +
			"it (allow list). Seller account shows Not registered; the other tiles show Not connected.",
		Setup: func(a *Account) {
			a.setIAMUser("444455556666", "sandbox-user")
			a.Seller = false
		},
	},
	"rollback": {
		Name: "rollback",
		Description: "The fresh seller account (111122223333), but S3 bucket names are taken by another account " +
			"(sellerdesk-reports among them): a bucket CloudFormation names fails with \"<name> already exists\", so the " +
			"onboarding stack rolls back to ROLLBACK_COMPLETE and Role and access shows Error (stack rolled back). Retry " +
			"with bucket names of your own and the stack completes.",
		Setup: func(a *Account) {
			setupSeller(a)
			a.foreignBuckets["sellerdesk-reports"] = "999988887777"
			a.bucketNamesTaken = true
		},
	},
	"sdds-broken": {
		Name: "sdds-broken",
		Description: "The connected seller, except that the SDDS KMS key's policy lacks the statement granting " +
			"reports.marketplace.amazonaws.com. Seller account and Role and access show Connected, CAS Legacy; SDDS shows Error, as it opens, on " +
			"the check \"the key policy grants reports.marketplace.amazonaws.com\".",
		Setup: func(a *Account) {
			st := setupConnected(a)
			if st == nil {
				return
			}
			a.mu.Lock()
			defer a.mu.Unlock()
			k := a.findKey(st.Outputs["SddsKeyArn"])
			if k == nil {
				a.setupFailed(fmt.Errorf("the onboarding stack has no SDDS key (outputs %v)", st.Outputs))
				return
			}
			k.Policy = removeFromPolicy(k.Policy, func(s map[string]any) bool {
				return grantsService(s, "reports.marketplace.amazonaws.com")
			}, "")
		},
	},
	"throttled": {
		Name: "throttled",
		Description: "The fresh seller (111122223333), but the Marketplace Catalog API grants only a fifth of its documented " +
			"per-account rate quotas (ListEntities 2/s, DescribeEntity 4/s, StartChangeSet, ListChangeSets, CancelChangeSet, " +
			"the tag and resource-policy calls 1/s each, DescribeChangeSet 2/s): calls beyond them fail with 429 " +
			"ThrottlingException, so clients must back off.",
		Setup: func(a *Account) {
			setupSeller(a)
			a.CatalogQuotaScale = throttledQuotaScale
		},
	},
}

// setupSeller makes a the registered seller 111122223333 with products in
// the Catalog: three named SaaS products and two named AMI products of its
// own, a SaaS product another account shares with it, and the few hundred
// generated entities of seedEntities.
func setupSeller(a *Account) {
	setupSellerAccount(a)
	seedEntities(a)
}

// benchScenario is catalog-bench (n = DefaultBenchOffers) or catalog-bench-N:
// the seller with its named products and n generated offers on them, for
// timing the Catalog calls of listing and tagging n entities.
func benchScenario(name string, n int) Scenario {
	return Scenario{
		Name: name,
		Description: fmt.Sprintf("The fresh seller (111122223333) with its named products (five of its own, one shared with it) and %d "+
			"offers on them, and no other entities, at the documented Catalog API quotas: the catalog benchmark "+
			"(.ci/bench-catalog.sh) lists and tags the offers. catalog-bench-N has N offers instead (1 to %d).", n, MaxBenchOffers),
		Setup: func(a *Account) {
			setupSellerAccount(a)
			seedBenchOffers(a, n)
		},
	}
}

// benchOffers reports the offer count of a catalog-bench-N name.
func benchOffers(name string) (int, bool) {
	rest, ok := strings.CutPrefix(name, "catalog-bench-")
	if !ok || rest == "" || rest[0] == '0' || rest[0] == '+' {
		return 0, false
	}
	n, err := strconv.Atoi(rest)
	if err != nil || n < 1 || n > MaxBenchOffers {
		return 0, false
	}
	return n, true
}

// setupSellerAccount makes a the registered seller with the named products
// of setupSeller, and no generated ones.
func setupSellerAccount(a *Account) {
	a.setIAMUser(sellerAccountID, sellerUserName)
	a.Seller = true
	day := func(n int) time.Time { return time.Date(2026, 1, 5, 9, 30, 0, 0, time.UTC).AddDate(0, 0, n) }
	a.addEntity("SaaSProduct", "SellerDesk Analytics", "Public", day(0), "")
	a.addEntity("SaaSProduct", "SellerDesk Connector", "Limited", day(12), "")
	a.addEntity("SaaSProduct", "SellerDesk Insights (preview)", "Draft", day(40), "")
	a.addEntity("AmiProduct", "SellerDesk Gateway", "Public", day(3), "")
	a.addEntity("AmiProduct", "SellerDesk Gateway for Arm", "Restricted", day(25), "")
	a.addEntity("SaaSProduct", "Partner Data Bridge", "Public", day(7), "999988887777")
}

// setupConnected makes a the seller with the onboarding stack launched and a
// data-feed object delivered; it returns the stack, or nil after recording a
// setup failure.
func setupConnected(a *Account) *StackInfo {
	setupSeller(a)
	return launchOnboarding(a)
}

// launchOnboarding launches the onboarding stack in the seller account a and
// delivers a data-feed object; it returns the stack, or nil after recording
// a setup failure.
func launchOnboarding(a *Account) *StackInfo {
	st, err := a.launchStack(OnboardingStackName, string(stacktemplate.Body()),
		map[string]string{"PartnerAccountId": DemoPartnerAccountID, "ExternalId": DemoExternalID}, stacktemplate.Capabilities...)
	if err != nil {
		a.setupFailed(fmt.Errorf("launching %s: %w", OnboardingStackName, err))
		return nil
	}
	if st.Status != "CREATE_COMPLETE" {
		a.setupFailed(fmt.Errorf("launching %s ended %s: %s", OnboardingStackName, st.Status, st.StatusReason))
		return nil
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	b := a.s3Buckets[st.Outputs["SddsBucketName"]]
	if b == nil {
		a.setupFailed(fmt.Errorf("the onboarding stack has no SDDS bucket (outputs %v)", st.Outputs))
		return nil
	}
	now := time.Now().UTC()
	a.putObject(b, sddsObjectKey(DemoDataFeed, now), []byte(demoBillingEvents(a.ID, now)), "text/csv", now)
	return &st
}

// sddsObjectKey is where Seller Data Feeds deliver a feed's month.
func sddsObjectKey(feed string, t time.Time) string {
	return fmt.Sprintf("%s_v1/year=%04d/month=%02d/data.csv", feed, t.Year(), int(t.Month()))
}

func demoBillingEvents(account string, t time.Time) string {
	return "billing_event_id,from_account_id,to_account_id,end_user_account_id,product_id,action,transaction_type,amount,currency,invoice_date\n" +
		fmt.Sprintf("be-%s,%s,%s,%s,prod-sandbox,INVOICED,SELLER_REV_SHARE,120.00,USD,%s\n",
			stableID("", account+t.Format("2006-01"))[:10], "210987654321", account, "210987654321", t.Format("2006-01-02"))
}

// Scenarios returns every known scenario, sorted by name.
func Scenarios() []Scenario {
	out := make([]Scenario, 0, len(scenarios))
	for _, s := range scenarios {
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// ScenarioNames returns the names of every known scenario, sorted.
func ScenarioNames() []string {
	var names []string
	for _, s := range Scenarios() {
		names = append(names, s.Name)
	}
	return names
}

// LookupScenario returns the scenario called name; for an unknown name the
// error lists the known ones.
func LookupScenario(name string) (Scenario, error) {
	if s, ok := scenarios[name]; ok {
		return s, nil
	}
	if n, ok := benchOffers(name); ok {
		return benchScenario(name, n), nil
	}
	return Scenario{}, fmt.Errorf("unknown sandbox scenario %q (known scenarios: %s)",
		name, strings.Join(ScenarioNames(), ", "))
}

// build makes a fresh account in the state the scenario describes, outside
// any server (tests).
func (sc Scenario) build() (*Account, error) { return sc.buildWith(accountEnv{}) }

// buildWith makes a fresh account for a server described by env.
func (sc Scenario) buildWith(env accountEnv) (*Account, error) {
	a := newAccount(sc.Name, env)
	if sc.Setup != nil {
		sc.Setup(a)
	}
	if err := a.validate(); err != nil {
		a.shutdown()
		return nil, fmt.Errorf("sandbox scenario %q: %w", sc.Name, err)
	}
	return a, nil
}
