package cfntemplate

import (
	"fmt"

	"gopkg.in/yaml.v3"
)

// Decoding a template turns every alias into a copy of what it names, so a
// few hundred bytes of nested aliases (a "billion laughs") would expand into
// gigabytes. Every decode of a template — Parse, DecodeYAML and the sandbox's
// CloudFormation engine — first passes CheckBounds, which walks the document
// as decoding would and stops at these limits, long before memory goes.
const (
	// MaxBodyBytes is the largest template accepted: AWS takes 1 MB by
	// TemplateURL (and 51,200 bytes as TemplateBody, which the sandbox
	// checks before decoding).
	MaxBodyBytes = 1 << 20
	// MaxDepth bounds nesting (aliases followed). A CloudFormation policy
	// document sits about ten levels down; AWS documents no limit.
	MaxDepth = 100
	// MaxAliasNodes bounds the nodes aliases and merge keys add to the
	// document as written, which is itself bounded by MaxBodyBytes.
	MaxAliasNodes = 10_000
)

// Limit names the bound a template exceeded.
type Limit int

const (
	LimitSize    Limit = iota + 1 // MaxBodyBytes
	LimitDepth                    // MaxDepth
	LimitAliases                  // MaxAliasNodes
)

// LimitError reports a template beyond one of the decoding bounds. Callers
// tell it from a malformed template with errors.As.
type LimitError struct {
	Limit        Limit
	Max          int
	Line, Column int // where the walk stopped; 0 for LimitSize
}

func (e *LimitError) Error() string {
	switch e.Limit {
	case LimitSize:
		return fmt.Sprintf("the template is larger than %d bytes", e.Max)
	case LimitDepth:
		return fmt.Sprintf("line %d: the template nests more than %d levels deep", e.Line, e.Max)
	default:
		return fmt.Sprintf("line %d: aliases expand the template by more than %d nodes", e.Line, e.Max)
	}
}

// CheckSize refuses a body larger than MaxBodyBytes.
func CheckSize(body []byte) error {
	if len(body) > MaxBodyBytes {
		return &LimitError{Limit: LimitSize, Max: MaxBodyBytes}
	}
	return nil
}

// CheckBounds walks n as decoding would, following aliases, and returns a
// *LimitError once nesting passes MaxDepth or aliases have added more than
// MaxAliasNodes nodes. The walk itself stops there, so it costs at most the
// written document plus MaxAliasNodes steps. A recursive alias nests without
// end, so it too ends at MaxDepth.
func CheckBounds(n *yaml.Node) error {
	w := boundsWalk{}
	return w.visit(n, nil, 0)
}

type boundsWalk struct{ added int }

// visit walks n at depth; alias is the outermost alias whose copy n is part
// of (nil in the document as written), which is where an error points.
func (w *boundsWalk) visit(n, alias *yaml.Node, depth int) error {
	if n == nil {
		return nil
	}
	at := n
	if alias != nil {
		at = alias
	}
	if depth > MaxDepth {
		return &LimitError{Limit: LimitDepth, Max: MaxDepth, Line: at.Line, Column: at.Column}
	}
	if alias != nil {
		if w.added++; w.added > MaxAliasNodes {
			return &LimitError{Limit: LimitAliases, Max: MaxAliasNodes, Line: at.Line, Column: at.Column}
		}
	}
	if n.Kind == yaml.AliasNode {
		// What the alias names is decoded again here: a copy.
		if alias == nil {
			alias = n
		}
		return w.visit(n.Alias, alias, depth+1)
	}
	for _, c := range n.Content {
		if err := w.visit(c, alias, depth+1); err != nil {
			return err
		}
	}
	return nil
}
