package pixels

import (
	"cmp"
	"slices"

	"github.com/hnn-project/hnn/internal/nn"
)

// Losses are the terms of the loss, each a mean over a set of samples.
type Losses struct {
	// Total = AE + CC + DynamicsWeight·Dynamics, the loss trained.
	Total float64
	// AE is the autoencoder's mean squared error over the pixels,
	// mean((x − x̂)²).
	AE float64
	// CC is the canonical-coordinate loss (Greydanus et al. Eq. 7),
	// mean((z_p − (z'_q − z_q))²): the latent's second coordinate must be
	// the change of its first over one frame.
	CC float64
	// Dynamics is mean((z' − (z + f(z)))²) over both latent coordinates:
	// one Euler step of the latent velocity f over one frame, f = J∇H_θ
	// for the HNN.
	Dynamics float64
}

// batch evaluates the loss of a model on B samples and its gradient with
// respect to every parameter. x2 holds the inputs (rows 0..B−1) and their
// successors (rows B..2B−1), filled by the caller. Each product runs on the
// calling goroutine.
type batch struct {
	m        *Model
	weight   float64 // the dynamics term's
	B, P     int
	enc, dec *nn.ResWorkspace
	gw       *nn.GradWorkspace // the HNN's H_θ and ∇H_θ
	bw       *nn.ResWorkspace  // the baseline's velocity
	x2       []float64         // 2B × P
	gxh      []float64         // ∂L/∂x̂, B × P
	gz2      []float64         // ∂L/∂z and ∂L/∂z', 2B × 2
	f, gf    []float64         // f(z) and ∂L/∂f, B × 2
	gbar     []float64         // ∂L/∂∇H_θ, B × 2
	gzf      []float64         // ∂L/∂z through f, B × 2
	gzd      []float64         // ∂L/∂z through the decoder, B × 2
	// The parameter gradients of the last call with grad.
	gEnc, gDec, gField []float64
}

// groupRows is the block of rows of the encoder's first product (see
// Dataset.order).
const groupRows = 50

func newBatch(m *Model, weight float64, B int) *batch {
	P := m.Encoder.Arch.In
	b := &batch{m: m, weight: weight, B: B, P: P,
		enc: nn.NewResWorkspace(m.Encoder.Arch, 2*B, true), dec: nn.NewResWorkspace(m.Decoder.Arch, B, true),
		x2: make([]float64, 2*B*P), gxh: make([]float64, B*P), gz2: make([]float64, 4*B),
		f: make([]float64, 2*B), gf: make([]float64, 2*B), gbar: make([]float64, 2*B), gzf: make([]float64, 2*B), gzd: make([]float64, 2*B),
		gEnc: make([]float64, len(m.Encoder.Params)), gDec: make([]float64, len(m.Decoder.Params)), gField: make([]float64, len(m.Field.Params))}
	b.enc.GroupRows(groupRows)
	if m.Dynamics == DynamicsHNN {
		b.gw = nn.NewGradWorkspace(m.Field.Arch, B)
	} else {
		b.bw = nn.NewResWorkspace(m.Field.Arch, B, false)
	}
	return b
}

// loss returns the losses of the batch in x2 and, with grad, stores their
// parameter gradient in gEnc, gDec and gField. With z = E(x), z' = E(x'),
// x̂ = D(z), r = z_p − (z'_q − z_q) and e = z' − z − f(z):
//
//	∂L/∂x̂ = 2(x̂ − x)/(B·P),
//	∂L/∂z_p += 2r/B, ∂L/∂z_q += 2r/B, ∂L/∂z'_q −= 2r/B,
//	∂L/∂z' += w·e/B, ∂L/∂z −= w·e/B, ∂L/∂f = −w·e/B,
//
// then ∂L/∂f goes back through the dynamics network to its parameters and
// to z (for the HNN through ∇H_θ: reverse over reverse, then
// GradWorkspace.InputGradient), ∂L/∂x̂ through the decoder to its
// parameters and to z, and ∂L/∂(z, z') through the encoder.
func (b *batch) loss(grad bool) Losses {
	B, P, m := b.B, b.P, b.m
	z2 := b.enc.Forward(m.Encoder, b.x2)
	z, zn := z2[:2*B], z2[2*B:]
	xh := b.dec.Forward(m.Decoder, z)
	var ls Losses
	x := b.x2[:B*P]
	sAE := 2 / float64(B*P)
	for i, v := range xh {
		r := v - x[i]
		ls.AE += r * r
		b.gxh[i] = sAE * r
	}
	ls.AE /= float64(B * P)

	f := b.f
	if b.gw != nil {
		_, g := b.gw.Gradient(m.Field, z)
		for i := 0; i < B; i++ {
			f[2*i], f[2*i+1] = g[2*i+1], -g[2*i]
		}
	} else {
		copy(f, b.bw.Forward(m.Field, z))
	}
	gz, gzn := b.gz2[:2*B], b.gz2[2*B:]
	clear(b.gz2)
	sCC, sDyn := 2/float64(B), b.weight/float64(B)
	for i := 0; i < B; i++ {
		r := z[2*i+1] - (zn[2*i] - z[2*i])
		ls.CC += r * r
		gz[2*i+1] += sCC * r
		gz[2*i] += sCC * r
		gzn[2*i] -= sCC * r
		for k := 2 * i; k < 2*i+2; k++ {
			e := zn[k] - z[k] - f[k]
			ls.Dynamics += e * e
			gzn[k] += sDyn * e
			gz[k] -= sDyn * e
			b.gf[k] = -sDyn * e
		}
	}
	ls.CC /= float64(B)
	ls.Dynamics /= float64(2 * B)
	ls.Total = ls.AE + ls.CC + b.weight*ls.Dynamics
	if !grad {
		return ls
	}
	b.dec.Backward(m.Decoder, b.gxh, b.gDec, b.gzd)
	if b.gw != nil {
		// f = (∂H/∂z_p, −∂H/∂z_q).
		for i := 0; i < B; i++ {
			b.gbar[2*i], b.gbar[2*i+1] = -b.gf[2*i+1], b.gf[2*i]
		}
		b.gw.Backward(m.Field, b.gbar, b.gField)
		b.gw.InputGradient(m.Field, b.gzf)
	} else {
		b.bw.Backward(m.Field, b.gf, b.gField, b.gzf)
	}
	for k := range gz {
		gz[k] += b.gzd[k] + b.gzf[k]
	}
	b.enc.Backward(m.Encoder, b.gz2, b.gEnc, nil)
	return ls
}

// order sorts the samples idx by the mean column of their first frame (then
// by index), which leaves the loss's value as it is and lets the encoder's
// first product skip the pixels that are black on a block of similar
// frames (nn.ResWorkspace.GroupRows).
func (d *Dataset) order(idx []int) {
	key := func(s int) float64 {
		tr, j := d.At(s)
		return tr.across[j+1]
	}
	slices.SortFunc(idx, func(a, b int) int {
		if c := cmp.Compare(key(a), key(b)); c != 0 {
			return c
		}
		return cmp.Compare(a, b)
	})
}

// fill copies samples idx of d (and their successors) into x2.
func (b *batch) fill(d *Dataset, idx []int) {
	B, P := b.B, b.P
	for r, s := range idx[:B] {
		tr, j := d.At(s)
		tr.Sample(b.x2[r*P:(r+1)*P], b.x2[(B+r)*P:(B+r+1)*P], j)
	}
}
