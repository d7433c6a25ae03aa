package pixels

import (
	"fmt"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"

	"github.com/hnn-project/hnn/hamiltonians"
	"github.com/hnn-project/hnn/internal/nn"
	"github.com/hnn-project/hnn/solver"
	"github.com/hnn-project/hnn/symplectic"
)

// Dynamics is the model of the latent dynamics.
type Dynamics string

const (
	// DynamicsHNN learns a Hamiltonian H_θ(z_q, z_p); the latent velocity
	// is its symplectic gradient J∇H_θ = (∂H_θ/∂z_p, −∂H_θ/∂z_q).
	DynamicsHNN Dynamics = "hnn"
	// DynamicsBaseline learns the latent velocity directly.
	DynamicsBaseline Dynamics = "baseline"
)

// Model is an autoencoder between frame pairs and a 2-D latent z =
// (z_q, z_p), with a model of the latent dynamics, and the affine map from
// latents to labels fitted on the training set.
type Model struct {
	Dynamics Dynamics
	// Encoder: 2·Side² → Width → Width → Width → 2; Decoder: 2 → Width →
	// Width → Width → 2·Side², both relu with the last two hidden layers
	// residual (nn.ResWorkspace). Field: 2 → Hidden → 1 (the HNN's H_θ) or
	// → 2 (the baseline's velocity), tanh, no output bias, as the reference
	// code's MLP.
	Encoder, Decoder, Field *nn.Net
	// Map is the least-squares affine map from the training set's latents
	// to their labels, label ≈ A·z + b.
	Map Affine
}

// Affine is the map y = A·z + B of the plane.
type Affine struct {
	A [2][2]float64
	B [2]float64
}

// Apply returns A·z + B.
func (f Affine) Apply(z0, z1 float64) (y0, y1 float64) {
	return f.A[0][0]*z0 + f.A[0][1]*z1 + f.B[0], f.A[1][0]*z0 + f.A[1][1]*z1 + f.B[1]
}

// newModel returns the model with its initial weights: orthogonal, biases
// ±1/sqrt(fan-in), as torch.nn.init.orthogonal_ on nn.Linear layers; the
// encoder, then the decoder, then the dynamics network from rng.
func newModel(dyn Dynamics, in int, set Settings, rng *rand.Rand) (*Model, error) {
	w := set.Model.Width
	hidden := []int{w, w, w}
	out := 1
	if dyn == DynamicsBaseline {
		out = 2
	}
	m := &Model{Dynamics: dyn}
	var err error
	for _, a := range []struct {
		net  **nn.Net
		arch nn.Arch
	}{
		{&m.Encoder, nn.Arch{In: in, Hidden: hidden, Out: 2, Act: nn.ReLU, OutputBias: true}},
		{&m.Decoder, nn.Arch{In: 2, Hidden: hidden, Out: in, Act: nn.ReLU, OutputBias: true}},
		{&m.Field, nn.Arch{In: 2, Hidden: set.Model.Hidden, Out: out, Act: nn.Tanh}},
	} {
		if *a.net, err = nn.New(a.arch); err != nil {
			return nil, fmt.Errorf("pixels: %w", err)
		}
		(*a.net).InitOrthogonal(rng)
	}
	return m, nil
}

// Hamiltonian returns the HNN's learned Hamiltonian H_θ of the latent, or
// nil for the baseline.
func (m *Model) Hamiltonian() hamiltonians.Hamiltonian {
	if m.Dynamics != DynamicsHNN {
		return nil
	}
	h, err := solver.NewLearned(m.Field)
	if err != nil {
		panic(err) // the field has two inputs and one output by construction
	}
	return h
}

// System returns the latent ODE ż = f(z) of the model (not safe for
// concurrent use; call System again for another goroutine).
func (m *Model) System() symplectic.System {
	if h := m.Hamiltonian(); h != nil {
		return symplectic.HamiltonianSystem(h)
	}
	ws := nn.NewResWorkspace(m.Field.Arch, 1, false)
	return func(dst []float64, _ float64, z []float64) {
		copy(dst, ws.Forward(m.Field, z))
	}
}

// coder runs the encoder or the decoder on batches of up to chunk rows.
type coder struct {
	net   *nn.Net
	chunk int
	ws    map[int]*nn.ResWorkspace
}

func newCoder(net *nn.Net) *coder {
	return &coder{net: net, chunk: 500, ws: map[int]*nn.ResWorkspace{}}
}

// run evaluates the network on the n rows of x.
func (c *coder) run(x []float64, n int) []float64 {
	in, out := c.net.Arch.In, c.net.Arch.Out
	y := make([]float64, 0, n*out)
	for lo := 0; lo < n; lo += c.chunk {
		b := min(c.chunk, n-lo)
		ws := c.ws[b]
		if ws == nil {
			ws = nn.NewResWorkspace(c.net.Arch, b, true)
			c.ws[b] = ws
		}
		y = append(y, ws.Forward(c.net, x[lo*in:(lo+b)*in])...)
	}
	return y
}

// Encode returns the latents (n × 2) of the n inputs in x (n × 2·Side²).
func (m *Model) Encode(x []float64, n int) []float64 { return newCoder(m.Encoder).run(x, n) }

// Decode returns the decoded inputs (n × 2·Side²) of the n latents in z.
func (m *Model) Decode(z []float64, n int) []float64 { return newCoder(m.Decoder).run(z, n) }

// encodeSamples encodes the samples [lo, hi) of d.
func (m *Model) encodeSamples(d *Dataset, lo, hi int) []float64 {
	c := newCoder(m.Encoder)
	in := d.In()
	x := make([]float64, c.chunk*in)
	z := make([]float64, 0, 2*(hi-lo))
	for s := lo; s < hi; s += c.chunk {
		b := min(c.chunk, hi-s)
		for r := 0; r < b; r++ {
			tr, j := d.At(s + r)
			tr.Sample(x[r*in:(r+1)*in], nil, j)
		}
		z = append(z, c.run(x[:b*in], b)...)
	}
	return z
}

// fitMap sets m.Map to the least-squares affine map from the latents of
// the training samples to their labels.
func (m *Model) fitMap(d *Dataset) error {
	N := d.Len() - d.Test
	z := m.encodeSamples(d, d.Test, d.Len())
	a := mat.NewDense(N, 3, nil)
	y := mat.NewDense(N, 2, nil)
	for i := 0; i < N; i++ {
		tr, j := d.At(d.Test + i)
		q, p := tr.Label(j)
		a.Set(i, 0, z[2*i])
		a.Set(i, 1, z[2*i+1])
		a.Set(i, 2, 1)
		y.Set(i, 0, q)
		y.Set(i, 1, p)
	}
	var x mat.Dense
	if err := x.Solve(a, y); err != nil {
		return fmt.Errorf("pixels: fitting the latents to the labels: %w", err)
	}
	for k := 0; k < 2; k++ {
		m.Map.A[k][0], m.Map.A[k][1], m.Map.B[k] = x.At(0, k), x.At(1, k), x.At(2, k)
	}
	return nil
}
