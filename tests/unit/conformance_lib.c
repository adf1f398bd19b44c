/* The conformance tests' shared fixtures (conformance.h): building a
 * program, running it in the kernel and in the vm, comparing records,
 * counters and maps, and the coverage of opcodes.def and builtins.def.
 */
#include "tests/unit/conformance.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

struct conformance G;
const __u64 zero_ctx[NW];

const char ustr[] = "hello, conformance";
const char ulong_str[] = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123"
			 "456789abcdefghijklmnopqrstuv";
const char u63[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789a";
const char *const keystrs[4] = {"alpha", "beta", u63, ""};

/* What ran both ways and was compared, over every group. */
static unsigned char covered[TV_OP__COUNT], covered_bi[TV_BI__COUNT];
static unsigned nprograms, nruns;

__u64 now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (__u64)ts.tv_sec * 1000000000ull + (__u64)ts.tv_nsec;
}

/* ---- records ------------------------------------------------------------- */

static int on_rec(const struct tv_rec *h, const void *payload, void *arg)
{
	struct recs *r = arg;

	/* No cmocka assert here: this may run inside libbpf's ring buffer
	 * loop, which a longjmp must not leave. */
	if (h->len > TV_SCRATCH) {
		r->err = 1;
		return 0;
	}
	if (h->kind == TV_REC_upid) {
		r->upids++;
		return 0;
	}
	if (r->n == r->cap) {
		int cap = r->cap ? 2 * r->cap : 16;
		struct rec *v = realloc(r->v, (size_t)cap * sizeof(*v));

		if (!v) {
			r->err = 1;
			return 0;
		}
		r->v = v;
		r->cap = cap;
	}
	r->v[r->n].h = *h;
	memcpy(r->v[r->n].p, payload, h->len);
	r->n++;
	return 0;
}

static void recs_reset(struct recs *r)
{
	r->n = 0;
	r->err = 0;
}

__u64 word(const struct rec *r, unsigned i)
{
	__u64 x;

	assert_true(8 * i + 8 <= r->h.len);
	memcpy(&x, r->p + 8 * i, 8);
	return x;
}

static void hex(char *buf, size_t size, const __u8 *p, size_t n)
{
	size_t used = 0;

	buf[0] = 0;
	for (size_t i = 0; i < n && used + 3 < size; i++)
		used += (size_t)snprintf(buf + used, size - used, "%02x", p[i]);
}

/* ---- the program under construction -------------------------------------- */

static void prog_drop(void)
{
	tv_vm_free(G.vm);
	if (G.vs)
		G.vs->ops->free(G.vs);
	tv_image_free(G.img);
	G.vm = NULL;
	G.vs = NULL;
	G.img = NULL;
	G.loaded = 0;
	G.runs = 0;
	G.nout = 0;
	G.out_base = OUT_DEFAULT;
	memset(G.loose, 0, sizeof(G.loose));
	recs_reset(&G.kr);
	recs_reset(&G.vr);
}

int ins(unsigned op, const __s64 *v, int n)
{
	int pc = tv_image_emit(G.img, op, v, n);

	if (pc < 0)
		fail_msg("%s: cannot emit %s: %d", G.name, tv_op_name(op), pc);
	return pc;
}

int here(void)
{
	return (int)G.img->ninsns;
}

/* Point the forward jump at `pc` to the next instruction emitted. */
void patch(int pc)
{
	G.img->insns[pc].imm = here() - (pc + 1);
}

/* LOOP back to `target`. */
void loop_to(unsigned r, int target)
{
	I(LOOP, r, here() + 1 - target);
}

int kconst(const void *data, size_t len)
{
	int k = tv_image_add_const(G.img, TV_CONST_str, data, len);

	assert_true(k >= 0);
	return k;
}

int kstr(const char *s)
{
	return kconst(s, strlen(s) + 1);
}

int map_d(unsigned kind, unsigned key, unsigned val, __s64 lmin, __s64 lmax, __s64 lstep)
{
	struct tv_mapdesc d = {.key_size = key,
			       .val_size = val,
			       .kind = kind,
			       .lmin = lmin,
			       .lmax = lmax,
			       .lstep = lstep};
	char name[16];
	int m;

	snprintf(name, sizeof(name), "@m%u", G.img->nmaps);
	m = tv_image_add_map(G.img, name, &d, "", "");
	assert_true(m >= 0);
	return m;
}

