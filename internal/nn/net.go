package nn

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"

	"gonum.org/v1/gonum/mat"
)

// Activation is the nonlinearity of the hidden layers.
type Activation int

const (
	Sin Activation = iota
	Tanh
	Sigmoid
	ReLU
)

var actNames = []string{"sin", "tanh", "sigmoid", "relu"}

func (a Activation) String() string {
	if a >= 0 && int(a) < len(actNames) {
		return actNames[a]
	}
	return fmt.Sprintf("Activation(%d)", int(a))
}

// ParseActivation returns the activation with the given name.
func ParseActivation(name string) (Activation, error) {
	for i, n := range actNames {
		if n == name {
			return Activation(i), nil
		}
	}
	return 0, fmt.Errorf("unknown activation %q; expected one of %s", name, strings.Join(actNames, ", "))
}

// Limits on architectures.
const (
	MaxLayers = 16
	MaxWidth  = 4096
)

// Arch describes a fully connected network In → Hidden... → Out with the
// activation on every hidden layer and a linear output layer.
type Arch struct {
	In, Out    int
	Hidden     []int
	Act        Activation
	OutputBias bool // whether the output layer has a bias
}

// sizes returns the layer widths from input to output.
// addBias adds bias to every row of the row-major matrix m, whose rows
// are len(bias) long.
func addBias(m, bias []float64) {
	for r := 0; r < len(m); r += len(bias) {
		row := m[r : r+len(bias)]
		for j := range row {
			row[j] += bias[j]
		}
	}
}

func (a Arch) sizes() []int {
	return append(append([]int{a.In}, a.Hidden...), a.Out)
}

// Widths returns the layer widths from input to output: In, Hidden…, Out.
func (a Arch) Widths() []int { return a.sizes() }

// Validate reports what is wrong with a, if anything.
func (a Arch) Validate() error {
	if len(a.Hidden) > MaxLayers {
		return fmt.Errorf("nn: %d hidden layers; the limit is %d", len(a.Hidden), MaxLayers)
	}
	for _, n := range a.sizes() {
		if n < 1 || n > MaxWidth {
			return fmt.Errorf("nn: layer width %d outside [1, %d]", n, MaxWidth)
		}
	}
	if a.Act < Sin || a.Act > ReLU {
		return fmt.Errorf("nn: unknown activation %d", int(a.Act))
	}
	return nil
}

// NumParams returns the number of parameters.
func (a Arch) NumParams() int {
	s := a.sizes()
	n := 0
	for l := 0; l+1 < len(s); l++ {
		n += s[l] * s[l+1]
		if l+2 < len(s) || a.OutputBias {
			n += s[l+1]
		}
	}
	return n
}

// layer locates one layer's weights and bias in the parameter vector.
type layer struct {
	in, out int
	w, b    int // offsets; b < 0 when the layer has no bias
}

func (a Arch) layers() []layer {
	s := a.sizes()
	ls := make([]layer, len(s)-1)
	off := 0
	for l := range ls {
		ls[l] = layer{in: s[l], out: s[l+1], w: off, b: -1}
		off += s[l] * s[l+1]
		if l+1 < len(ls) || a.OutputBias {
			ls[l].b = off
			off += s[l+1]
		}
	}
	return ls
}

// Net is a network: its architecture and its parameters, stored flat so
// optimisers can treat them as one vector. Layer l contributes its weight
// matrix W_l (in × out, row-major: z = x·W + b) then its bias b_l.
type Net struct {
	Arch   Arch
	Params []float64
}

// New returns a network with zero parameters.
func New(a Arch) (*Net, error) {
	if err := a.Validate(); err != nil {
		return nil, err
	}
	a.Hidden = append([]int(nil), a.Hidden...)
	return &Net{Arch: a, Params: make([]float64, a.NumParams())}, nil
}

