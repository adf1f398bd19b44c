/* The maps of the one tracevm BPF object.  All of them are pinned; each
 * tracevm process owns one session slot in every table. */
#ifndef TV_BPF_MAPS_H
#define TV_BPF_MAPS_H

#define TV_NEST 4 /* a raw_tp may fire inside another run on the same CPU */
#define TV_RINGBUF_SIZE (1 << 20)
#define TV_PROG_TAGS 64 /* the tags map: pinned programs, by kind and copy */

struct tv_block {
	__u32 pc;    /* entry pc inside the session's instruction range */
	__u32 next;  /* 1 + global index of the next block on the same attach, or 0 */
	__u16 sess;  /* session slot */
	__u16 probe; /* probe index in the image */
	__u32 pad;
};

struct tv_sess {
	__u32 pid;
	__u32 live;	     /* the slot is owned (by pid) */
	__u32 running;	     /* its blocks run; 0 once it stops, before detaching */
	__u32 gen;	     /* bumped at each claim; a probe's cookie carries it */
	__u64 start_ns;	     /* bpf_ktime_get_ns() at session start, for `elapsed` */
	__u64 pid_start;     /* /proc/PID/stat starttime: a reused pid is not the owner */
	__u64 faults;	     /* memory reads that faulted */
	__u64 lost;	     /* records the ring buffer had no room for */
	__u32 helper_checks; /* -k's level: 2 sends a fault record for each read (else
				only counted) and a helper_error for a lookup's miss;
				1 a helper_error for another failed map helper */
	__u32 pad;
};

struct tv_kconst {
	__u32 len;
	__u8 data[TV_CONST_MAX];
};

struct tv_key_s {
	__u32 id; /* session << 16 | map */
	__u32 pad;
	__u8 k[TV_KEY_SMALL];
};

struct tv_key_l {
	__u32 id;
	__u32 pad;
	__u8 k[TV_KEY_LARGE];
};

struct tv_key_x {
	__u32 id;
	__u32 pad;
	__u8 k[TV_KEY_MAX];
};

struct tv_upid {
	__u32 id; /* session << 16, as data-map keys begin */
	__u32 pid;
};

struct tv_val {
	__u8 b[TV_VAL_MAX];
};

/* An entry a for loop copied from the map: its whole key, its value. */
#define TV_FOR_CHUNK 64
struct tv_for_entry {
	__u8 key[sizeof(struct tv_key_l)];
	__u8 val[TV_VAL_MAX];
};

struct tv_state {
	__u64 regs[TV_NREGS];
	__u32 pc, base, sess, probe;
	__u32 next, steps, gen;
	__u64 cookie;
	__u32 agg_map, agg_off; /* an aggregation deferred to after the switch */
	__u64 agg_x;
	/* a for loop's cursor (forloop.h); again: the step loop stopped to
	 * give a body, or what follows a loop, a budget of its own */
	__u32 again, for_runs;
	__u32 for_id, for_off, for_body, for_after;
	__u32 for_ksize, for_voff, for_vsize, for_agg, for_big;
	__u32 for_live, for_skip, for_pos, for_n, for_more;
	struct tv_key_s ks;
	union { /* a key is built in one of them at a time (mapops.h) */
		struct tv_key_l kl;
		struct tv_key_x kx;
	};
	struct tv_val val;
	__u8 scratch[2 * TV_SCRATCH]; /* the slack keeps off + len in bounds */
	__u8 out[sizeof(struct tv_rec) + TV_SCRATCH];
	struct tv_for_entry for_buf[TV_FOR_CHUNK];
};

#ifdef __bpf__
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, TV_MAX_SESSIONS *TV_MAX_INSNS);
	__type(key, __u32);
	__type(value, struct tv_insn);
} insns SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, TV_MAX_SESSIONS *TV_MAX_BLOCKS);
	__type(key, __u32);
	__type(value, struct tv_block);
} blocks SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, TV_MAX_SESSIONS *TV_MAX_MAPS);
	__type(key, __u32);
	__type(value, struct tv_mapdesc);
} mapdescs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, TV_MAX_SESSIONS *TV_MAX_CONSTS);
	__type(key, __u32);
	__type(value, struct tv_kconst);
} consts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, TV_MAX_SESSIONS);
	__type(key, __u32);
	__type(value, struct tv_sess);
} sessions SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, TV_NEST + 1);
	__type(key, __u32);
	__type(value, struct tv_state);
} state SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} depth SEC(".maps");

/* Preallocated: a map that allocates on update gets few elements in a
 * timer or NMI context (the kernel refills its cache only after the
 * interrupt), so one firing that added keys to several maps kept only the
 * first one's. */
#define DATA_MAP(name, maptype, keytype, valtype, n, flags)                                        \
	struct {                                                                                   \
		__uint(type, maptype);                                                             \
		__uint(max_entries, n);                                                            \
		__uint(map_flags, flags);                                                          \
		__type(key, keytype);                                                              \
		__type(value, valtype);                                                            \
	} name SEC(".maps")

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, TV_MAX_SESSIONS *TV_MAX_MAPS);
	__type(key, __u32);
	__type(value, struct tv_agg);
} agg_scalar SEC(".maps");

DATA_MAP(agg_s, BPF_MAP_TYPE_PERCPU_HASH, struct tv_key_s, struct tv_agg, 32768, 0);
DATA_MAP(agg_l, BPF_MAP_TYPE_PERCPU_HASH, struct tv_key_l, struct tv_agg, 32768, 0);
DATA_MAP(val_s, BPF_MAP_TYPE_HASH, struct tv_key_s, struct tv_val, 32768, BPF_F_NO_PREALLOC);
DATA_MAP(val_l, BPF_MAP_TYPE_HASH, struct tv_key_l, struct tv_val, 32768, BPF_F_NO_PREALLOC);
/* Extra-large keys: bpftrace's default map size.  agg_x stays preallocated
 * (as agg_s and agg_l, for timer and NMI contexts): 4096 of its entries
 * lock ~2.4 MB where 32768 would lock ~19 MB. */
#define TV_XMAP_ENTRIES 4096
DATA_MAP(agg_x, BPF_MAP_TYPE_PERCPU_HASH, struct tv_key_x, struct tv_agg, TV_XMAP_ENTRIES, 0);
DATA_MAP(val_x, BPF_MAP_TYPE_HASH, struct tv_key_x, struct tv_val, TV_XMAP_ENTRIES,
	 BPF_F_NO_PREALLOC);

/* processes whose user stacks were taken (interp.h: note_pid) */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 8192);
	__type(key, struct tv_upid);
	__type(value, __u8);
} upids SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_STACK_TRACE);
	__uint(max_entries, 4096);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, 127 * sizeof(__u64));
} stacks SEC(".maps");

/* The tag of each pinned program as loaded, by kind and copy: a warm start
 * reuses a pinned program only when its tag is the one recorded here.
 * User space alone reads and writes it. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, TV_PROG_TAGS);
	__type(key, __u32);
	__type(value, __u64);
} tags SEC(".maps");

struct tv_rb {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, TV_RINGBUF_SIZE);
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, TV_MAX_SESSIONS);
	__type(key, __u32);
	__array(values, struct tv_rb);
} rings SEC(".maps");
#endif

#endif