int map(unsigned kind, unsigned key, unsigned val)
{
	return map_d(kind, key, val, 0, 0, 0);
}

/* Probes get distinct attach points: the kernel chains blocks that share
 * one (EXIT continues with the next), which the vm does not model.  They
 * are never attached (BPF_PROG_TEST_RUN runs them), so they are optional:
 * the check for a tracepoint that does not exist passes them over. */
int probe_at(int pc)
{
	char attach[64];
	int p;

	snprintf(attach, sizeof(attach), "tracepoint:conformance:p%u", G.img->nprobes);
	p = tv_image_add_probe(G.img, attach, (__u32)pc);
	assert_true(p >= 0);
	G.img->probes[p].flags |= TV_PROBE_OPTIONAL;
	return p;
}

/* A new image, without the scratch-clearing prologue. */
void begin_raw(const char *name)
{
	char id[16];

	prog_drop();
	G.name = name;
	G.img = tv_image_new();
	assert_non_null(G.img);
	for (int i = 0; i < NIDS; i++) {
		snprintf(id, sizeof(id), "id%d", i);
		assert_int_equal(kstr(id), i);
	}
}

void begin(const char *name)
{
	begin_raw(name);
	I(SZERO, 0, TV_SCRATCH);
}

/* A probe whose block starts here, with its own prologue. */
int block_here(void)
{
	int p = probe_at(here());

	I(SZERO, 0, TV_SCRATCH);
	return p;
}

/* Register r to the next 8-byte output slot; flush() EMITs the slots. */
void out(unsigned r)
{
	assert_true(G.nout < OUT_SLOTS && G.out_base + 8 * (G.nout + 1) <= TV_SCRATCH);
	I(ST, r, U8, G.out_base + 8 * G.nout);
	G.nout++;
}

void flush(unsigned id)
{
	I(EMIT, TV_REC_printf, id, G.out_base, 8 * G.nout);
	G.nout = 0;
}

void need_kernel(void)
{
	if (!G.k)
		fail_msg("tv_kernel_open failed (%d): %s", G.open_rc, G.open_err);
}

void load(void)
{
	struct tv_err err = {0};

	need_kernel();
	if (!G.img->nprobes)
		probe_at(0);
	if (tv_image_validate(G.img, TV_VALIDATE_UNSAFE, &err))
		fail_msg("%s: invalid image: %s", G.name, err.msg);
	if (tv_kernel_load(G.k, G.img, &err))
		fail_msg("%s: tv_kernel_load: %s", G.name, err.msg);
	G.loaded = 1;
	G.vs = tv_vm_store_new(G.img);
	assert_non_null(G.vs);
	G.vm_t0 = now_ns();
	G.vm = tv_vm_new(G.img, G.vs, on_rec, &G.vr);
	G.vm_t1 = now_ns();
	assert_non_null(G.vm);
	nprograms++;
}

/* ---- running both ways --------------------------------------------------- */

void run_k(__u32 probe, const __u64 *ctx)
{
	struct tv_err err = {0};
	int n;

	recs_reset(&G.kr);
	if (tv_kernel_test_run(G.k, probe, ctx, CTX_LEN, &err))
		fail_msg("%s: tv_kernel_test_run: %s", G.name, err.msg);
	while ((n = tv_kernel_poll(G.k, 0, on_rec, &G.kr)) > 0)
		;
	if (n < 0)
		fail_msg("%s: tv_kernel_poll: %d", G.name, n);
	if (G.kr.err)
		fail_msg("%s: a kernel record could not be kept", G.name);
	nruns++;
}

void run_v(__u32 probe, const __u64 *ctx)
{
	/* The test entry reads RETVAL from context word 0 (kernel-side/bpf/
	 * ops.h), so the vm is given that word as the return value. */
	struct tv_vm_ctx c = {
	    .data = ctx, .len = CTX_LEN, .cookie = G.cookie0 + probe, .retval = ctx[0]};
	int rc;

	recs_reset(&G.vr);
	rc = tv_vm_run(G.vm, probe, &c, &G.res);
	if (rc)
		fail_msg("%s: tv_vm_run: %d", G.name, rc);
	if (G.vr.err)
		fail_msg("%s: a vm record could not be kept", G.name);
	G.vfaults += (__u64)G.res.fault;
}

