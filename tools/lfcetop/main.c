// SPDX-License-Identifier: GPL-2.0-only
/*
 * lfcetop: options, and the batch modes (--once, -b, --json), which print
 * plain text or JSON lines and never start curses.
 *
 * Exit status: 0 success, 1 usage, 2 the kernel refused (no device, no
 * such game, a mapping it would not give).
 */
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lfcetop.h"

#define MAX_ONLY	64

struct opts {
	int batch, json;
	unsigned long samples;		/* 0: until killed */
	int samples_set;
	double delay;
	double rescan;
	uint64_t only[MAX_ONLY];
	size_t nr_only;
};

static const char usage_text[] =
"Usage: lfcetop [OPTIONS]\n"
"Watch lfce games live: the interactive screen by default, plain text or\n"
"JSON lines with --once, -b or -j. lfcetop maps each game read-only once\n"
"and then reads only the mapping: no system call per refresh but the wait.\n"
"\n"
"Options:\n"
"  -b, --batch            plain text samples, no curses; until -n or killed\n"
"  -n, --iterations=N     stop after N samples (N >= 1)\n"
"  -d, --delay=SECONDS    between samples or refreshes (default 1; 0.01..3600)\n"
"      --once             one plain text sample: -b -n 1\n"
"  -j, --json             JSON lines, one object per sample; one sample unless\n"
"                         -b or -n says otherwise\n"
"  -g, --game=ID          watch game ID only (repeatable); the game list is\n"
"                         then never asked for\n"
"  -r, --rescan=SECONDS   list the games again every SECONDS (default 5;\n"
"                         0: only at the start and on the r key)\n"
"  -h, --help             this help\n"
"  -V, --version          versions of lfcetop, liblfce, the uapi and the module\n"
"\n"
"Keys: q quit, Tab switch view, Enter open a game, arrows select, r list\n"
"the games again, +/- refresh slower/faster, h help.\n"
"\n"
"Exit status: 0 success, 1 usage error, 2 the kernel refused.\n"
"See lfcetop(1).\n";

static void __attribute__((noreturn)) usage_error(const char *fmt, const char *arg)
{
	fputs("lfcetop: ", stderr);
	fprintf(stderr, fmt, arg);
	fputs("\nTry 'lfcetop --help'.\n", stderr);
	exit(1);
}

static double parse_seconds(const char *opt, const char *s, double lo, double hi)
{
	char *end;
	double v = strtod(s, &end);

	/* strtod follows LC_NUMERIC, which lfcetop never sets: '.' always. */
	if (end == s || *end || !(v >= lo && v <= hi)) {
		fprintf(stderr, "lfcetop: %s wants seconds from %g to %g, not '%s'\n", opt, lo, hi,
			s);
		fputs("Try 'lfcetop --help'.\n", stderr);
		exit(1);
	}
	return v;
}

static unsigned long long parse_number(const char *opt, const char *s, int base)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(s, &end, base);
	if (end == s || *end || errno || *s == '-' || !v) {
		fprintf(stderr, "lfcetop: %s wants a positive whole number, not '%s'\n", opt, s);
		fputs("Try 'lfcetop --help'.\n", stderr);
		exit(1);
	}
	return v;
}

/* The module's version from sysfs, if it says one. */
static void module_version(char *buf, size_t len)
{
	FILE *f = fopen("/sys/module/lfce/version", "r");

	snprintf(buf, len, "unknown");
	if (f) {
		if (fgets(buf, len, f))
			buf[strcspn(buf, "\n")] = 0;
		fclose(f);
	}
}

static int print_version(void)
{
	char mod[64];
	uint32_t abi = 0;
	int fd = lfce_open(O_RDONLY), ret = fd < 0 ? fd : lfce_version(fd, &abi);

	if (fd >= 0)
		close(fd);
	module_version(mod, sizeof(mod));
	printf("lfcetop %s\nliblfce LIBLFCE_0.1 (built in)\nuapi ABI %u\n", LFCETOP_VERSION,
	       LFCE_ABI_VERSION);
	if (ret)
		printf("module: cannot ask %s: %s\n", LFCE_DEVICE_PATH,
		       fd < 0 ? strerror(-fd) : lfce_strerror(ret));
	else
		printf("module %s, ABI %u\n", mod, abi);
	return 0;
}

