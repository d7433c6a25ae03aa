package hamiltonians

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits against hostile or mistaken input. Each gives a clear error, never
// a crash or a hang.
const (
	// MaxFormulaLen is the longest formula accepted, in bytes.
	MaxFormulaLen = 64 << 10
	// MaxDepth is the deepest nesting of parentheses, functions, unary
	// signs and powers.
	MaxDepth = 200
	// MaxVariables is the most state variables (coordinates plus momenta):
	// 64 degrees of freedom.
	MaxVariables = 128
	// MaxNodes caps the expression graph of H with its gradient and Hessian
	// (after sharing common subexpressions).
	MaxNodes = 1 << 20
)

// SyntaxError is a malformed formula or an unknown name. Col is the 1-based
// column, counted in characters, of the offending token.
type SyntaxError struct {
	Src string
	Col int
	Msg string
}

// Error returns the message with its column, then the formula and a caret
// under the column.
func (e *SyntaxError) Error() string {
	src := e.Src
	col := e.Col
	// Show at most 60 characters around the column so a long formula stays readable.
	runes := []rune(src)
	start := 0
	if len(runes) > 72 {
		start = max(0, min(col-1-36, len(runes)-72))
		end := min(len(runes), start+72)
		prefix, suffix := "", ""
		if start > 0 {
			prefix = "…"
		}
		if end < len(runes) {
			suffix = "…"
		}
		src = prefix + string(runes[start:end]) + suffix
		col = col - start + utf8.RuneCountInString(prefix)
	}
	src = strings.Map(func(r rune) rune {
		if r == '\n' || r == '\t' || r == '\r' {
			return ' '
		}
		return r
	}, src)
	return fmt.Sprintf("column %d: %s\n  %s\n  %s^", e.Col, e.Msg, src, strings.Repeat(" ", max(0, col-1)))
}

type tokKind int

const (
	tokEOF tokKind = iota
	tokNum
	tokName
	tokOp // + - * / ^ ( ) ,
)

type token struct {
	kind tokKind
	text string
	num  float64
	col  int // 1-based, in runes
}

func (t token) describe() string {
	switch t.kind {
	case tokEOF:
		return "the end of the formula"
	case tokNum:
		return "number " + t.text
	case tokName:
		return fmt.Sprintf("name %q", t.text)
	}
	return fmt.Sprintf("%q", t.text)
}

// lex splits src into tokens.
func lex(src string) ([]token, error) {
	var toks []token
	col := 1
	for i := 0; i < len(src); {
		r, size := utf8.DecodeRuneInString(src[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			return nil, &SyntaxError{src, col, "invalid UTF-8"}
		case r == ' ' || r == '\t' || r == '\n' || r == '\r':
			i += size
			col++
		case strings.ContainsRune("+-*/^(),", r):
			toks = append(toks, token{kind: tokOp, text: string(r), col: col})
			i += size
			col++
		case r == '.' || (r >= '0' && r <= '9'):
			j := i
			for j < len(src) && (src[j] >= '0' && src[j] <= '9' || src[j] == '.') {
				j++
			}
			if j < len(src) && (src[j] == 'e' || src[j] == 'E') {
				k := j + 1
				if k < len(src) && (src[k] == '+' || src[k] == '-') {
					k++
				}
				if k < len(src) && src[k] >= '0' && src[k] <= '9' {
					for k < len(src) && src[k] >= '0' && src[k] <= '9' {
						k++
					}
					j = k
				}
			}
			text := src[i:j]
			v, err := strconv.ParseFloat(text, 64)
			if err != nil {
				if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange && !math.IsInf(v, 0) {
					// Underflow to zero or a denormal is fine.
				} else if ok && ne.Err == strconv.ErrRange {
					return nil, &SyntaxError{src, col, fmt.Sprintf("number %s is too large for a float64", text)}
				} else {
					return nil, &SyntaxError{src, col, fmt.Sprintf("malformed number %q", text)}
				}
			}
			toks = append(toks, token{kind: tokNum, text: text, num: v, col: col})
			col += j - i
			i = j
		case r == '_' || unicode.IsLetter(r) && r < utf8.RuneSelf:
			j := i
			for j < len(src) {
				c := src[j]
				if c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' {
					j++
					continue
				}
				break
			}
			toks = append(toks, token{kind: tokName, text: src[i:j], col: col})
			col += j - i
			i = j
		default:
			return nil, &SyntaxError{src, col, fmt.Sprintf("unexpected character %q", r)}
		}
	}
	toks = append(toks, token{kind: tokEOF, col: col})
	return toks, nil
}

var constants = map[string]float64{"pi": math.Pi, "e": math.E}

// parser is a recursive-descent parser over the grammar
//
//	expr    = term { ("+" | "-") term }
//	term    = unary { ("*" | "/") unary }
//	unary   = ("-" | "+") unary | power
//	power   = primary [ "^" unary ]
//	primary = number | name | name "(" expr { "," expr } ")" | "(" expr ")"
//
// building nodes of g directly.
type parser struct {
	src   string
	toks  []token
	pos   int
	depth int
	g     *graph
	names map[string]int32 // name → node (variables and parameters)
	known []string         // for "unknown name" messages
}

func (p *parser) peek() token { return p.toks[p.pos] }
func (p *parser) next() token { t := p.toks[p.pos]; p.pos++; return t }