static void describe(char *buf, size_t size, const struct recs *r)
{
	size_t used = 0;

	buf[0] = 0;
	for (int i = 0; i < r->n && i < 4 && used < size; i++)
		used += (size_t)snprintf(buf + used, size - used, "[%s id %u len %u block %u] ",
					 tv_record_name(r->v[i].h.kind), r->v[i].h.id,
					 r->v[i].h.len, r->v[i].h.block);
}

void cmp_records(__u32 probe)
{
	char a[160], b[160];

	if (G.kr.n != G.vr.n) {
		describe(a, sizeof(a), &G.kr);
		describe(b, sizeof(b), &G.vr);
		fail_msg(
		    "%s run %d (probe %u): kernel sent %d records, vm %d\n kernel: %s\n vm: %s",
		    G.name, G.runs, probe, G.kr.n, G.vr.n, a, b);
	}
	for (int i = 0; i < G.kr.n; i++) {
		const struct rec *k = &G.kr.v[i], *v = &G.vr.v[i];

		if (memcmp(&k->h, &v->h, sizeof(k->h)))
			fail_msg(
			    "%s run %d (probe %u) record %d: kernel {kind %u pad %u id %u len %u "
			    "block %u}, vm {kind %u pad %u id %u len %u block %u}",
			    G.name, G.runs, probe, i, k->h.kind, k->h.pad, k->h.id, k->h.len,
			    k->h.block, v->h.kind, v->h.pad, v->h.id, v->h.len, v->h.block);
		if (k->h.kind == TV_REC_printf && k->h.id < TV_MAX_CONSTS && G.loose[k->h.id])
			continue;
		for (unsigned j = 0; j < k->h.len; j++)
			if (k->p[j] != v->p[j]) {
				unsigned at = j & ~7u;
				unsigned n = k->h.len - at < 16 ? k->h.len - at : 16;

				hex(a, sizeof(a), k->p + at, n);
				hex(b, sizeof(b), v->p + at, n);
				fail_msg(
				    "%s run %d (probe %u) record %d (id %u): payload differs at "
				    "byte %u (word %u)\n kernel: %s\n vm:     %s",
				    G.name, G.runs, probe, i, k->h.id, j, j / 8, a, b);
			}
	}
}

void cmp_counters(void)
{
	__u64 faults = 0, lost = 0;

	assert_int_equal(tv_kernel_counters(G.k, &faults, &lost), 0);
	if (faults != G.vfaults)
		fail_msg("%s run %d: kernel counted %llu faults, vm %llu", G.name, G.runs,
			 (unsigned long long)faults, (unsigned long long)G.vfaults);
	assert_int_equal(lost, G.lost0);
}

/* Run probe on ctx in the kernel, then in the vm, and compare. */
void run(__u32 probe, const __u64 *ctx)
{
	run_k(probe, ctx);
	run_v(probe, ctx);
	cmp_records(probe);
	cmp_counters();
	G.runs++;
}

/* ---- maps ---------------------------------------------------------------- */

struct ent {
	__u8 key[TV_KEY_MAX];
	__u8 val[TV_VAL_MAX];
};

struct ents {
	struct ent *v;
	int n, cap, err;
	size_t ks, vs;
};

static int collect(const void *key, const void *val, void *arg)
{
	struct ents *e = arg;

	if (e->n == e->cap) {
		int cap = e->cap ? 2 * e->cap : 16;
		struct ent *v = realloc(e->v, (size_t)cap * sizeof(*v));

		if (!v) {
			e->err = 1;
			return -ENOMEM;
		}
		e->v = v;
		e->cap = cap;
	}
	memset(&e->v[e->n], 0, sizeof(e->v[e->n]));
	memcpy(e->v[e->n].key, key, e->ks);
	memcpy(e->v[e->n].val, val, e->vs);
	e->n++;
	return 0;
}

static size_t sort_ks;

static int by_key(const void *a, const void *b)
{
	return memcmp(((const struct ent *)a)->key, ((const struct ent *)b)->key, sort_ks);
}

