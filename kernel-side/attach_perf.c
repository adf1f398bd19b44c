/* Perf-event providers, all run by tv_perf: interval (cpu-clock on one
 * CPU), profile (cpu-clock on every CPU), software and hardware events
 * (on every CPU), with bpftrace's names and default counts. */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <linux/perf_event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel-side/internal.h"

#define MAX_RATE "/proc/sys/kernel/perf_event_max_sample_rate"
#define CPU_ONLINE "/sys/devices/system/cpu/online"
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Time units of interval and profile; ns 0 is a rate in hz. */
static const struct unit {
	const char *name;
	__u64 ns;
} units[] = {{"s", 1000000000ULL}, {"ms", 1000000}, {"us", 1000}, {"hz", 0}};

/* A count as bpftrace writes them: decimal digits, optionally "eN". */
static int parse_count(const char *s, __u64 *out)
{
	unsigned long long v, e = 0;
	char *end;

	if (!isdigit((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (*end == 'e' && isdigit((unsigned char)end[1]))
		e = strtoull(end + 1, &end, 10);
	if (*end || errno)
		return -EINVAL;
	for (; e && v; e--) {
		if (v > ULLONG_MAX / 10)
			return -ERANGE;
		v *= 10;
	}
	*out = v;
	return 0;
}

static bool word_is(const char *word, const char *s, size_t n)
{
	return word && strlen(word) == n && !strncmp(word, s, n);
}

/* The kernel refuses sampling rates above this sysctl (EINVAL, at
 * perf_event_open): said before anything is attached. */
static int check_rate(const struct kattach *a, __u64 hz, struct tv_err *err)
{
	char buf[32];
	unsigned long long max;

	if (kattach_read_small(MAX_RATE, buf, sizeof(buf)) <= 0 ||
	    !(max = strtoull(buf, NULL, 10)) || hz <= max)
		return 0;
	return tv_err_set(err, 0,
			  "probe '%s': %llu Hz is above the kernel's limit of %llu (" MAX_RATE ")",
			  a->probe, (unsigned long long)hz, max);
}

/* UNIT:COUNT of interval and profile probes, as a cpu-clock event. */
static int clock_attr(const struct kattach *a, struct perf_event_attr *attr, struct tv_err *err)
{
	size_t n = strcspn(a->target, ":");
	__u64 count;

	attr->type = PERF_TYPE_SOFTWARE;
	attr->config = PERF_COUNT_SW_CPU_CLOCK;
	for (size_t i = 0; i < ARRAY_SIZE(units); i++) {
		const struct unit *u = &units[i];

		if (!word_is(u->name, a->target, n))
			continue;
		if (!a->target[n] || parse_count(a->target + n + 1, &count) || !count ||
		    (u->ns && count > ULLONG_MAX / u->ns))
			break;
		attr->freq = !u->ns;
		if (u->ns)
			attr->sample_period = count * u->ns;
		else
			attr->sample_freq = count;
		return attr->freq ? check_rate(a, count, err) : 0;
	}
	return tv_err_set(err, 0,
			  "probe '%s': expected UNIT:COUNT, UNIT one of s, ms, us, hz and COUNT a "
			  "positive integer",
			  a->probe);
}

/* EVENT[:COUNT] of software and hardware probes; no count (or 0) is the
 * event's default. */
static int named_attr(const struct kattach *a, enum tv_probe_type type,
		      struct perf_event_attr *attr, struct tv_err *err)
{
	size_t n = strcspn(a->target, ":");
	const char *count = a->target[n] ? a->target + n + 1 : "";
	const struct tv_perf_event *e = tv_perf_event_find(type, a->target, n);

	if (!e)
		return tv_err_set(err, 0, "probe '%s': '%.*s' is not a %s event", a->probe, (int)n,
				  a->target, tv_probe_types[type].name);
	attr->config = e->config;
	attr->sample_period = 0;
	if (*count && parse_count(count, &attr->sample_period))
		return tv_err_set(err, 0, "probe '%s': the count must be an integer", a->probe);
	if (!attr->sample_period)
		attr->sample_period = e->count;
	return 0;
}

static int attach_cpu(struct tv_kernel *k, struct perf_event_attr *attr, int cpu,
		      const struct kattach *a, struct tv_err *err)
{
	int pfd = kattach_perf_open(attr, -1, cpu);

	if (pfd >= 0)
		return kattach_perf_link(k, KPROG_tv_perf, pfd, a, err);
	if (attr->type == PERF_TYPE_HARDWARE &&
	    (pfd == -ENOENT || pfd == -EOPNOTSUPP || pfd == -ENODEV))
		return tv_err_set(err, 0,
				  "probe '%s': hardware counters are not available on this "
				  "machine (perf_event_open: %s)",
				  a->probe, strerror(-pfd));
	return tv_err_set(err, 0, "probe '%s': perf_event_open on CPU %d failed: %s%s", a->probe,
			  cpu, strerror(-pfd),
			  pfd == -EINVAL && attr->freq
			      ? " (is the rate above kernel.perf_event_max_sample_rate?)"
			      : "");
}

/* The event on each CPU of /sys/devices/system/cpu/online ("0-3,5"), or
 * on the first one only. */
int kattach_perf_cpus(struct tv_kernel *k, struct perf_event_attr *attr, bool first_only,
		      const struct kattach *a, struct tv_err *err)
{
	char buf[1024], *p = buf;
	int rc = kattach_read_small(CPU_ONLINE, buf, sizeof(buf)), n = 0;

	if (rc < 0)
		return tv_err_set(err, 0, "probe '%s': cannot read " CPU_ONLINE ": %s", a->probe,
				  strerror(-rc));
	while (isdigit((unsigned char)*p)) {
		long lo = strtol(p, &p, 10), hi = lo;

		if (*p == '-')
			hi = strtol(p + 1, &p, 10);
		for (long cpu = lo; cpu <= hi; cpu++, n++)
			if ((rc = attach_cpu(k, attr, cpu, a, err)) || first_only)
				return rc;
		if (*p == ',')
			p++;
	}
	return n ? 0 : tv_err_set(err, 0, "probe '%s': no online CPU in " CPU_ONLINE, a->probe);
}

static int sw_attr(const struct kattach *a, struct perf_event_attr *attr, struct tv_err *err)
{
	attr->type = PERF_TYPE_SOFTWARE;
	return named_attr(a, TV_PT_software, attr, err);
}

static int hw_attr(const struct kattach *a, struct perf_event_attr *attr, struct tv_err *err)
{
	attr->type = PERF_TYPE_HARDWARE;
	return kfeature_check(TV_FEAT_pmu, a, err) ?: named_attr(a, TV_PT_hardware, attr, err);
}

/* Each perf provider: its attach point read into an event (the check,
 * before anything is attached), then that event on the first or every
 * online CPU. */
#define PERF_PROVIDER(kind, build, first_only)                                                     \
	int kcheck_##kind(struct tv_kernel *k, const struct kattach *a, struct tv_err *err)        \
	{                                                                                          \
		struct perf_event_attr attr = {.size = sizeof(attr)};                              \
                                                                                                   \
		(void)k;                                                                           \
		return build(a, &attr, err);                                                       \
	}                                                                                          \
	int kattach_##kind(struct tv_kernel *k, const struct kattach *a, struct tv_err *err)       \
	{                                                                                          \
		struct perf_event_attr attr = {.size = sizeof(attr)};                              \
		int rc = build(a, &attr, err);                                                     \
                                                                                                   \
		return rc ? rc : kattach_perf_cpus(k, &attr, first_only, a, err);                  \
	}
PERF_PROVIDER(interval, clock_attr, true)
PERF_PROVIDER(profile, clock_attr, false)
PERF_PROVIDER(software, sw_attr, false)
PERF_PROVIDER(hardware, hw_attr, false)