static const struct option longopts[] = {
	{ "batch", no_argument, NULL, 'b' },
	{ "iterations", required_argument, NULL, 'n' },
	{ "delay", required_argument, NULL, 'd' },
	{ "once", no_argument, NULL, 'o' },
	{ "json", no_argument, NULL, 'j' },
	{ "game", required_argument, NULL, 'g' },
	{ "rescan", required_argument, NULL, 'r' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

static void parse(int argc, char **argv, struct opts *o)
{
	int c;

	while ((c = getopt_long(argc, argv, "bn:d:jg:r:hV", longopts, NULL)) != -1) {
		switch (c) {
		case 'b':
			o->batch = 1;
			break;
		case 'n':
			o->samples = parse_number("-n", optarg, 10);
			o->samples_set = 1;
			break;
		case 'd':
			o->delay = parse_seconds("-d", optarg, 0.01, 3600);
			break;
		case 'o':
			o->batch = 1;
			o->samples = 1;
			o->samples_set = 1;
			break;
		case 'j':
			o->json = 1;
			break;
		case 'g':
			if (o->nr_only == MAX_ONLY)
				usage_error("at most 64 games with -g (%s is one more)", optarg);
			o->only[o->nr_only++] = parse_number("-g", optarg, 0);
			break;
		case 'r':
			o->rescan = parse_seconds("-r", optarg, 0, 86400);
			break;
		case 'h':
			fputs(usage_text, stdout);
			exit(0);
		case 'V':
			exit(print_version());
		default:
			fputs("Try 'lfcetop --help'.\n", stderr);
			exit(1);
		}
	}
	if (optind < argc)
		usage_error("unexpected argument '%s'", argv[optind]);
	/* --json alone is one sample, like --once. */
	if (o->json && !o->batch && !o->samples_set)
		o->samples = 1;
	if (o->json || o->samples_set)
		o->batch = 1;
}

static void sleep_s(double s)
{
	struct timespec ts = { .tv_sec = (time_t)s, .tv_nsec = (long)((s - (time_t)s) * 1e9) };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

static void stdout_line(struct top_sink *sink, enum top_attr attr, const char *text)
{
	(void)sink;
	(void)attr;
	puts(text);
}

static void text_sample(const struct top_model *m, unsigned long i, unsigned long n)
{
	struct top_sink out = { .line = stdout_line, .width = 120 };
	char t[32];
	time_t now = time(NULL);
	struct tm tm;
	size_t k;

	/* localtime_r: localtime() would stat /etc/localtime each time. */
	strftime(t, sizeof(t), "%Y-%m-%d %H:%M:%S", localtime_r(&now, &tm));
	if (n)
		printf("lfcetop %s  %s  sample %lu of %lu  %zu games\n", LFCETOP_VERSION, t, i, n,
		       m->nr);
	else
		printf("lfcetop %s  %s  sample %lu  %zu games\n", LFCETOP_VERSION, t, i, m->nr);
	if (m->note[0])
		printf("note: %s\n", m->note);
	top_text_games(&out, m, -1);
	for (k = 0; k < m->nr; k++) {
		putchar('\n');
		top_text_game(&out, &m->game[k]);
	}
	putchar('\n');
	fflush(stdout);
}

static int run_batch(struct top_model *m, const struct opts *o)
{
	unsigned long i;

	for (i = 1; !o->samples || i <= o->samples; i++) {
		if (i > 1) {
			sleep_s(o->delay);
			if (m->rescan > 0 && top_now() - m->last_scan >= m->rescan)
				top_model_scan(m);
		}
		top_model_refresh(m);
		if (o->json)
			top_json_sample(stdout, m, i);
		else
			text_sample(m, i, o->samples);
		m->note[0] = 0;		/* said once */
		if (ferror(stdout))
			return 2;
	}
	return 0;
}

/* Before anything else: is there a module, and does it speak our ABI? */
static int check_device(void)
{
	uint32_t abi;
	int fd = lfce_open(O_RDONLY), ret;

	if (fd < 0) {
		fprintf(stderr, "lfcetop: cannot open %s: %s (is the lfce module loaded?)\n",
			LFCE_DEVICE_PATH, strerror(-fd));
		return 2;
	}
	ret = lfce_version(fd, &abi);
	close(fd);
	if (ret || abi != LFCE_ABI_VERSION) {
		fprintf(stderr, "lfcetop: the module speaks ABI %u, lfcetop ABI %u%s%s\n",
			ret ? 0 : abi, LFCE_ABI_VERSION, ret ? ": " : "",
			ret ? lfce_strerror(ret) : "");
		return 2;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct opts o = { .delay = 1, .rescan = 5 };
	struct top_model m = { 0 };
	struct top_view_opts vo;
	int ret;

	parse(argc, argv, &o);
	tzset();	/* once: localtime_r() does not look at the zone again */
	ret = check_device();
	if (ret)
		return ret;
	m.only = o.only;
	m.nr_only = o.nr_only;
	m.rescan = o.nr_only ? 0 : o.rescan;
	if (top_model_scan(&m)) {
		fprintf(stderr, "lfcetop: %s\n", m.note);
		top_model_free(&m);
		return 2;
	}
	if (o.batch) {
		ret = run_batch(&m, &o);
	} else if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fputs("lfcetop: the interactive view needs a terminal; use --once, -b or --json\n",
		      stderr);
		ret = 1;
	} else {
		vo = (struct top_view_opts){
			.delay = o.delay, .start_game = o.nr_only == 1 ? o.only[0] : 0,
		};
		ret = top_view_run(&m, &vo);
	}
	top_model_free(&m);
	return ret;
}
