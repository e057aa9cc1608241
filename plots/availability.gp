# availability.gp: availability against the number of app instances, a line per series (the
# evacuation policy, or whatever else the sweep varies), each point with its 95 % confidence
# interval as an error bar. The axis is spaced by nines (99.9 %, 99.99 %, ... equally apart);
# the right axis reads the same height as minutes of downtime per year.
#
# zdsim writes before this text: NAME, DESCRIPTION, INFO, HEAD_METRIC ("Availability"),
# METRIC_LABEL ("availability", "request availability": the metric drawn) (strings),
# TEXT_TERMINAL (0/1),
# NSERIES, SERIES[i] and COLOUR[i] (legend and colour of series i), XMIN, XMAX (instance
# counts), ULO, UHI (the unavailable share shown, %), and $points: block i-1 = series i,
# columns instances, availability %, 95 % low %, 95 % high %.

HEAD = HEAD_METRIC . " by number of instances: " . NAME
SUB = (DESCRIPTION eq "" ? "" : DESCRIPTION . "\n") . INFO . "; bars: 95 % confidence interval"
set title HEAD . "\n" . SUB font ",13"

set xlabel "app instances"
set xrange [XMIN - 0.5 : XMAX + 0.5]
set xtics 1

# 100 % - a on a log scale, drawn with availability labels.
set nonlinear y via -log10(100 - y) inverse 100 - 10**(-y)
set yrange [100 - UHI : 100 - ULO]
set ylabel (METRIC_LABEL eq "availability" ? "availability: share of time the app is up" \
            : METRIC_LABEL) . " (spaced by nines)"
# Tic labels are formats: a percent sign is written %%.
set ytics nomirror ("0 %%" 0, "50 %%" 50, "90 %%" 90, "99 %%" 99, "99.5 %%" 99.5, \
    "99.9 %%" 99.9, "99.95 %%" 99.95, "99.99 %%" 99.99, "99.995 %%" 99.995, \
    "99.999 %%" 99.999, "99.9995 %%" 99.9995, "99.9999 %%" 99.9999, "99.99995 %%" 99.99995, \
    "99.99999 %%" 99.99999)
# The same heights as downtime: (100 - a) / 100 * 525600 minutes per year.
set nonlinear y2 via -log10(y) inverse 10**(-y)
set y2range [UHI * 5256 : ULO * 5256]
set y2label "the same as downtime (minutes per year)"
set y2tics ("0.01" 0.01, "0.1" 0.1, "0.2" 0.2, "0.5" 0.5, "1" 1, "2" 2, "5" 5, "10" 10, \
    "20" 20, "50" 50, "100" 100, "200" 200, "500" 500, "1000" 1000, "2000" 2000, \
    "5000" 5000, "10000" 10000, "100000" 100000)
set grid xtics ytics lc rgb "#dddddd"
set key bottom right box opaque spacing 1.3

DODGE = 0.06
plot for [i=1:NSERIES] $points index (i - 1) \
     using ($1 + DODGE * (i - (NSERIES + 1) / 2.0)):2:3:4 \
     with yerrorlines lw 2 pt 7 ps 1.3 lc rgb COLOUR[i] title SERIES[i]
