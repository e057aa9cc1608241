# heatmap.gp: when in the week the app is down: a row per day (Monday on top), a column per
# hour (UTC), the colour the minutes of downtime per year in that hour (with --metric
# business_hours_*, only the minutes inside business hours), with the Developer Portal's
# maintenance window, the RDS maintenance window and the business hours drawn as boxes.
# Downtime inside the portal window is planned; downtime elsewhere surprises the app's users,
# most of all inside business hours.
#
# zdsim writes before this text: NAME, DESCRIPTION, INFO, TEXT_TERMINAL, OUTAGES (count),
# HEAT_MIN, HEAT_MAX, HEAT_WHAT ("downtime" or "business-hours downtime"), PORTAL_TEXT,
# RDS_TEXT, BUSINESS_TEXT, NPORTAL, NRDS, NBUSINESS, and the blocks $heat (hour of day + 0.5,
# day 0 = Monday, minutes per year), $portal, $rds and $business (from hour, to hour, day).

HEAD = "When the app is down, by hour of the week (UTC): " . NAME
SUB = (DESCRIPTION eq "" ? "" : DESCRIPTION . "\n") . INFO . sprintf("; %d outages in all", OUTAGES)
set title HEAD . "\n" . SUB font ",13"

set xrange [0:24]
set xtics 0, 2, 24 format "%02.0f:00"
set xlabel "hour of the day (UTC)"
set yrange [6.5:-0.5]
set ytics ("Monday" 0, "Tuesday" 1, "Wednesday" 2, "Thursday" 3, "Friday" 4, \
           "Saturday" 5, "Sunday" 6)
set tics out nomirror
# Logarithmic colours: hours without any outage stay white.
set logscale cb
set cbrange [HEAT_MIN:HEAT_MAX]
set cblabel HEAT_WHAT . ": minutes per year in this hour (log scale)"
set palette defined (0 "#ffffff", 1 "#fee8c8", 2 "#fdbb84", 3 "#e34a33", 4 "#7f0000")
set key outside below center horizontal spacing 1.3

if (TEXT_TERMINAL) {
  # No images on a text terminal: the number in each hour that had any.
  plot $heat using 1:2:($3 > 0 ? sprintf("%.1f", $3) : "") with labels notitle, \
       for [k=1:(NPORTAL > 0)] $portal using (($1 + $2) / 2):3:(($2 - $1) / 2):(0.45) \
         with boxxyerror title "portal maintenance window (" . PORTAL_TEXT . ")", \
       for [k=1:(NRDS > 0)] $rds using (($1 + $2) / 2):3:(($2 - $1) / 2):(0.35) \
         with boxxyerror title "RDS maintenance window (" . RDS_TEXT . ")", \
       for [k=1:(NBUSINESS > 0)] $business using (($1 + $2) / 2):3:(($2 - $1) / 2):(0.25) \
         with boxxyerror title "business hours (" . BUSINESS_TEXT . ")"
} else {
  plot $heat using 1:2:($3 > 0 ? $3 : NaN) with image notitle, \
       for [k=1:(NPORTAL > 0)] $portal using (($1 + $2) / 2):3:(($2 - $1) / 2):(0.45) \
         with boxxyerror fs empty lc rgb "#0072B2" lw 4 \
         title "portal maintenance window (" . PORTAL_TEXT . "): planned downtime", \
       for [k=1:(NRDS > 0)] $rds using (($1 + $2) / 2):3:(($2 - $1) / 2):(0.35) \
         with boxxyerror fs empty lc rgb "#009E73" lw 4 \
         title "RDS maintenance window (" . RDS_TEXT . ")", \
       for [k=1:(NBUSINESS > 0)] $business using (($1 + $2) / 2):3:(($2 - $1) / 2):(0.25) \
         with boxxyerror fs empty lc rgb "#CC79A7" lw 2 dt 2 \
         title "business hours (" . BUSINESS_TEXT . ", UTC as in the first week)"
}