// InitGlorot draws every weight uniformly from ±sqrt(6/(in+out)) (Glorot
// and Bengio 2010) and sets the biases to zero.
func (n *Net) InitGlorot(rng *rand.Rand) {
	for _, l := range n.Arch.layers() {
		a := math.Sqrt(6 / float64(l.in+l.out))
		w := n.Params[l.w : l.w+l.in*l.out]
		for i := range w {
			w[i] = a * (2*rng.Float64() - 1)
		}
		if l.b >= 0 {
			clear(n.Params[l.b : l.b+l.out])
		}
	}
}

// InitUniform draws every weight and bias uniformly from ±1/sqrt(in), the
// default of PyTorch's nn.Linear (Kaiming-uniform with a = √5), which the
// reference implementations of the papers use.
func (n *Net) InitUniform(rng *rand.Rand) {
	for _, l := range n.Arch.layers() {
		a := 1 / math.Sqrt(float64(l.in))
		w := n.Params[l.w : l.w+l.in*l.out]
		for i := range w {
			w[i] = a * (2*rng.Float64() - 1)
		}
		if l.b >= 0 {
			b := n.Params[l.b : l.b+l.out]
			for i := range b {
				b[i] = a * (2*rng.Float64() - 1)
			}
		}
	}
}

// InitOrthogonal sets every weight matrix to a random orthogonal one (the
// Q of the QR factorisation of a Gaussian matrix, with the signs of R's
// diagonal, as torch.nn.init.orthogonal_) and draws the biases uniformly
// from ±1/sqrt(in), nn.Linear's default, which the reference code of
// Greydanus et al. leaves in place. (Zero biases would make a tanh network
// an odd function of its input at the start.)
func (n *Net) InitOrthogonal(rng *rand.Rand) {
	for _, l := range n.Arch.layers() {
		rows, cols := l.out, l.in // torch's weight is out × in; ours is its transpose
		tall := rows >= cols
		r, c := rows, cols
		if !tall {
			r, c = cols, rows
		}
		g := mat.NewDense(r, c, nil)
		for i := 0; i < r; i++ {
			for j := 0; j < c; j++ {
				g.Set(i, j, rng.NormFloat64())
			}
		}
		var qr mat.QR
		qr.Factorize(g)
		var q, rr mat.Dense
		qr.QTo(&q)
		qr.RTo(&rr)
		w := n.Params[l.w : l.w+l.in*l.out]
		for i := 0; i < r; i++ {
			for j := 0; j < c; j++ {
				v := q.At(i, j)
				if rr.At(j, j) < 0 {
					v = -v
				}
				// torch weight entry (row i, col j) of the out × in matrix, or its transpose when wide.
				ti, tj := i, j
				if !tall {
					ti, tj = j, i
				}
				w[tj*l.out+ti] = v // ours: W[in][out] = torch[out][in]
			}
		}
		if l.b >= 0 {
			a := 1 / math.Sqrt(float64(l.in))
			b := n.Params[l.b : l.b+l.out]
			for i := range b {
				b[i] = a * (2*rng.Float64() - 1)
			}
		}
	}
}

// apply sets h = σ(z), d1 = σ'(z), d2 = σ”(z) elementwise.
func (a Activation) apply(z, h, d1, d2 []float64) {
	if a == Sin {
		sinBatch(z, h, d1, d2)
		return
	}
	for i, v := range z {
		h[i], d1[i], d2[i] = a.eval(v)
	}
}

// eval evaluates σ, its first and its second derivative at z.
func (a Activation) eval(z float64) (s, d1, d2 float64) {
	switch a {
	case Sin:
		sn, cs := math.Sincos(z)
		return sn, cs, -sn
	case Tanh:
		t := math.Tanh(z)
		d := 1 - t*t
		return t, d, -2 * t * d
	case Sigmoid:
		s := 1 / (1 + math.Exp(-z))
		d := s * (1 - s)
		return s, d, d * (1 - 2*s)
	default:
		if z > 0 {
			return z, 1, 0
		}
		return 0, 0, 0
	}
}
