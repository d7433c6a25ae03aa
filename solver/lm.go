package solver

import (
	"context"
	"math"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/lapack/lapack64"
	"gonum.org/v1/gonum/mat"

	"github.com/hnn-project/hnn/hamiltonians"
	"github.com/hnn-project/hnn/internal/nn"
)

// Levenberg–Marquardt polish. The loss is a sum of squares, L = ‖ρ‖²/n
// over the residual vector ρ of the n validation times (D components of
// r = dẑ/dt − J∇H(ẑ) per time, and √λ(H(ẑ) − E0) with the energy term), so
// a Gauss–Newton method converges far faster than a first-order one once
// near a minimum. Each iteration solves
//
//	(JᵀJ + μI) δ = −Jᵀρ,   J = ∂ρ/∂θ,
//
// and takes θ + δ when it lowers the loss, with Nielsen's update of the
// damping μ (Madsen, Nielsen & Tingleff, Methods for non-linear least
// squares problems, 2004, §3.2). The normal matrix has one row per
// parameter, so an iteration costs O(P²·nD + P³): the method suits networks
// of up to a few thousand parameters.
//
// Row (t, i) of J is the parameter gradient of ρ_i at t, one reverse pass
// of the single-point network with upstream gradients
//
//	∂ρ_i/∂N_j = f'·δ_ij − f·(J∇²H)_ij,   ∂ρ_i/∂Ṅ_j = f·δ_ij,
//
// and for the energy residual ∂/∂N_j = √λ·f·∂H/∂z_j, ∂/∂Ṅ = 0.

// jacobian holds the buffers of the residual Jacobian on the validation
// grid, computed in parallel chunks of times.
type jacobian struct {
	tr    *trainer
	times []float64
	rows  int // residuals per time: D, plus one with the energy term
	J     *mat.Dense
	rho   []float64
	parts []jacPart
	run   func(int)
	// rhoOnly makes eval compute ρ alone, leaving J as it was.
	rhoOnly bool
}

type jacPart struct {
	lo, hi      int
	ws          *nn.Workspace // one time
	t, x, one   []float64
	gY, gdY     []float64
	z, dz, g, r []float64
	buf         *lossBuffers
}

func newJacobian(tr *trainer, times []float64) *jacobian {
	D := tr.p.H.Dim()
	rows := D
	if tr.set.EnergyWeight > 0 {
		rows++
	}
	n := len(times)
	P := len(tr.net.Params)
	j := &jacobian{tr: tr, times: times, rows: rows, J: mat.NewDense(n*rows, P, nil), rho: make([]float64, n*rows)}
	c := numChunks(n)
	j.parts = make([]jacPart, c)
	for i := range j.parts {
		j.parts[i] = jacPart{
			lo: i * n / c, hi: (i + 1) * n / c,
			ws: nn.NewWorkspace(tr.net.Arch, 1, 1),
			t:  make([]float64, 1), x: make([]float64, 1), one: []float64{tr.set.inputRate()},
			gY: make([]float64, D), gdY: make([]float64, D),
			z: make([]float64, D), dz: make([]float64, D), g: make([]float64, D), r: make([]float64, D),
			buf: newLossBuffers(D),
		}
	}
	j.run = j.part
	return j
}

// eval computes ρ and J at the trainer's current parameters.
func (j *jacobian) eval() {
	nn.ParallelFor(len(j.parts), j.run)
}

