# SPDX-License-Identifier: GPL-2.0-only
# make bench's plot: commits per second against writers, all on one game
# or each on its own. gnuplot -e "dat='scaling.dat'; png='throughput.png'"
set terminal pngcairo size 800,500 font ",10"
set output png
set title "lfce engine (userspace build): commits per second against writers"
set xlabel "writers"
set ylabel "commits per second (millions)"
set xtics 1
set key top left
set grid ytics
plot dat using 1:($2/1e6) with linespoints lw 2 title "one game", \
     dat using 1:($3/1e6) with linespoints lw 2 title "one game each"
