// Command hnn solves Hamilton's equations with a data-free neural network,
// compares the answer with classical integrators and a high-accuracy
// reference, and reports error bounds. See doc.go for the commands.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := Main(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
