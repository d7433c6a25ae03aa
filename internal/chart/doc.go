// Package chart draws the project's figures with gonum/plot: a Chart is a
// title, axis labels and labelled series of (x, y) points, with optional
// horizontal levels (bounds), a vertical marker (the best epoch), legend
// notes and side panels; Figures renders named charts as PNG or SVG files
// plus an overview grid. Which charts a command draws is the command's
// business; how any chart looks is decided here, once.
//
// Conventions:
//
//   - Points that cannot be drawn are left out: NaN and ±Inf are counted
//     (Figures returns the count, so a diverged run still gets its pictures
//     and the caller reports what was dropped); values ≤ 0 on a log axis
//     are skipped silently.
//   - Log axes are marked at the powers of ten ("1e-05"), linear axes at
//     5 to 14 round values in their shortest form ("2500", "0.25").
//   - The legend goes in the corner of the data area that holds the fewest
//     points; LegendRoom raises the top of the y axis to make room for it.
//   - Past the palette's colours, series are told apart by dashes.
package chart