static void gather(struct tv_store *s, __u32 m, struct ents *e)
{
	e->ks = tv_key_span(&G.img->maps[m].d);
	e->vs = tv_store_val_size(s, m);
	assert_int_equal(s->ops->each(s, m, collect, e), 0);
	assert_int_equal(e->err, 0);
	sort_ks = e->ks;
	if (e->n)
		qsort(e->v, (size_t)e->n, sizeof(*e->v), by_key);
}

/* Every map, both ways, as sorted (key, value) lists. */
static void cmp_maps(void)
{
	struct tv_store *ks = tv_kernel_store(G.k);

	for (__u32 m = 0; m < G.img->nmaps; m++) {
		struct ents k = {0}, v = {0};
		char a[300], b[300];
		int bad = -1;

		gather(ks, m, &k);
		gather(G.vs, m, &v);
		for (int i = 0; i < k.n && i < v.n && bad < 0; i++)
			if (memcmp(k.v[i].key, v.v[i].key, k.ks) ||
			    memcmp(k.v[i].val, v.v[i].val, k.vs))
				bad = i;
		for (int i = 1; i < k.n && bad < 0; i++)
			if (!by_key(&k.v[i - 1], &k.v[i]))
				bad = i; /* a key twice */
		if (k.n != v.n || bad >= 0) {
			int i = bad < 0 ? (k.n < v.n ? k.n : v.n) : bad;

			a[0] = b[0] = 0;
			if (i < k.n) {
				hex(a, 160, k.v[i].key, k.ks);
				hex(a + strlen(a), 140, k.v[i].val, k.vs);
			}
			if (i < v.n) {
				hex(b, 160, v.v[i].key, v.ks);
				hex(b + strlen(b), 140, v.v[i].val, v.vs);
			}
			free(k.v);
			free(v.v);
			fail_msg(
			    "%s: map %u (%s, key %u): kernel has %d entries, vm %d; entry %d:\n"
			    " kernel: %s\n vm:     %s",
			    G.name, m, tv_mapkind_name(G.img->maps[m].d.kind),
			    G.img->maps[m].d.key_size, k.n, v.n, i, a, b);
		}
		free(k.v);
		free(v.v);
	}
}

/* The value the vm holds at key (for checks against expectations). */
struct tv_agg vm_agg(__u32 m, const void *key)
{
	struct tv_agg a = {0};

	assert_int_equal(G.vs->ops->lookup(G.vs, m, key, &a), 0);
	return a;
}

/* A builtin counts when BUILTIN reads it: COUNTB reads some of them
 * through the same code, but not all, and no test should have to know. */
static void mark_covered(void)
{
	for (__u32 pc = 0; pc < G.img->ninsns; pc += 1 + tv_op_is_wide(G.img->insns[pc].op)) {
		const struct tv_insn *in = &G.img->insns[pc];

		if (in->op < TV_OP__COUNT)
			covered[in->op] = 1;
		if (in->op == TV_OP_BUILTIN && in->b < TV_BI__COUNT)
			covered_bi[in->b] = 1;
	}
}

/* Compare the maps, count the image's opcodes and builtins as covered, drop the
 * session's map entries and the program. */
void finish(void)
{
	struct tv_store *ks = tv_kernel_store(G.k);

	assert_true(G.runs > 0);
	cmp_maps();
	mark_covered();
	for (__u32 m = 0; m < G.img->nmaps; m++) {
		struct ents left = {0};

		assert_int_equal(ks->ops->clear(ks, m), 0);
		gather(ks, m, &left);
		free(left.v);
		assert_int_equal(left.n, 0);
	}
	prog_drop();
}

/* ---- fixtures ------------------------------------------------------------ */

/* The group's session: opened once, every test of the group loads its
 * programs into it. */
int conformance_group_setup(void **state)
{
	struct tv_err err = {0};
	struct tv_kernel_info info;

	(void)state;
	memset(&G, 0, sizeof(G));
	G.out_base = OUT_DEFAULT;
	G.have_cpus = !sched_getaffinity(0, sizeof(G.cpus), &G.cpus);
	prctl(PR_GET_NAME, G.comm);
	G.t_open0 = now_ns();
	G.open_rc = tv_kernel_open(&G.k, &err);
	G.t_open1 = now_ns();
	if (G.open_rc) {
		G.k = NULL;
		snprintf(G.open_err, sizeof(G.open_err), "%s", err.msg);
		return 0; /* the test bodies fail on it: no BPF is a failure */
	}
	tv_kernel_set_unsafe(G.k, true); /* the cases cover system() and signal() */
	tv_kernel_info(G.k, &info);
	G.session = info.session;
	G.cookie0 = info.cookie0;
	return 0;
}

