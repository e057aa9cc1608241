# levers.gp: what each lever buys (zdsim explain), one horizontal bar per lever with its
# paired 95 % interval as a whisker, the best lever at the top. tornado.gp draws the same
# frame with two bars per input.
#
# zdsim writes before this text: TITLE, SUBTITLE, XLABEL, LEGEND1, LEGEND2, TWO, N, LABEL[i],
# TEXT_TERMINAL, and $bars: one row per bar: position (N-1 at the top .. 0), value, lo, hi,
# value2, lo2, hi2 (the second series only when TWO).

set title TITLE . (SUBTITLE eq "" ? "" : "\n" . SUBTITLE) font ",13"
set xlabel XLABEL
set yrange [-0.7:N - 0.3]
set ytics () nomirror
do for [i=1:N] { set ytics add (LABEL[i] N - i) }
set grid xtics lc rgb "#dddddd"
set xzeroaxis lt 1 lc rgb "#555555" lw 1
set key outside below center horizontal
set offsets graph 0.05, graph 0.05, 0, 0
set style fill solid 0.7 border -1

H = 0.32
plot $bars using 2:1:(0):2:($1 - H):($1 + H) with boxxyerror lc rgb "#3b75af" title LEGEND1, \
     $bars using 2:1:3:4 with xerrorbars pt 7 ps 0.4 lc rgb "#222222" title "95 % paired interval"