func (j *jacobian) part(c int) {
	pt := &j.parts[c]
	tr := j.tr
	p := tr.p
	D := p.H.Dim()
	d := D / 2
	raw := j.J.RawMatrix()
	sqrtLambda := math.Sqrt(tr.set.EnergyWeight)
	hraw := pt.buf.hess.RawSymmetric()
	hess := func(a, b int) float64 { // upper triangle of the symmetric Hessian
		if a > b {
			a, b = b, a
		}
		return hraw.Data[a*hraw.Stride+b]
	}
	for n := pt.lo; n < pt.hi; n++ {
		t := j.times[n]
		pt.t[0] = t
		y, dy := pt.ws.Forward(tr.net, tr.set.inputs(pt.x, pt.t), pt.one)
		f, df := tr.set.Trial.f(t)
		for i := 0; i < D; i++ {
			pt.z[i] = p.Z0[i] + f*y[i]
			pt.dz[i] = df*y[i] + f*dy[i]
		}
		hamiltonians.Residual(pt.r, pt.g, p.H, pt.z, pt.dz)
		if j.rhoOnly {
			copy(j.rho[n*j.rows:n*j.rows+D], pt.r)
			if j.rows > D {
				j.rho[n*j.rows+D] = sqrtLambda * (p.H.H(pt.z) - tr.e0)
			}
			continue
		}
		tr.hess.Hess(pt.buf.hess, pt.z)
		for i := 0; i < D; i++ {
			// ℓ_i and row i of J∇²H.
			row := n*j.rows + i
			j.rho[row] = pt.r[i]
			for k := 0; k < D; k++ {
				var jh float64
				if i < d {
					jh = hess(d+i, k)
				} else {
					jh = -hess(i-d, k)
				}
				pt.gY[k], pt.gdY[k] = -f*jh, 0
			}
			pt.gY[i] += df
			pt.gdY[i] = f
			pt.ws.Backward(tr.net, pt.gY, pt.gdY, raw.Data[row*raw.Stride:row*raw.Stride+raw.Cols], nil, nil)
		}
		if j.rows > D {
			row := n*j.rows + D
			j.rho[row] = sqrtLambda * (p.H.H(pt.z) - tr.e0)
			for k := 0; k < D; k++ {
				pt.gY[k], pt.gdY[k] = sqrtLambda*f*pt.g[k], 0
			}
			pt.ws.Backward(tr.net, pt.gY, pt.gdY, raw.Data[row*raw.Stride:row*raw.Stride+raw.Cols], nil, nil)
		}
	}
}

