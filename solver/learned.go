package solver

import (
	"fmt"
	"sync"

	"gonum.org/v1/gonum/mat"

	"github.com/hnn-project/hnn/internal/nn"
)

// Learned is a Hamiltonian H_θ(q, p) given by a trained network with a
// scalar output (Greydanus et al., "Hamiltonian Neural Networks"). Its
// gradient is the network's input tangent along the D unit directions, and
// its Hessian is exact, by a reverse pass through those tangents. It is safe
// for concurrent use.
type Learned struct {
	net  *nn.Net
	mu   sync.Mutex
	ws   *nn.Workspace // batch 1, D tangents
	x    []float64
	dx   []float64 // the unit directions
	gY   []float64 // a zero upstream gradient for the value
	gdY  []float64
	grad []float64
	gx   []float64
}

// NewLearned wraps a network with D = net.Arch.In inputs (D even) and one
// output as a Hamiltonian. The network is used, not copied.
func NewLearned(net *nn.Net) (*Learned, error) {
	D := net.Arch.In
	if D < 2 || D%2 != 0 || net.Arch.Out != 1 {
		return nil, fmt.Errorf("solver: a learned Hamiltonian needs an even number of inputs and one output, got %d → %d", D, net.Arch.Out)
	}
	l := &Learned{net: net, ws: nn.NewWorkspace(net.Arch, 1, D), x: make([]float64, D), dx: make([]float64, D*D),
		gY: make([]float64, 1), gdY: make([]float64, D), grad: make([]float64, len(net.Params)), gx: make([]float64, D)}
	for j := 0; j < D; j++ {
		l.dx[j*D+j] = 1
	}
	return l, nil
}

// Net returns the network.
func (l *Learned) Net() *nn.Net { return l.net }

// Dim returns D.
func (l *Learned) Dim() int { return l.net.Arch.In }

// H returns H_θ(x).
func (l *Learned) H(x []float64) float64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	copy(l.x, x)
	y, _ := l.ws.Forward(l.net, l.x, l.dx)
	return y[0]
}

// Grad stores ∇H_θ(x) in dst.
func (l *Learned) Grad(dst, x []float64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	copy(l.x, x)
	_, dy := l.ws.Forward(l.net, l.x, l.dx)
	copy(dst, dy)
}

// Hess stores the exact Hessian ∇²H_θ(x) in dst: row j is the input
// gradient of the tangent output ∂H_θ/∂x_j.
func (l *Learned) Hess(dst *mat.SymDense, x []float64) {
	D := l.Dim()
	l.mu.Lock()
	defer l.mu.Unlock()
	copy(l.x, x)
	for j := 0; j < D; j++ {
		l.ws.Forward(l.net, l.x, l.dx)
		clear(l.gdY)
		l.gdY[j] = 1
		l.ws.Backward(l.net, l.gY, l.gdY, l.grad, l.gx, nil)
		for i := j; i < D; i++ {
			dst.SetSym(j, i, l.gx[i])
		}
	}
}
