package main

import (
	"context"
	"fmt"
	"os"
	"runtime/pprof"
	"strconv"
	"time"

	"github.com/hnn-project/hnn/errorbound"
	"github.com/hnn-project/hnn/problems"
	"github.com/hnn-project/hnn/solver"
)

func main() {
	data, _ := os.ReadFile(os.Args[1])
	src, _ := solver.ProblemSource(data)
	p, err := problems.Parse([]byte(src), "x", "model")
	if err != nil { panic(err) }
	sol, err := solver.Load(data, p.SolverProblem())
	if err != nil { panic(err) }
	N, _ := strconv.Atoi(os.Args[2])
	f, _ := os.Create("/tmp/profcert/cpu.out")
	pprof.StartCPUProfile(f)
	t := time.Now()
	c, err := errorbound.Certify(context.Background(), p.H, sol, p.End, &errorbound.CertifySettings{Intervals: N})
	pprof.StopCPUProfile()
	fmt.Printf("%+v %v %v\n", c, err, time.Since(t))
}