int conformance_group_teardown(void **state)
{
	(void)state;
	prog_drop();
	tv_kernel_close(G.k);
	G.k = NULL;
	free(G.kr.v);
	free(G.vr.v);
	G.kr = G.vr = (struct recs){0};
	return 0;
}

/* Each test starts from the session's counters as they are, so a test
 * that failed halfway does not fail the next one. */
int conformance_setup(void **state)
{
	__u64 faults = 0, lost = 0;

	(void)state;
	prog_drop();
	if (!G.k)
		return 0;
	tv_kernel_set_helper_checks(G.k, 2); /* fault and helper records are compared too */
	if (tv_kernel_counters(G.k, &faults, &lost))
		return -1;
	G.vfaults = faults;
	G.lost0 = lost;
	return 0;
}

/* Undo what a test may have left when it failed: its map entries in the
 * session, a mapping, a CPU pinning, the thread's name. */
int conformance_teardown(void **state)
{
	(void)state;
	if (G.k && G.loaded) {
		struct tv_store *ks = tv_kernel_store(G.k);

		for (__u32 m = 0; m < G.img->nmaps; m++)
			ks->ops->clear(ks, m);
	}
	prog_drop();
	if (G.pages)
		munmap(G.pages, G.pages_len);
	G.pages = NULL;
	unpin();
	prctl(PR_SET_NAME, G.comm);
	return 0;
}

/* Pin this thread to one CPU (0 when it cannot be). */
int pin_cpu(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return !sched_setaffinity(0, sizeof(set), &set);
}

void unpin(void)
{
	if (G.have_cpus)
		sched_setaffinity(0, sizeof(G.cpus), &G.cpus);
}

/* A context of bytes in one of four patterns. */
void ctx_pattern(__u64 w[NW], int kind)
{
	__u8 *b = (__u8 *)w;

	for (int i = 0; i < CTX_LEN; i++) {
		switch (kind) {
		case 0: b[i] = (__u8)(0x80 | (i * 37)); break;
		case 1: b[i] = 0xff; break;
		case 2: b[i] = (__u8)i; break;
		default: b[i] = i & 1 ? 0x80 : 0x7f; break;
		}
	}
}

/* ---- coverage ------------------------------------------------------------ */

/* The names of the n rows of a table not marked in seen, after " ". */
static int list_missing(char *buf, size_t size, const unsigned char *seen, unsigned n,
			const char *(*name)(unsigned))
{
	size_t used = strlen(buf);
	int missing = 0;

	for (unsigned i = 0; i < n; i++)
		if (!seen[i]) {
			missing++;
			used += (size_t)snprintf(buf + used, size - used, " %s", name(i));
			if (used >= size)
				used = size - 1;
		}
	return missing;
}

void conformance_coverage(void **state)
{
	char ops[512] = "", bis[512] = "";
	int nop, nbi;

	(void)state;
	nop = list_missing(ops, sizeof(ops), covered, TV_OP__COUNT, tv_op_name);
	nbi = list_missing(bis, sizeof(bis), covered_bi, TV_BI__COUNT, tv_builtin_name);
	print_message("# conformance: %u programs, %u kernel runs, %d/%d opcodes and %d/%d "
		      "builtins covered\n",
		      nprograms, nruns, TV_OP__COUNT - nop, TV_OP__COUNT, TV_BI__COUNT - nbi,
		      TV_BI__COUNT);
	if (nop && nbi)
		fail_msg("%d opcodes without a conformance case:%s; %d builtins without one:%s",
			 nop, ops, nbi, bis);
	if (nop)
		fail_msg("%d opcodes without a conformance case:%s", nop, ops);
	if (nbi)
		fail_msg("%d builtins without a conformance case (BUILTIN, run both ways):%s", nbi,
			 bis);
}