// polishLM runs Levenberg–Marquardt on the validation grid (polishTimes)
// from the best model so far, for at most
// PolishIterations steps (accepted or rejected), judging each accepted step
// as a candidate model.
func (tr *trainer) polishLM(ctx context.Context, report func(epoch int, loss, lmax float64, phase Phase)) {
	times := tr.polishTimes()
	n := float64(len(times))
	jac := newJacobian(tr, times)
	b := newBatch(tr, len(times))
	P := len(tr.net.Params)
	params := tr.net.Params
	copy(params, tr.best)
	theta := append([]float64(nil), params...)

	M := len(jac.rho)
	// With fewer residuals than parameters the step is found from the
	// smaller, equivalent system (JJᵀ + μI)y = ρ, δ = −Jᵀy.
	dual := M < P
	N := P
	var jt []float64 // Jᵀ, P × M, for the dual system
	if dual {
		N = M
		jt = make([]float64, P*M)
	}
	var (
		gram  = make([]float64, N*N)
		chol  mat.Cholesky
		a     = mat.NewSymDense(N, nil)
		sol   = mat.NewVecDense(N, nil)
		grad  = mat.NewVecDense(P, nil)
		delta = mat.NewVecDense(P, nil)
		rho   = mat.NewVecDense(M, jac.rho)
	)
	var geo *geodesic
	if tr.set.fastLM {
		geo = newGeodesic(M, P)
	}
	jac.eval()
	cost := dotSelf(jac.rho)
	mu, nu := -1.0, 2.0
	iter := 0
	tr.train.PolishStatus = "IterationLimit"
	// reject raises the damping after a step that did not lower the loss.
	reject := func() {
		copy(params, theta)
		mu *= nu
		nu *= 2
	}
	for iter < tr.set.PolishIterations {
		if ctx.Err() != nil {
			tr.train.Stopped = StoppedInterrupted
			tr.train.PolishStatus = "interrupted"
			break
		}
		// The normal equations at θ: JᵀJ, or JJᵀ for the dual system (the
		// upper triangle, all a SymDense reads), and Jᵀρ.
		jd := jac.J.RawMatrix().Data
		if dual {
			for r := 0; r < M; r++ {
				for i, v := range jd[r*P : (r+1)*P] {
					jt[i*M+r] = v
				}
			}
			nn.GramUpper(M, P, jt, gram)
		} else {
			nn.GramUpper(P, M, jd, gram)
		}
		grad.MulVec(jac.J.T(), rho)
		if mu < 0 { // Madsen et al.'s start: τ·max diag(JᵀJ), τ = 1e-3 (or of JJᵀ)
			var dmax float64
			for i := 0; i < N; i++ {
				dmax = math.Max(dmax, gram[i*N+i])
			}
			mu = 1e-3 * dmax
		}
		accepted := false
		for !accepted && iter < tr.set.PolishIterations && mu < 1e30 {
			iter++
			ad := a.RawSymmetric().Data
			copy(ad, gram)
			for i := 0; i < N; i++ {
				ad[i*N+i] += mu
			}
			rhs := grad
			if dual {
				rhs = rho
			}
			if !tr.solveDamped(&chol, a, sol, rhs) {
				reject()
				continue
			}
			if dual {
				delta.MulVec(jac.J.T(), sol)
			} else {
				delta.CopyVec(sol)
			}
			// δ = −(JᵀJ + μI)⁻¹Jᵀρ; the model predicts a decrease of
			// ‖ρ‖² by δᵀ(μδ − Jᵀρ).
			var pred float64
			for i := 0; i < P; i++ {
				di := -delta.AtVec(i)
				params[i] = theta[i] + di
				pred += di * (mu*di - grad.AtVec(i))
			}
			if geo != nil {
				geo.accelerate(jac, a, dual, theta, params, delta)
			}
			newCost := b.eval(times, false) * n
			if !(newCost < cost) || !(pred > 0) {
				reject()
				continue
			}
			gain := (cost - newCost) / pred
			copy(theta, params)
			cost = newCost
			mu *= math.Max(1.0/3, 1-math.Pow(2*gain-1, 3))
			nu = 2
			accepted = true
		}
		if !accepted {
			if mu >= 1e30 {
				tr.train.PolishStatus = "no further decrease"
			}
			break
		}
		epoch := tr.train.Epochs + iter
		tr.recordLoss(epoch, cost/n)
		lmax, improved := tr.consider(epoch)
		report(epoch, cost/n, lmax, PhasePolish)
		if improved && tr.targetReached(0) {
			tr.train.PolishStatus = string(StoppedTarget)
			break
		}
		jac.eval()
	}
	tr.train.Polish = iter
}

func dotSelf(v []float64) float64 {
	var s float64
	for _, x := range v {
		s += x * x
	}
	return s
}

// solveDamped solves a·x = rhs into x by Cholesky, reporting false when a
// is not numerically positive definite. With fixed settings a step is
// also refused when gonum's estimate of a's condition number exceeds
// mat.ConditionTolerance; the automatic mode (Settings.fastLM) skips that
// estimate, a quarter of its time (a step spoilt by rounding raises the
// loss and is rejected like any other), and leaves the factor in a for
// geodesic.accelerate.
func (tr *trainer) solveDamped(chol *mat.Cholesky, a *mat.SymDense, x *mat.VecDense, rhs *mat.VecDense) bool {
	if !tr.set.fastLM {
		return chol.Factorize(a) && chol.SolveVecTo(x, rhs) == nil
	}
	sym := a.RawSymmetric()
	t, ok := lapack64.Potrf(sym)
	if !ok {
		return false
	}
	// a = UᵀU: two triangular solves (Potrs would go through the
	// matrix routine Dtrsm, slow for one right-hand side).
	x.CopyVec(rhs)
	v := x.RawVector()
	blas64.Trsv(blas.Trans, t, v)
	blas64.Trsv(blas.NoTrans, t, v)
	return true
}

