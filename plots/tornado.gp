# tornado.gp: which uncertain inputs move the answer (zdsim sensitivity): per input, the
# change at the low end and at the high end of its range, each with its paired 95 % interval,
# the input with the largest effect at the top.
#
# zdsim writes before this text: TITLE, SUBTITLE, XLABEL, LEGEND1, LEGEND2, TWO, N, LABEL[i],
# TEXT_TERMINAL, and $bars: one row per input: position (N-1 at the top .. 0), low-end change,
# lo, hi, high-end change, lo, hi.

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

H = 0.18
plot $bars using 2:($1 + H):(0):2:($1):($1 + 2 * H) with boxxyerror lc rgb "#3b75af" title LEGEND1, \
     $bars using 5:($1 - H):(0):5:($1 - 2 * H):($1) with boxxyerror lc rgb "#d9812c" title LEGEND2, \
     $bars using 2:($1 + H):3:4 with xerrorbars pt 7 ps 0.3 lc rgb "#222222" title "95 % paired interval", \
     $bars using 5:($1 - H):6:7 with xerrorbars pt 7 ps 0.3 lc rgb "#222222" notitle
