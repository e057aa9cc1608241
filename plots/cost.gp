# cost.gp: what more instances buy and what they cost: downtime per year (left axis, solid,
# with 95 % confidence intervals) and instance-hours per year (right axis, dashed) against the
# number of app instances, for each series (evacuation policy).
#
# zdsim writes before this text: NAME, DESCRIPTION, INFO, HEAD_METRIC, METRIC_LABEL (the
# downtime drawn: "downtime", "downtime outside portal window"), TEXT_TERMINAL, NSERIES,
# SERIES[i], COLOUR[i], XMIN, XMAX, and $points: block i-1 = series i, columns instances,
# that downtime (minutes per year), 95 % low, 95 % high, instance-hours per year.

HEAD = HEAD_METRIC . " and cost by number of instances: " . NAME
SUB = (DESCRIPTION eq "" ? "" : DESCRIPTION . "\n") . INFO . "; bars: 95 % confidence interval"
set title HEAD . "\n" . SUB font ",13"

set xlabel "app instances"
set xrange [XMIN - 0.5 : XMAX + 0.5]
set xtics 1
set ylabel METRIC_LABEL . " (minutes per year): solid lines"
set yrange [0:*]
set ytics nomirror
set y2label "cost (instance-hours per year): dashed lines"
set y2range [0:*]
set y2tics
set format y2 "%.0f"
set grid xtics ytics lc rgb "#dddddd"
set key outside below center horizontal maxrows 2 width 2 title " "

DODGE = 0.06
X(i) = $1 + DODGE * (i - (NSERIES + 1) / 2.0)
plot for [i=1:NSERIES] $points index (i - 1) using (X(i)):2:3:4 \
       with yerrorlines lw 2 pt 7 ps 1.3 lc rgb COLOUR[i] title METRIC_LABEL . ", " . SERIES[i], \
     for [i=1:NSERIES] $points index (i - 1) using (X(i)):5 axes x1y2 \
       with linespoints lw 2 dt 2 pt 5 ps 1.1 lc rgb COLOUR[i] \
       title "instance-hours, " . SERIES[i]
