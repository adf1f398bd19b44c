/* The probe-type, perf-event and kernel-feature tables, and lookups. */
#include <linux/perf_event.h>
#include <string.h>

#include "bytecode.h"

const struct tv_probe_type_info tv_probe_types[TV_PT__COUNT] = {
#define HOST TV_PT_HOST
#define NO_TASK TV_PT_NO_TASK
#define USER_CODE TV_PT_USER_CODE
#define RETVAL TV_PT_RETVAL
#define ADDRESS TV_PT_ADDRESS
#define TRACEFS TV_PT_TRACEFS
#define EVENTS TV_PT_EVENTS
#define USDT TV_PT_USDT
#define PROBE(id, name, alias, alias2, needs, flags)                                               \
	[TV_PT_##id] = {name, alias, alias2, TV_FEAT_##needs, flags},
#include "probes.def"
#undef HOST
#undef NO_TASK
#undef USER_CODE
#undef RETVAL
#undef ADDRESS
#undef TRACEFS
#undef EVENTS
#undef USDT
};

const struct tv_feature_info tv_features[TV_FEAT__COUNT] = {
#define FEATURE(id, what, instead) [TV_FEAT_##id] = {what, instead},
#include "features.def"
#undef FEATURE
};

const struct tv_perf_event tv_perf_events[] = {
#define PERF_EVENT(type, name, alias, config, count)                                               \
	{TV_PT_##type, name, alias, PERF_COUNT_##config, count},
#include "probes.def"
};

const unsigned tv_nperf_events = sizeof(tv_perf_events) / sizeof(tv_perf_events[0]);

static bool word_is(const char *word, const char *text, size_t n)
{
	return word && strlen(word) == n && !strncmp(word, text, n);
}

int tv_probe_type_find(const char *text, size_t n)
{
	for (int i = 0; i < TV_PT__COUNT; i++) {
		const struct tv_probe_type_info *t = &tv_probe_types[i];

		if (word_is(t->name, text, n) || word_is(t->alias, text, n) ||
		    word_is(t->alias2, text, n))
			return i;
	}
	return -1;
}

int tv_probe_type_of(const char *attach, const char **target)
{
	size_t n;

	if (!attach)
		return -1;
	n = strcspn(attach, ":");
	if (target)
		*target = attach[n] ? attach + n + 1 : attach + n;
	return tv_probe_type_find(attach, n);
}

bool tv_probe_has(const char *attach, __u32 flags)
{
	int t = tv_probe_type_of(attach, NULL);

	return t >= 0 && (tv_probe_types[t].flags & flags) == flags;
}

const struct tv_perf_event *tv_perf_event_find(enum tv_probe_type type, const char *text, size_t n)
{
	for (unsigned i = 0; i < tv_nperf_events; i++) {
		const struct tv_perf_event *e = &tv_perf_events[i];

		if (e->type == type && (word_is(e->name, text, n) || word_is(e->alias, text, n)))
			return e;
	}
	return NULL;
}
