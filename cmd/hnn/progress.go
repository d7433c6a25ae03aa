package main

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// progress draws a one-line progress bar on a terminal, at most ten times a
// second, and nothing when the output is not a terminal.
type progress struct {
	w     io.Writer
	on    bool
	last  time.Time
	width int
}

func newProgress(e *env) *progress { return &progress{w: e.stderr, on: e.tty} }

// show redraws the line with done out of total and a status text.
func (p *progress) show(done, total int, elapsed time.Duration, status string) {
	if !p.on || time.Since(p.last) < 100*time.Millisecond && done < total {
		return
	}
	p.last = time.Now()
	const barWidth = 24
	frac := 0.0
	if total > 0 {
		frac = float64(done) / float64(total)
	}
	n := int(frac * barWidth)
	bar := strings.Repeat("█", n) + strings.Repeat("·", barWidth-n)
	eta := ""
	if done > 0 && done < total {
		rest := time.Duration(float64(elapsed) * float64(total-done) / float64(done))
		eta = " ETA " + rest.Round(time.Second).String()
	}
	line := fmt.Sprintf("%s %3.0f%% %s%s", bar, 100*frac, status, eta)
	pad := ""
	if len(line) < p.width {
		pad = strings.Repeat(" ", p.width-len(line))
	}
	p.width = len(line)
	fmt.Fprintf(p.w, "\r%s%s", line, pad)
}

// done clears the line.
func (p *progress) done() {
	if p.on && p.width > 0 {
		fmt.Fprintf(p.w, "\r%s\r", strings.Repeat(" ", p.width))
		p.width = 0
	}
}
