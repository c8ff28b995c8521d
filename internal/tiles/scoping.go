package tiles

import (
	"fmt"
	"strings"

	"github.com/sellerdesk/sellerdesk/internal/iampolicy"
)

// SDDSSourceARN is the aws:SourceArn AWS Marketplace reporting sends when it
// delivers an account's data feeds (AWS Seller Guide, "Data feed policies").
func SDDSSourceARN(partition, account string) string {
	if partition == "" {
		partition = "aws"
	}
	return "arn:" + partition + ":marketplace::" + account + ":AWSMarketplace/SellerDataSubscription/DataFeeds_V1"
}

// otherAccount is an account that is never the seller's, for asking a
// policy what it would let AWS Marketplace do on someone else's behalf.
func otherAccount(account string) string {
	if account == "000000000000" {
		return "999999999999"
	}
	return "000000000000"
}

// scopedGrant is one action a data-feeds policy must grant the service
// principal, on one resource.
type scopedGrant struct {
	action   string
	resource string
}

// scopingResult is what checkScoping found.
type scopingResult struct {
	// missing: actions the policy does not grant for the account's own data
	// feeds (aws:SourceAccount and aws:SourceArn those AWS sends).
	missing []string
	// unscoped: one line per grant that also admits a request on another
	// account's behalf, naming the statement and the condition it lacks.
	unscoped []string
	// allowedBy: the statements that grant the account's own requests.
	allowedBy []string
}

func (r scopingResult) ok() bool { return len(r.missing) == 0 && len(r.unscoped) == 0 }

// problem is the result in words, for a check's detail: what is missing
// first, then what is not scoped.
func (r scopingResult) problem(what string) string {
	var parts []string
	if len(r.missing) > 0 {
		parts = append(parts, fmt.Sprintf("%s does not grant %s to %s for this account's data feeds (aws:SourceAccount and aws:SourceArn as AWS sends them)",
			what, strings.Join(r.missing, ", "), SDDSPrincipal))
	}
	parts = append(parts, r.unscoped...)
	return strings.Join(parts, "; ")
}

// checkScoping asks the policy, with the shared evaluator (iampolicy), about
// each grant AWS Marketplace reporting needs: as AWS sends it for this
// account (aws:SourceAccount = account, aws:SourceArn = the DataFeeds_V1 ARN,
// over HTTPS) it must be allowed; sent for another account, or without one
// of the two keys, it must not be: that is the confused-deputy scoping AWS
// recommends. what names the policy in the words ("bucket policy").
func checkScoping(p Policy, what, partition, account string, need []scopedGrant) scopingResult {
	own := SDDSSourceARN(partition, account)
	other := otherAccount(account)
	otherARN := SDDSSourceARN(partition, other)
	ctx := func(srcAccount, srcARN string) map[string]string {
		c := map[string]string{"aws:SecureTransport": "true"}
		if srcAccount != "" {
			c["aws:SourceAccount"] = srcAccount
		}
		if srcARN != "" {
			c["aws:SourceArn"] = srcARN
		}
		return c
	}
	// Each probe lacks one of the scoping conditions; a policy that allows it
	// does not have that condition.
	probes := []struct {
		lacks string
		ctx   map[string]string
	}{
		{"aws:SourceArn", ctx(account, otherARN)},
		{"aws:SourceArn", ctx(account, "")},
		{"aws:SourceAccount", ctx(other, own)},
		{"aws:SourceAccount", ctx("", own)},
	}
	var r scopingResult
	seen := map[string]bool{}
	for _, g := range need {
		req := iampolicy.Request{Service: SDDSPrincipal, Action: g.action, Resource: g.resource, Context: ctx(account, own)}
		if !p.Allows(req) {
			r.missing = append(r.missing, g.action)
			continue
		}
		for _, st := range allowingStatements(p, req) {
			if n := statementName(st); !seen["by "+n] {
				seen["by "+n] = true
				r.allowedBy = append(r.allowedBy, n)
			}
		}
		for _, pr := range probes {
			req.Context = pr.ctx
			if !p.Allows(req) {
				continue
			}
			for _, st := range allowingStatements(p, req) {
				line := fmt.Sprintf("%s %s grants %s to %s without %s", what, statementName(st), g.action, SDDSPrincipal, pr.lacks)
				key := statementName(st) + "|" + pr.lacks
				if !seen[key] {
					seen[key] = true
					r.unscoped = append(r.unscoped, line)
				}
			}
		}
	}
	return r
}

// allowingStatements are the Allow statements of p that apply to r.
func allowingStatements(p Policy, r iampolicy.Request) []iampolicy.Statement {
	var out []iampolicy.Statement
	for _, st := range p.Statement {
		if strings.EqualFold(st.Effect, "Allow") && st.Applies(r) {
			out = append(out, st)
		}
	}
	return out
}
