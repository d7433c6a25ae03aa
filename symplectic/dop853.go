package symplectic

import (
	"context"
	"fmt"
	"math"

	"github.com/hnn-project/hnn/hamiltonians"
)

// System is a first-order ODE y' = f(t, y), written into dst.
type System func(dst []float64, t float64, y []float64)

// HamiltonianSystem returns the System ż = J∇H(z).
func HamiltonianSystem(h hamiltonians.Hamiltonian) System {
	return func(dst []float64, _ float64, y []float64) { hamiltonians.VectorField(dst, h, y) }
}

// DOP853 is the explicit Runge–Kutta method of order 8 of Dormand and
// Prince with the error estimator of order 5 and 3 and the dense output of
// order 7 of Hairer, Nørsett and Wanner (Solving ODEs I, §II.10; their
// code dop853.f). It is the reference solver.
type DOP853 struct {
	// RTol and ATol are the relative and absolute tolerances of the local
	// error. Zero means 1e-12 each.
	RTol, ATol float64
	// MaxSteps caps the number of steps (accepted and rejected). Zero
	// means 10^7.
	MaxSteps int
	// InitialStep is the first step size. Zero means Hairer's automatic
	// choice.
	InitialStep float64
	// MaxStep caps the step size. Zero means t1 − t0.
	MaxStep float64
}

// Stats counts the work of a DOP853 run.
type Stats struct {
	Accepted, Rejected int
	Evaluations        int // calls of f
	// ErrorEstimate is the sum over accepted steps of the estimated local
	// error, max_i |err_i|, from the embedded 5th/3rd-order estimators. As
	// these estimate an 8th-order method's error from lower orders, the sum
	// is pessimistic for smooth problems; it is an estimate, not a bound.
	ErrorEstimate float64
}

// Dense is a DOP853 solution with its 7th-order dense output.
type Dense struct {
	D      int
	t0, t1 float64
	ts     []float64 // step start times, then t1
	hs     []float64 // step sizes
	rc     []float64 // per step: 8 coefficient vectors of length D
	stats  Stats
}

