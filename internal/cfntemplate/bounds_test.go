package cfntemplate

import (
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"
)

// aliasBomb is a "billion laughs": levels of lists, each holding nine
// aliases of the one before, under Metadata of an otherwise valid template.
// Nine levels expand to 9^9 (387 million) strings from well under 1 kB.
func aliasBomb(levels int) string {
	return bomb(levels, "[lol, lol, lol, lol, lol, lol, lol, lol, lol]", "[%s]")
}

// mergeBomb is the same with merge keys: each mapping merges the one before
// nine times, so decoding it decodes the first 9^levels times.
func mergeBomb(levels int) string {
	return bomb(levels, "{k: v}", "{<<: [%s]}")
}

func bomb(levels int, first, each string) string {
	var b strings.Builder
	b.WriteString("Metadata:\n  l0: &l0 " + first + "\n")
	for i := 1; i <= levels; i++ {
		prev := fmt.Sprintf("*l%d", i-1)
		fmt.Fprintf(&b, "  l%d: &l%d "+each+"\n", i, i, strings.TrimSuffix(strings.Repeat(prev+", ", 9), ", "))
	}
	b.WriteString("Resources:\n  Topic: {Type: AWS::SNS::Topic}\n")
	return b.String()
}

// nested is a template whose Metadata nests depth flow mappings.
func nested(depth int) string {
	return "Metadata: " + strings.Repeat("{a: ", depth) + "x" + strings.Repeat("}", depth) + "\nResources:\n  Topic: {Type: AWS::SNS::Topic}\n"
}

func TestDecodingBounds(t *testing.T) {
	tests := []struct {
		name  string
		body  string
		limit Limit // 0: parses
		line  int   // where the error points, when > 0
	}{
		{"alias bomb", aliasBomb(9), LimitAliases, 0},
		// Levels 1 to 3 copy 90, 900 and 8,190 nodes: 9,180 in all.
		{"aliases within the budget", aliasBomb(3), 0, 0},
		// Level 4's first alias (line 6) passes 10,000.
		{"aliases past the budget", aliasBomb(4), LimitAliases, 6},
		{"merge-key bomb", mergeBomb(9), LimitAliases, 0},
		{"a few merge keys", mergeBomb(2), 0, 0},
		{"recursive alias", "Metadata: &m [*m]\nResources:\n  Topic: {Type: AWS::SNS::Topic}\n", LimitDepth, 0},
		// The document, the template and Metadata are three levels; each
		// {a: …} one more, and x the last.
		{"nesting at the bound", nested(MaxDepth - 2), 0, 0},
		{"nesting past the bound", nested(MaxDepth - 1), LimitDepth, 1},
		{"larger than 1 MB", "# " + strings.Repeat("x", MaxBodyBytes) + "\n" + nested(1), LimitSize, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse([]byte(tc.body))
			var le *LimitError
			switch {
			case tc.limit == 0 && err != nil:
				t.Fatalf("Parse: %v", err)
			case tc.limit == 0:
				return
			case !errors.As(err, &le):
				t.Fatalf("Parse = %v, want a *LimitError", err)
			case le.Limit != tc.limit:
				t.Errorf("limit %v (%v), want %v", le.Limit, le, tc.limit)
			case tc.line > 0 && le.Line != tc.line:
				t.Errorf("error points at line %d, want %d (%v)", le.Line, tc.line, le)
			}
			if _, err := DecodeYAML([]byte(tc.body)); !errors.As(err, &le) || le.Limit != tc.limit {
				t.Errorf("DecodeYAML = %v, want the same *LimitError", err)
			}
		})
	}
}

// TestAliasBombIsCheap: refusing the bomb allocates about what parsing its
// few hundred bytes takes; unbounded it took gigabytes.
func TestAliasBombIsCheap(t *testing.T) {
	body := []byte(aliasBomb(9))
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	_, err := Parse(body)
	runtime.ReadMemStats(&after)
	if err == nil {
		t.Fatal("the bomb parsed")
	}
	if n := after.TotalAlloc - before.TotalAlloc; n > 8<<20 {
		t.Errorf("refusing a %d-byte bomb allocated %d bytes", len(body), n)
	}
}
