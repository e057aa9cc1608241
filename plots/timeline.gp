# timeline.gp: one piece of platform work as the app lived it: instances that are routable
# and serving, instances starting, all containers (an old copy and its replacement both count
# while a cell is evacuated), the database up or down, and the time the app was down, for the
# 1-instance app and the 2-instance app side by side. The grey band is the platform work: an
# update, which drains the foundation's cells one after another, or an infrastructure
# restart, which restarts the app's instances one at a time, stop first; minutes count from
# its start.
#
# zdsim writes before this text: NAME, DESCRIPTION, INFO, TEXT_TERMINAL, NPANELS (1 or 2),
# PANEL[p], NOTE[p] (titles), UPDATE_LEN[p] (minutes), XFROM, XTO (minutes), YMAX, and
# $timeline: block p-1 = panel p, columns minutes since the update started, serving,
# starting, containers, database up (1/0), app up (1/0); each row holds until the next.

HEAD = "Platform work, minute by minute: " . NAME
SUB = (DESCRIPTION eq "" ? "" : DESCRIPTION . "\n") . "first replication; grey: the platform work runs; red: the app is down"
W = 1.0 / NPANELS
APP_DOWN = "#E41A1C"
TOP = YMAX + 0.8

set multiplot title HEAD . "\n" . SUB font ",13"
set xrange [XFROM:XTO]
set grid xtics ytics lc rgb "#dddddd"
do for [p=1:NPANELS] {
  L = (p - 1) * W + 0.05
  R = p * W - 0.015
  set lmargin at screen L
  set rmargin at screen R

  # Instances.
  set tmargin at screen 0.79
  set bmargin at screen 0.43
  set title PANEL[p] . "\n" . NOTE[p] font ",12"
  set object 1 rect from 0, graph 0 to UPDATE_LEN[p], graph 1 behind \
      fc rgb "#e6e6e6" fs solid 1.0 noborder
  set yrange [0:TOP]
  set ytics 0, 1
  set ylabel "instances"
  set format x ""
  unset xlabel
  unset key
  plot $timeline index (p - 1) using 1:2 with steps lw 3 lc rgb "#0072B2" \
         notitle, \
       $timeline index (p - 1) using 1:3 with steps lw 3 lc rgb "#E69F00" \
         notitle, \
       $timeline index (p - 1) using 1:4 with steps lw 2 dt 2 lc rgb "#555555" \
         notitle, \
       $timeline index (p - 1) using 1:((1 - $6) * TOP) with fillsteps \
         fs transparent solid 0.5 noborder lc rgb APP_DOWN notitle

  # The database.
  set tmargin at screen 0.40
  set bmargin at screen 0.21
  unset title
  set yrange [0:1.5]
  set ytics ("down" 0.25, "up" 1.25)
  set ylabel "database"
  set format x "%g"
  set xlabel "minutes since the platform work started"
  unset key
  plot $timeline index (p - 1) using 1:(0.25 + $5) with steps lw 3 lc rgb "#009E73" notitle, \
       $timeline index (p - 1) using 1:((1 - $6) * 1.5) with fillsteps \
         fs transparent solid 0.5 noborder lc rgb APP_DOWN notitle
  unset object 1
}

# One legend for both panels, in a strip of its own across the bottom.
set lmargin at screen 0.02
set rmargin at screen 0.98
set tmargin at screen 0.09
set bmargin at screen 0.0
unset border
unset tics
unset grid
unset xlabel
unset ylabel
set xrange [0:1]
set yrange [0:1]
set key center center horizontal maxrows 1 samplen 3 spacing 1 width 2
# A function outside the range (the plot needs something to draw) carries the legend.
plot 2 notitle, \
     keyentry with lines lw 3 lc rgb "#0072B2" title "instances routable and serving", \
     keyentry with lines lw 3 lc rgb "#E69F00" title "instances starting", \
     keyentry with lines lw 2 dt 2 lc rgb "#555555" title "containers (old and new copies)", \
     keyentry with boxes fs transparent solid 0.5 noborder fc rgb APP_DOWN title "app down", \
     keyentry with boxes fs solid 1.0 noborder fc rgb "#e6e6e6" \
       title "platform work running"
unset multiplot