// Solve integrates y' = f(t, y) from t0 to t1 > t0 starting at y0. It checks
// ctx every 256 steps.
func (d *DOP853) Solve(ctx context.Context, f System, y0 []float64, t0, t1 float64) (*Dense, error) {
	rtol, atol := d.RTol, d.ATol
	if rtol == 0 {
		rtol = 1e-12
	}
	if atol == 0 {
		atol = 1e-12
	}
	if !(rtol > 0) || !(atol > 0) {
		return nil, fmt.Errorf("symplectic: dop853: tolerances must be positive, got rtol=%g atol=%g", rtol, atol)
	}
	if !(t1 > t0) || math.IsInf(t1-t0, 0) {
		return nil, fmt.Errorf("symplectic: dop853: need t1 > t0, got [%g, %g]", t0, t1)
	}
	maxSteps := d.MaxSteps
	if maxSteps == 0 {
		maxSteps = 10_000_000
	}
	hmax := d.MaxStep
	if hmax == 0 || hmax > t1-t0 {
		hmax = t1 - t0
	}
	n := len(y0)
	if bad(y0) {
		return nil, fmt.Errorf("symplectic: dop853: initial state is not finite")
	}
	var k [17][]float64
	for i := range k {
		k[i] = make([]float64, n)
	}
	y := append([]float64(nil), y0...)
	y1 := make([]float64, n)
	yt := make([]float64, n)
	sol := &Dense{D: n, t0: t0, t1: t1}
	eval := func(dst []float64, t float64, y []float64) {
		f(dst, t, y)
		sol.stats.Evaluations++
	}
	eval(k[0], t0, y)
	if bad(k[0]) {
		return nil, fmt.Errorf("symplectic: dop853: the derivative is not finite at t=%g", t0)
	}
	h := d.InitialStep
	if h == 0 {
		h = hinit(eval, t0, y, k[0], k[1], k[2], hmax, rtol, atol)
	}
	h = math.Min(h, hmax)
	t := t0
	rejected := false
	last := false
	steps := 0
	for !last || t < t1 {
		if steps%256 == 0 && ctx.Err() != nil {
			return nil, fmt.Errorf("symplectic: dop853: %w", ctx.Err())
		}
		if steps >= maxSteps {
			return nil, fmt.Errorf("symplectic: dop853: more than %d steps needed before t=%g (reached t=%g); loosen the tolerances or check the problem", maxSteps, t1, t)
		}
		steps++
		if t+1.01*h >= t1 {
			h = t1 - t
			last = true
		} else {
			last = false
		}
		if h <= 1e-15*math.Max(1, math.Abs(t)) {
			return nil, fmt.Errorf("symplectic: dop853: step size underflow at t=%g (h=%g): the solution may blow up there", t, h)
		}
		// The twelve stages.
		for s := 1; s < 12; s++ {
			for i := 0; i < n; i++ {
				acc := 0.0
				for j, a := range dopA[s] {
					if a != 0 {
						acc += a * k[j][i]
					}
				}
				yt[i] = y[i] + h*acc
			}
			eval(k[s], t+dopC[s]*h, yt)
		}
		// k[12] is the 8th-order increment; y1 the new state.
		var err5, err3 float64
		for i := 0; i < n; i++ {
			inc := 0.0
			for j, b := range dopB {
				inc += b * k[j][i]
			}
			k[12][i] = inc
			y1[i] = y[i] + h*inc
			sk := atol + rtol*math.Max(math.Abs(y[i]), math.Abs(y1[i]))
			e3 := inc - dopBhh[0]*k[0][i] - dopBhh[1]*k[8][i] - dopBhh[2]*k[11][i]
			e5 := 0.0
			for j, e := range dopEr {
				e5 += e * k[j][i]
			}
			err3 += (e3 / sk) * (e3 / sk)
			err5 += (e5 / sk) * (e5 / sk)
		}
		deno := err5 + 0.01*err3
		if deno <= 0 {
			deno = 1
		}
		errn := math.Abs(h) * err5 / math.Sqrt(float64(n)*deno)
		if math.IsNaN(errn) || bad(y1) {
			// Treat a non-finite trial step as a large error: shrink.
			h /= 10
			rejected, last = true, false
			sol.stats.Rejected++
			continue
		}
		// Step-size control (β = 0): fac = err^(1/8)/0.9 within [1/6, 3].
		fac := math.Pow(errn, 1.0/8) / 0.9
		fac = math.Max(1.0/6, math.Min(1/0.333, fac))
		hnew := h / fac
		if errn > 1 {
			h /= math.Min(1/0.333, math.Pow(errn, 1.0/8)/0.9)
			rejected, last = true, false
			sol.stats.Rejected++
			continue
		}
		// Accepted.
		sol.stats.Accepted++
		var maxsk float64
		for i := 0; i < n; i++ {
			maxsk = math.Max(maxsk, atol+rtol*math.Max(math.Abs(y[i]), math.Abs(y1[i])))
		}
		sol.stats.ErrorEstimate += errn * maxsk
		eval(k[13], t+h, y1) // f at the new point: FSAL
		sol.dense(t, h, y, y1, yt, k[:], eval)
		copy(k[0], k[13])
		copy(y, y1)
		t += h
		if last {
			t = t1
		}
		hnew = math.Min(math.Abs(hnew), hmax)
		if rejected {
			hnew = math.Min(hnew, h)
		}
		rejected = false
		h = hnew
		if last {
			break
		}
	}
	sol.ts = append(sol.ts, t1)
	return sol, nil
}