func (p *parser) errAt(t token, format string, args ...any) error {
	return &SyntaxError{Src: p.src, Col: t.col, Msg: fmt.Sprintf(format, args...)}
}

func (p *parser) enter(t token) error {
	p.depth++
	if p.depth > MaxDepth {
		return p.errAt(t, "formula nested deeper than %d levels", MaxDepth)
	}
	return nil
}

func (p *parser) parse() (int32, error) {
	if p.peek().kind == tokEOF {
		return 0, p.errAt(p.peek(), "empty formula: expected an expression")
	}
	n, err := p.expr()
	if err != nil {
		return 0, err
	}
	if t := p.peek(); t.kind != tokEOF {
		if t.text == ")" {
			return 0, p.errAt(t, "unmatched \")\"")
		}
		return 0, p.errAt(t, "expected an operator (+ - * / ^) or the end of the formula, found %s", t.describe())
	}
	return n, nil
}

func (p *parser) expr() (int32, error) {
	a, err := p.term()
	if err != nil {
		return 0, err
	}
	for {
		t := p.peek()
		if t.kind != tokOp || (t.text != "+" && t.text != "-") {
			return a, nil
		}
		p.next()
		b, err := p.term()
		if err != nil {
			return 0, err
		}
		if t.text == "+" {
			a = p.g.add(a, b)
		} else {
			a = p.g.sub(a, b)
		}
		if err := p.g.check(); err != nil {
			return 0, p.errAt(t, "%v", err)
		}
	}
}

func (p *parser) term() (int32, error) {
	a, err := p.unary()
	if err != nil {
		return 0, err
	}
	for {
		t := p.peek()
		if t.kind != tokOp || (t.text != "*" && t.text != "/") {
			return a, nil
		}
		p.next()
		b, err := p.unary()
		if err != nil {
			return 0, err
		}
		if t.text == "*" {
			a = p.g.mul(a, b)
		} else {
			a = p.g.div(a, b)
		}
		if err := p.g.check(); err != nil {
			return 0, p.errAt(t, "%v", err)
		}
	}
}

func (p *parser) unary() (int32, error) {
	t := p.peek()
	if t.kind == tokOp && (t.text == "-" || t.text == "+") {
		p.next()
		if err := p.enter(t); err != nil {
			return 0, err
		}
		a, err := p.unary()
		p.depth--
		if err != nil {
			return 0, err
		}
		if t.text == "-" {
			return p.g.neg(a), nil
		}
		return a, nil
	}
	return p.power()
}

func (p *parser) power() (int32, error) {
	a, err := p.primary()
	if err != nil {
		return 0, err
	}
	t := p.peek()
	if t.kind != tokOp || t.text != "^" {
		return a, nil
	}
	p.next()
	if err := p.enter(t); err != nil {
		return 0, err
	}
	b, err := p.unary() // right-associative: a^b^c = a^(b^c); a^-1 allowed
	p.depth--
	if err != nil {
		return 0, err
	}
	return p.g.pow(a, b), nil
}

func (p *parser) primary() (int32, error) {
	t := p.next()
	switch t.kind {
	case tokNum:
		return p.g.constant(t.num), nil
	case tokName:
		if fn, ok := functions[t.text]; ok {
			return p.call(t, fn)
		}
		if n, ok := p.names[t.text]; ok {
			if p.peek().text == "(" {
				return 0, p.errAt(p.peek(), "%q is not a function: expected an operator after it", t.text)
			}
			return n, nil
		}
		if v, ok := constants[t.text]; ok {
			// math.Pi and math.E are the doubles nearest π and e.
			return p.g.rounded(v, Interval{Lo: math.Nextafter(v, math.Inf(-1)), Hi: math.Nextafter(v, math.Inf(1))}), nil
		}
		return 0, p.errAt(t, "unknown name %q; known: %s", t.text, strings.Join(p.known, ", "))
	case tokOp:
		if t.text == "(" {
			if err := p.enter(t); err != nil {
				return 0, err
			}
			a, err := p.expr()
			p.depth--
			if err != nil {
				return 0, err
			}
			if c := p.next(); c.text != ")" {
				return 0, p.errAt(c, "expected \")\" to close the \"(\" at column %d, found %s", t.col, c.describe())
			}
			return a, nil
		}
		if t.text == ")" {
			return 0, p.errAt(t, "expected an expression, found \")\"")
		}
	}
	return 0, p.errAt(t, "expected a number, a name, a function or \"(\", found %s", t.describe())
}

func (p *parser) call(name token, fn op) (int32, error) {
	open := p.next()
	if open.text != "(" {
		return 0, p.errAt(open, "expected \"(\" after the function %s, found %s", name.text, open.describe())
	}
	if err := p.enter(open); err != nil {
		return 0, err
	}
	defer func() { p.depth-- }()
	var args []int32
	for {
		a, err := p.expr()
		if err != nil {
			return 0, err
		}
		args = append(args, a)
		c := p.next()
		if c.text == ")" {
			break
		}
		if c.text != "," {
			return 0, p.errAt(c, "expected \",\" or \")\" in the arguments of %s, found %s", name.text, c.describe())
		}
	}
	want := 1
	if fn == opPow {
		want = 2
	}
	if len(args) != want {
		return 0, p.errAt(name, "%s takes %d argument(s), got %d", name.text, want, len(args))
	}
	if fn == opPow {
		return p.g.pow(args[0], args[1]), nil
	}
	return p.g.fn(fn, args[0]), nil
}