// geodesic holds the buffers of the geodesic acceleration, allocated once
// per polish: y and its views yM (the dual system's M unknowns) and yP
// (the primal's P), rv over rvv.
type geodesic struct {
	rho0, rvv, y []float64
	yM, yP, rv   *mat.VecDense
	acc          *mat.VecDense
}

func newGeodesic(M, P int) *geodesic {
	g := &geodesic{rho0: make([]float64, M), rvv: make([]float64, M), y: make([]float64, max(M, P)), acc: mat.NewVecDense(P, nil)}
	g.yM, g.yP, g.rv = mat.NewVecDense(M, g.y[:M]), mat.NewVecDense(P, g.y[:P]), mat.NewVecDense(M, g.rvv)
	return g
}

// accelerate sets params to theta + v + ½a, with v = −delta the
// Levenberg–Marquardt step and a its geodesic acceleration (Transtrum &
// Sethna, Improvements to the Levenberg–Marquardt algorithm for nonlinear
// least-squares minimization, 2012): a = −(JᵀJ + μI)⁻¹Jᵀr_vv, with r_vv
// ≈ (2/h)((ρ(θ + hv) − ρ(θ))/h − Jv) the second directional derivative of
// the residuals along v (h = 0.1, one evaluation of ρ without J), solved
// with the Cholesky factor of JᵀJ + μI (or of JJᵀ + μI for the dual
// system) that fa holds. The acceleration is left out when 2‖a‖ > 0.75‖v‖
// (their α), where the second-order model is not to be trusted. Plain
// steps stall at ℓmax ≈ 1e-8, their gain ratio stuck near one half; with
// the acceleration windows of the oscillator reach 2e-10 in the same time.
func (g *geodesic) accelerate(jac *jacobian, fa *mat.SymDense, dual bool, theta, params []float64, delta *mat.VecDense) {
	const h = 0.1
	M := len(jac.rho)
	d := delta.RawVector().Data
	copy(g.rho0, jac.rho)
	for i := range params {
		params[i] = theta[i] - h*d[i]
	}
	jac.rhoOnly = true
	jac.eval()
	jac.rhoOnly = false
	raw := jac.J.RawMatrix()
	for r := 0; r < M; r++ {
		var jv float64
		for i, x := range raw.Data[r*raw.Stride : r*raw.Stride+len(d)] {
			jv -= x * d[i]
		}
		g.rvv[r] = 2 / h * ((jac.rho[r]-g.rho0[r])/h - jv)
	}
	copy(jac.rho, g.rho0)
	sym := fa.RawSymmetric()
	t := blas64.Triangular{Uplo: blas.Upper, Diag: blas.NonUnit, N: sym.N, Stride: sym.Stride, Data: sym.Data}
	y := blas64.Vector{N: sym.N, Inc: 1, Data: g.y}
	if dual {
		copy(g.y[:M], g.rvv)
	} else {
		g.yP.MulVec(jac.J.T(), g.rv)
	}
	blas64.Trsv(blas.Trans, t, y)
	blas64.Trsv(blas.NoTrans, t, y)
	if dual {
		g.acc.MulVec(jac.J.T(), g.yM)
	} else {
		g.acc.CopyVec(g.yP)
	}
	a := g.acc.RawVector().Data
	var vnorm, anorm float64
	for i := range d {
		vnorm += d[i] * d[i]
		anorm += a[i] * a[i]
	}
	ok := 2*math.Sqrt(anorm) <= 0.75*math.Sqrt(vnorm)
	for i := range params {
		params[i] = theta[i] - d[i]
		if ok {
			params[i] -= 0.5 * a[i]
		}
	}
}
