package catalog

import (
	"fmt"
	"math"
	"time"
)

// Estimate is how long a bulk tagging job takes at the documented quotas:
// its preview reads the tags it does not know (ListTagsForResource), then
// it writes each resource (TagResource for an add, UntagResource for a
// remove). The writes are an upper bound: resources already as asked are
// skipped once the preview has read them. A lower quota granted by the
// account makes it longer; the running job's ETA then says so.
type Estimate struct {
	Reads  int           // tag lists the preview must read
	Writes int           // resources the job may write
	Read   time.Duration // at the ListTagsForResource quota
	Write  time.Duration // at the write operation's quota
}

// Total is the time of the reads and the writes, one after the other.
func (e Estimate) Total() time.Duration { return e.Read + e.Write }

// String is the estimate in words, the same in the window and the CLI:
// "about 17 min (1,000 tag lists to read at 5/s, then up to 5,000 writes at 5/s)".
func (e Estimate) String() string {
	s := RoundDuration(e.Total())
	if e.Total() >= time.Second {
		s = "about " + s
	}
	switch {
	case e.Reads > 0 && e.Writes > 0:
		s += fmt.Sprintf(" (%s to read at %g/s, then up to %s at %g/s)", countOf(e.Reads, "tag list"), Quotas[OpListTagsForResource], countOf(e.Writes, "write"), e.writeQuota())
	case e.Writes > 0:
		s += fmt.Sprintf(" (up to %s at %g/s; no tags to read first)", countOf(e.Writes, "write"), e.writeQuota())
	case e.Reads > 0:
		s += fmt.Sprintf(" (%s to read at %g/s)", countOf(e.Reads, "tag list"), Quotas[OpListTagsForResource])
	}
	return s
}

// writeQuota is the same for both writes (5/s each); kept as the one place
// that says which is used.
func (e Estimate) writeQuota() float64 { return Quotas[OpTagResource] }

// EstimateJob estimates a job of kind (KindAdd or KindRemove) on n resources
// whose tags are known for known of them (read earlier, and used by the
// preview as they are).
func EstimateJob(kind string, n, known int) Estimate {
	n = max(n, 0)
	known = min(max(known, 0), n)
	op := OpTagResource
	if kind == KindRemove {
		op = OpUntagResource
	}
	e := Estimate{Reads: n - known, Writes: n}
	e.Read = atQuota(e.Reads, Quotas[OpListTagsForResource])
	e.Write = atQuota(e.Writes, Quotas[op])
	return e
}

// EstimateReads is the time to read n tag lists at the ListTagsForResource quota.
func EstimateReads(n int) Estimate {
	n = max(n, 0)
	return Estimate{Reads: n, Read: atQuota(n, Quotas[OpListTagsForResource])}
}

func atQuota(calls int, perSecond float64) time.Duration {
	if calls <= 0 || perSecond <= 0 {
		return 0
	}
	return time.Duration(math.Ceil(float64(calls)/perSecond*1000)) * time.Millisecond
}

// RoundDuration words a duration as a person reads an estimate: "under a
// second", "12 s", "3 min", "1 h 05 min".
func RoundDuration(d time.Duration) string {
	switch {
	case d < time.Second:
		return "under a second"
	case d < time.Minute:
		return fmt.Sprintf("%d s", int(math.Ceil(d.Seconds())))
	case d < time.Hour:
		return fmt.Sprintf("%d min", int(math.Ceil(d.Minutes())))
	default:
		m := int(math.Ceil(d.Minutes()))
		return fmt.Sprintf("%d h %02d min", m/60, m%60)
	}
}

func countOf(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return groupThousands(n) + " " + what + "s"
}

func groupThousands(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
