// SPDX-License-Identifier: GPL-2.0-only
/*
 * The interactive screen (ncursesw): a title line, the games list or one
 * game (text.c's layouts, cut to the window), and a status line of keys.
 * Between refreshes it waits in getch() with a timeout, which is the only
 * system call of a refresh besides drawing: keys and resizes wake it
 * early. A resize (KEY_RESIZE: ncurses has already resized stdscr) is a
 * redraw from scratch at the new size, with every line cut to its width.
 */
#include <curses.h>
#include <locale.h>
#include <signal.h>
#include <string.h>
#include <time.h>

#include "lfcetop.h"

enum mode { VIEW_GAMES, VIEW_GAME };

struct view {
	struct top_model *m;
	double delay;
	enum mode mode;
	uint64_t sel_id;		/* the selected game, by id: rescans move indexes */
	int help;
};

struct curses_sink {
	struct top_sink base;
	int row, rows, cols;
};

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void curses_line(struct top_sink *sink, enum top_attr attr, const char *text)
{
	struct curses_sink *c = (struct curses_sink *)sink;
	int a = attr == TOP_HEAD ? A_BOLD : attr == TOP_SELECTED ? A_REVERSE : A_NORMAL;

	if (c->row >= c->rows)
		return;
	attron(a);
	mvaddnstr(c->row, 0, text, c->cols);
	if (attr == TOP_SELECTED)
		mvchgat(c->row, 0, c->cols, A_REVERSE, 0, NULL);
	attroff(a);
	c->row++;
}

static int selected(const struct view *v)
{
	int i = top_model_find(v->m, v->sel_id);

	return i >= 0 ? i : 0;
}

static void draw_help(struct top_sink *out)
{
	static const char *const lines[] = {
		"Keys",
		"  q            quit",
		"  Tab          switch view: games list / one game",
		"  Enter        show the selected game",
		"  g, Esc       the games list",
		"  Up, Down     select a game (j, k too)",
		"  Left, Right  previous, next game (p, n too)",
		"  r            list the games again now (LFCE_IOC_LIST)",
		"  + -          refresh slower, faster",
		"  space        refresh now",
		"  h, ?         this help",
	};
	size_t i;

	for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
		out->line(out, i ? TOP_PLAIN : TOP_HEAD, lines[i]);
}

static void draw_title(const struct view *v, int cols)
{
	char s[256], t[32];
	time_t now = time(NULL);
	struct tm tm;

	/* localtime_r: localtime() would stat /etc/localtime each time. */
	strftime(t, sizeof(t), "%H:%M:%S", localtime_r(&now, &tm));
	if (v->mode == VIEW_GAME && v->m->nr)
		snprintf(s, sizeof(s), "lfcetop %s  %s  game %llu (%d of %zu)  every %.2gs",
			 LFCETOP_VERSION, t, (unsigned long long)v->m->game[selected(v)].id,
			 selected(v) + 1, v->m->nr, v->delay);
	else
		snprintf(s, sizeof(s), "lfcetop %s  %s  %zu games  every %.2gs", LFCETOP_VERSION,
			 t, v->m->nr, v->delay);
	attron(A_REVERSE);
	mvaddnstr(0, 0, s, cols);
	mvchgat(0, 0, cols, A_REVERSE, 0, NULL);
	attroff(A_REVERSE);
}

static void draw_status(const struct view *v, int row, int cols)
{
	char s[320];

	snprintf(s, sizeof(s), "q quit  Tab view  Enter open  arrows select  r rescan  h help%s%s",
		 v->m->note[0] ? "  | " : "", v->m->note);
	mvaddnstr(row, 0, s, cols);
}

static void draw(const struct view *v)
{
	struct curses_sink c = { .base = { .line = curses_line }, .row = 1 };

	getmaxyx(stdscr, c.rows, c.cols);
	c.base.width = c.cols;
	erase();
	if (c.rows < 1 || c.cols < 1)
		return;
	draw_title(v, c.cols);
	c.rows--;		/* the status line */
	if (v->help)
		draw_help(&c.base);
	else if (v->mode == VIEW_GAME && v->m->nr)
		top_text_game(&c.base, &v->m->game[selected(v)]);
	else
		top_text_games(&c.base, v->m, selected(v));
	if (c.rows >= 1)
		draw_status(v, c.rows, c.cols);
	refresh();
}

/* Move the selection by @d games, staying in the list. */
static void move_sel(struct view *v, int d)
{
	int i = selected(v) + d;

	if (!v->m->nr)
		return;
	if (i < 0)
		i = 0;
	if (i >= (int)v->m->nr)
		i = v->m->nr - 1;
	v->sel_id = v->m->game[i].id;
}

enum action { ACT_NONE, ACT_QUIT, ACT_REFRESH, ACT_RESCAN };

static enum action key(struct view *v, int ch)
{
	switch (ch) {
	case 'q': case 'Q':
		return ACT_QUIT;
	case '\t':
		v->mode = v->mode == VIEW_GAME ? VIEW_GAMES : VIEW_GAME;
		break;
	case '\n': case '\r': case KEY_ENTER:
		v->mode = VIEW_GAME;
		break;
	case 'g': case 27: case KEY_BACKSPACE:
		v->mode = VIEW_GAMES;
		break;
	case KEY_UP: case 'k': case KEY_LEFT: case 'p':
		move_sel(v, -1);
		break;
	case KEY_DOWN: case 'j': case KEY_RIGHT: case 'n':
		move_sel(v, 1);
		break;
	case 'r':
		return ACT_RESCAN;
	case ' ':
		return ACT_REFRESH;
	case '+':
		v->delay = v->delay * 2 > 60 ? 60 : v->delay * 2;
		return ACT_REFRESH;
	case '-':
		v->delay = v->delay / 2 < 0.05 ? 0.05 : v->delay / 2;
		return ACT_REFRESH;
	case 'h': case '?':
		v->help = !v->help;
		break;
	}
	if (ch != 'h' && ch != '?' && ch != KEY_RESIZE && ch != ERR)
		v->help = 0;
	return ACT_NONE;
}

static void update(struct view *v, int rescan)
{
	struct top_model *m = v->m;

	if (rescan || (m->rescan > 0 && top_now() - m->last_scan >= m->rescan))
		top_model_scan(m);
	top_model_refresh(m);
	if (m->nr && top_model_find(m, v->sel_id) < 0)
		v->sel_id = m->game[0].id;
}

static void start_curses(void)
{
	struct sigaction sa = { .sa_handler = on_signal };

	/* LC_CTYPE only: numbers stay in the C locale's format. */
	setlocale(LC_CTYPE, "");
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	initscr();
	cbreak();
	noecho();
	keypad(stdscr, TRUE);
	set_escdelay(25);
	curs_set(0);
}

int top_view_run(struct top_model *m, const struct top_view_opts *o)
{
	struct view v = { .m = m, .delay = o->delay, .sel_id = o->start_game };
	double next = 0, left;
	enum action r = ACT_REFRESH;
	int ch;

	v.mode = o->start_game ? VIEW_GAME : VIEW_GAMES;
	start_curses();
	while (!stop && r != ACT_QUIT) {
		if (r == ACT_REFRESH || r == ACT_RESCAN || top_now() >= next) {
			update(&v, r == ACT_RESCAN);
			next = top_now() + v.delay;
		}
		draw(&v);
		left = next - top_now();
		timeout(left > 0 ? (int)(left * 1000) + 1 : 0);
		ch = getch();
		r = ch == ERR ? ACT_NONE : key(&v, ch);
	}
	endwin();
	return 0;
}
