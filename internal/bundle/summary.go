package bundle

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// Summary is what a bundle holds, in a person's words: what `bundle show`
// and `bundle export` print and the window previews.
type Summary struct {
	Account, Region, Target, SellerDesk, OS string
	Created                                 time.Time
	Stack                                   string   // "SellerDesk-Onboarding CREATE_COMPLETE, 23 resources, 52 events" or why not
	Resources                               []string // "role PartnerRole: trust policy, 4 inline, 1 attached"
	Tiles                                   []string // "role  connected  Connected: …"
	Catalog                                 string
	Refused                                 []string // reads AWS refused or that failed
	Redacted                                []string
	LogLines                                int
}

// Summarize describes b.
func Summarize(b *Bundle) Summary {
	s := Summary{Account: b.Header.Account, Region: b.Header.Region, Target: b.Header.Target, SellerDesk: b.Header.SellerDesk, OS: b.Header.OS,
		Created: b.Header.Created, LogLines: len(b.Log)}
	switch st := b.Stack.Value; {
	case b.Stack.OK():
		n, e := 0, 0
		if st.Resources.Value != nil {
			n = len(*st.Resources.Value)
		}
		if st.Events.Value != nil {
			e = len(*st.Events.Value)
		}
		s.Stack = fmt.Sprintf("%s %s, %d resources, %d events, %d outputs", st.Name, st.Status, n, e, len(st.Outputs))
	case b.Stack.Outcome == OutcomeAbsent:
		s.Stack = b.Header.StackName + ": no such stack"
	default:
		s.Stack = fmt.Sprintf("%s: not read (%s %s)", b.Header.StackName, b.Stack.Outcome, b.Stack.Code)
	}
	for _, r := range b.Roles {
		in, at := 0, 0
		if r.Inline.Value != nil {
			in = len(*r.Inline.Value)
		}
		if r.Attached.Value != nil {
			at = len(*r.Attached.Value)
		}
		s.Resources = append(s.Resources, fmt.Sprintf("role %s: %s; %d inline and %d attached policies", r.Name, r.Role.Outcome, in, at))
	}
	for _, x := range b.Buckets {
		s.Resources = append(s.Resources, fmt.Sprintf("bucket %s: policy %s, encryption %s, public access block %s", x.Name, x.Policy.Outcome, x.Encryption.Outcome, x.PublicAccessBlock.Outcome))
	}
	for _, k := range b.Keys {
		s.Resources = append(s.Resources, fmt.Sprintf("key %s: policy %s", k.ID, k.Policy.Outcome))
	}
	for _, t := range b.Topics {
		n := 0
		if t.Subscriptions.Value != nil {
			n = len(*t.Subscriptions.Value)
		}
		s.Resources = append(s.Resources, fmt.Sprintf("topic %s: attributes %s, %d subscriptions", t.ARN, t.Attributes.Outcome, n))
	}
	for _, q := range b.Queues {
		s.Resources = append(s.Resources, fmt.Sprintf("queue %s: attributes %s", q.URL, q.Attributes.Outcome))
	}
	for _, t := range b.Tiles {
		failing := []string{}
		for _, c := range t.Checks {
			if !c.Passed() {
				failing = append(failing, c.Name+" ("+c.Status+")")
			}
		}
		line := fmt.Sprintf("%-7s %-15s %s", t.ID, t.State, t.Summary)
		if len(failing) > 0 {
			line += " — not passed: " + strings.Join(failing, "; ")
		}
		s.Tiles = append(s.Tiles, line)
	}
	if c := b.Catalog; c == nil {
		s.Catalog = "left out"
	} else {
		n := 0
		for _, l := range c.Entities {
			if l.Value != nil {
				n += len(*l.Value)
			}
		}
		cs := 0
		if c.ChangeSets.Value != nil {
			cs = len(*c.ChangeSets.Value)
		}
		s.Catalog = fmt.Sprintf("%d entities (tags of %d), %d recent change sets", n, c.TagsRead, cs)
	}
	b.eachRead(func(where string, r *Read) {
		if r.Outcome == OutcomeRefused || r.Outcome == OutcomeFailed {
			line := fmt.Sprintf("%s: %s %s", where, r.Call, r.Outcome)
			if r.Code != "" {
				line += " (" + r.Code
				if r.RequestID != "" {
					line += ", request ID " + r.RequestID
				}
				line += ")"
			}
			s.Refused = append(s.Refused, line)
		}
	})
	for _, r := range b.Redacted {
		line := fmt.Sprintf("%s — %s: %d value(s)", r.What, r.Where, r.Count)
		if r.Marker != "" {
			line += " → " + r.Marker
		}
		s.Redacted = append(s.Redacted, line)
	}
	return s
}

// Print writes the summary as text.
func (s Summary) Print(w io.Writer) {
	fmt.Fprintf(w, "Support bundle — %s — %s — %s\n", s.Account, s.Region, s.Created.Format("2 Jan 2006 15:04 MST"))
	fmt.Fprintf(w, "Exported by SellerDesk %s on %s from %s\n", s.SellerDesk, s.OS, s.Target)
	fmt.Fprintf(w, "\nStack: %s\n", s.Stack)
	for _, r := range s.Resources {
		fmt.Fprintf(w, "  %s\n", r)
	}
	fmt.Fprintf(w, "\nTiles:\n")
	for _, t := range s.Tiles {
		fmt.Fprintf(w, "  %s\n", t)
	}
	fmt.Fprintf(w, "\nCatalog: %s\nLog: last %d lines\n", s.Catalog, s.LogLines)
	if len(s.Refused) > 0 {
		fmt.Fprintf(w, "\nReads AWS refused or that failed (recorded as such):\n")
		for _, r := range s.Refused {
			fmt.Fprintf(w, "  %s\n", r)
		}
	}
	fmt.Fprintf(w, "\nRedacted:\n")
	for _, r := range s.Redacted {
		fmt.Fprintf(w, "  %s\n", r)
	}
}