// dense computes the eight dense-output coefficient vectors of the step
// [t, t+h]: with s = (τ − t)/h and s1 = 1 − s,
//
//	y(τ) ≈ r1 + s(r2 + s1(r3 + s(r4 + s1(r5 + s(r6 + s1(r7 + s·r8)))))),
//
// which needs three extra stages (Hairer's contd8). k[13] must hold f at the
// new point.
func (sol *Dense) dense(t, h float64, y, y1, yt []float64, k [][]float64, eval func([]float64, float64, []float64)) {
	n := sol.D
	base := len(sol.rc)
	sol.rc = append(sol.rc, make([]float64, 8*n)...)
	r := func(j int) []float64 { return sol.rc[base+j*n : base+(j+1)*n] }
	// Column j of the extra-stage and dense-output tables weighs stage[j]:
	// the twelve stages, f(t+h, y1) (in k[13]), then the extra stages 14,
	// 15 and 16, computed here into k[14], k[15], k[16].
	var stage [16][]float64
	copy(stage[:12], k[:12])
	stage[12], stage[13], stage[14], stage[15] = k[13], k[14], k[15], k[16]
	for s, row := range dopAExtra {
		for i := 0; i < n; i++ {
			acc := 0.0
			for j, a := range row {
				if a != 0 {
					acc += a * stage[j][i]
				}
			}
			yt[i] = y[i] + h*acc
		}
		eval(stage[13+s], t+dopCExtra[s]*h, yt)
	}
	for i := 0; i < n; i++ {
		ydiff := y1[i] - y[i]
		bspl := h*k[0][i] - ydiff
		r(0)[i] = y[i]
		r(1)[i] = ydiff
		r(2)[i] = bspl
		r(3)[i] = ydiff - h*k[13][i] - bspl
		for row := 0; row < 4; row++ {
			acc := 0.0
			for j, dv := range dopD[row] {
				if dv != 0 {
					acc += dv * stage[j][i]
				}
			}
			r(4 + row)[i] = h * acc
		}
	}
	sol.ts = append(sol.ts, t)
	sol.hs = append(sol.hs, h)
}

// At stores y(t) in dst and returns it; nil dst allocates. Outside [t0, t1]
// it extrapolates the first or last step's polynomial.
func (sol *Dense) At(dst []float64, t float64) []float64 {
	n := sol.D
	if dst == nil {
		dst = make([]float64, n)
	}
	k := search(sol.ts, t)
	s := (t - sol.ts[k]) / sol.hs[k]
	s1 := 1 - s
	rc := sol.rc[k*8*n : (k+1)*8*n]
	for i := 0; i < n; i++ {
		r := func(j int) float64 { return rc[j*n+i] }
		dst[i] = r(0) + s*(r(1)+s1*(r(2)+s*(r(3)+s1*(r(4)+s*(r(5)+s1*(r(6)+s*r(7)))))))
	}
	return dst
}

// Stats returns the work counters of the run.
func (sol *Dense) Stats() Stats { return sol.stats }

// Steps returns the number of accepted steps.
func (sol *Dense) Steps() int { return len(sol.hs) }

// hinit is Hairer's initial step-size guess for an order-8 method.
func hinit(eval func([]float64, float64, []float64), t float64, y, f0, f1, y1 []float64, hmax, rtol, atol float64) float64 {
	var dnf, dny float64
	for i := range y {
		sk := atol + rtol*math.Abs(y[i])
		dnf += (f0[i] / sk) * (f0[i] / sk)
		dny += (y[i] / sk) * (y[i] / sk)
	}
	h := 0.01 * math.Sqrt(dny/dnf)
	if dnf <= 1e-10 || dny <= 1e-10 {
		h = 1e-6
	}
	h = math.Min(h, hmax)
	for i := range y {
		y1[i] = y[i] + h*f0[i]
	}
	eval(f1, t+h, y1)
	var der2 float64
	for i := range y {
		sk := atol + rtol*math.Abs(y[i])
		v := (f1[i] - f0[i]) / sk
		der2 += v * v
	}
	der2 = math.Sqrt(der2) / h
	der12 := math.Max(math.Abs(der2), math.Sqrt(dnf))
	h1 := math.Pow(0.01/der12, 1.0/8)
	if der12 <= 1e-15 {
		h1 = math.Max(1e-6, h*1e-3)
	}
	return math.Min(math.Min(100*h, h1), hmax)
}
