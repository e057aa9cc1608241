# outages.gp: how long outages last: the cumulative distribution of outage durations over all
# replications, on a log scale of time. For one run a line per cause (and one for all
# outages); for a sweep a line per run, one colour per instance count and one dash per series.
#
# zdsim writes before this text: NAME, DESCRIPTION, INFO, TEXT_TERMINAL, NLINES, LINE[i]
# (legend), COLOUR[i], DASH[i], WIDTH[i], XMIN (seconds; shorter outages are drawn at 1 ms),
# and $cdf: block i-1 = line i, columns duration (s),
# share of outages no longer than it (%).

HEAD = "How long outages last: " . NAME
SUB = (DESCRIPTION eq "" ? "" : DESCRIPTION . "\n") . INFO . "; outage counts over all replications in brackets"
set title HEAD . "\n" . SUB font ",13"

set logscale x
set xlabel "outage duration (log scale)"
set xrange [XMIN:*]
set xtics ("1 ms" 0.001, "10 ms" 0.01, "0.1 s" 0.1, "1 s" 1, "10 s" 10, "1 min" 60, "10 min" 600, \
           "1 h" 3600, "10 h" 36000, "1 day" 86400, "10 days" 864000)
set ylabel "outages no longer than this (% of all outages)"
set yrange [0:100]
set ytics 0, 10, 100
set grid xtics ytics lc rgb "#dddddd"
set key outside below center horizontal maxrows 4 width 2 title " "

plot for [i=1:NLINES] $cdf index (i - 1) using 1:2 \
     with steps lw WIDTH[i] dt DASH[i] lc rgb COLOUR[i] title LINE[i]
