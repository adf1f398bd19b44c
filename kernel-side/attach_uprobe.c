/* uprobe:PATH:FUNC, uprobe:PATH:FUNC+OFFSET, uprobe:PATH:ADDRESS and the
 * same for uretprobe.  The ELF symbol tables (.symtab, then .dynsym) give
 * the function's address, the PT_LOAD program headers its file offset,
 * and the uprobe PMU a perf event there for tv_kprobe (pt_regs context). */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <limits.h>
#include <linux/perf_event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kernel-side/internal.h"

struct uspec {
	char bin[PATH_MAX];  /* as written */
	char path[PATH_MAX]; /* resolved */
	char func[256];	     /* empty: an address was given */
	__u64 addr, off;     /* the address given, or the offset into func */
	bool ret;
};

/* Decimal, or hex after 0x; all of s. */
static int parse_num(const char *s, __u64 *v)
{
	bool hex = s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
	char *end;

	if (!isxdigit((unsigned char)s[hex ? 2 : 0]))
		return -EINVAL;
	errno = 0;
	*v = strtoull(s, &end, hex ? 16 : 10);
	return *end || errno ? -EINVAL : 0;
}

/* The last ':' of s outside a "quoted part", or NULL. */
static const char *last_colon(const char *s)
{
	const char *colon = NULL;
	bool quoted = false;

	for (; *s; s++)
		if (*s == '"')
			quoted = !quoted;
		else if (*s == ':' && !quoted)
			colon = s;
	return colon;
}

/* PATH:SPEC, split at the last ':'; FUNC may be quoted ("echo_builtin"+0),
 * as bpftrace's attach point parser takes it. */
static int parse_target(const struct kattach *a, struct uspec *u, struct tv_err *err)
{
	const char *colon = last_colon(a->target), *spec, *plus;
	size_t n;

	if (!colon || colon == a->target || !colon[1])
		goto bad;
	snprintf(u->bin, sizeof(u->bin), "%.*s", (int)(colon - a->target), a->target);
	spec = colon + 1;
	if (isdigit((unsigned char)spec[0]))
		return parse_num(spec, &u->addr)
			   ? tv_err_set(err, 0, "probe '%s': bad address '%s'", a->probe, spec)
			   : 0;
	plus = spec[0] == '"' ? strchr(spec + 1, '"') : spec;
	plus = plus ? strchr(plus, '+') : NULL;
	n = plus ? (size_t)(plus - spec) : strlen(spec);
	if (n >= 2 && spec[0] == '"' && spec[n - 1] == '"')
		spec++, n -= 2;
	if (!n || n >= sizeof(u->func) || (plus && parse_num(plus + 1, &u->off)))
		goto bad;
	memcpy(u->func, spec, n);
	return 0;
bad:
	return tv_err_set(err, 0,
			  "probe '%s': expected PATH:FUNCTION, PATH:FUNCTION+OFFSET or "
			  "PATH:ADDRESS",
			  a->probe);
}

/* A path with a '/' is taken as given; a bare name is found as bpftrace
 * finds it (bytecode's tv_uprobe_find_binary, which the frontend names
 * probes by); the real file is what a uprobe is on. */
int kuprobe_resolve_binary(const char *bin, char *path)
{
	char found[PATH_MAX];

	if (!tv_uprobe_find_binary(bin, found, sizeof(found)))
		return -ENOENT;
	return realpath(found, path) ? 0 : -errno;
}

static bool is_func(const GElf_Sym *s)
{
	int t = GELF_ST_TYPE(s->st_info);

	return (t == STT_FUNC || t == STT_GNU_IFUNC) && s->st_shndx != SHN_UNDEF && s->st_value;
}

typedef bool (*sym_pred)(const GElf_Sym *s, const char *name, const void *arg);

/* The probe's function: by name (func set) or the function holding addr. */
static bool probe_func(const GElf_Sym *s, const char *name, const void *arg)
{
	const struct uspec *u = arg;

	if (!is_func(s))
		return false;
	if (u->func[0])
		return !strcmp(name, u->func);
	return u->addr >= s->st_value && u->addr - s->st_value < (s->st_size ? s->st_size : 1);
}

/* Any symbol defined in the file, by name. */
static bool defined_named(const GElf_Sym *s, const char *name, const void *arg)
{
	return s->st_shndx != SHN_UNDEF && s->st_value && !strcmp(name, arg);
}

static bool find_in_table(Elf *e, Elf_Scn *scn, const GElf_Shdr *sh, sym_pred match,
			  const void *arg, GElf_Sym *out)
{
	Elf_Data *d = elf_getdata(scn, NULL);

	for (size_t i = 0; d && i < sh->sh_size / sh->sh_entsize; i++) {
		const char *name;

		if (!gelf_getsym(d, i, out))
			continue;
		name = elf_strptr(e, sh->sh_link, out->st_name);
		if (name && match(out, name, arg))
			return true;
	}
	return false;
}

/* The first symbol of .symtab, or else of .dynsym, that matches. */
static bool find_sym(Elf *e, sym_pred match, const void *arg, GElf_Sym *out)
{
	static const Elf64_Word tables[] = {SHT_SYMTAB, SHT_DYNSYM};

	for (size_t t = 0; t < 2; t++) {
		Elf_Scn *scn = NULL;
		GElf_Shdr sh;

		while ((scn = elf_nextscn(e, scn)))
			if (gelf_getshdr(scn, &sh) && sh.sh_type == tables[t] && sh.sh_entsize &&
			    find_in_table(e, scn, &sh, match, arg, out))
				return true;
	}
	return false;
}

/* A virtual address as a file offset, through the PT_LOAD segment holding it. */
int kuprobe_addr_to_offset(Elf *e, __u64 addr, __u64 *off)
{
	size_t n;

	if (elf_getphdrnum(e, &n))
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		GElf_Phdr ph;

		if (!gelf_getphdr(e, i, &ph) || ph.p_type != PT_LOAD)
			continue;
		if (addr >= ph.p_vaddr && addr - ph.p_vaddr < ph.p_filesz) {
			*off = addr - ph.p_vaddr + ph.p_offset;
			return 0;
		}
	}
	return -ENOENT;
}

static int resolve_in_elf(Elf *e, struct uspec *u, const struct kattach *a, __u64 *off,
			  struct tv_err *err)
{
	GElf_Sym s;
	bool found = find_sym(e, probe_func, u, &s);
	__u64 at;

	/* bpftrace 0.17's words, the path as written */
	if (!found && !u->func[0])
		return tv_err_set(err, 0, "Could not resolve address: %s:0x%llx", u->bin,
				  (unsigned long long)u->addr);
	if (!found) {
		tv_err_set(err, 0, "function '%s' not found in %s", u->func, u->path);
		return -ENOENT; /* left out where other probes attach */
	}
	if (!u->func[0])
		u->off = u->addr - s.st_value;
	if (u->off && u->off >= s.st_size) /* (an address is always inside its function) */
		return tv_err_set(err, 0, "Offset outside the function bounds ('%s' size is %llu)",
				  u->func, (unsigned long long)s.st_size);
	if (u->off && u->ret)
		return tv_err_set(err, 0,
				  "probe '%s': uretprobes cannot be attached at a function "
				  "offset",
				  a->probe);
	at = s.st_value + u->off;
	if (kuprobe_addr_to_offset(e, at, off))
		return tv_err_set(err, 0, "probe '%s': address 0x%llx is in no loadable segment",
				  a->probe, (unsigned long long)at);
	return 0;
}

Elf *kuprobe_open_elf(const char *path, int *fd)
{
	Elf *e;

	*fd = open(path, O_RDONLY | O_CLOEXEC);
	if (*fd < 0)
		return NULL;
	elf_version(EV_CURRENT);
	e = elf_begin(*fd, ELF_C_READ_MMAP, NULL);
	if (e && elf_kind(e) == ELF_K_ELF)
		return e;
	elf_end(e);
	close(*fd);
	*fd = -2; /* opened, but no ELF file */
	return NULL;
}

/* The probe's file offset in u->path. */
static int resolve_offset(struct uspec *u, const struct kattach *a, __u64 *off, struct tv_err *err)
{
	int fd, rc;
	Elf *e = kuprobe_open_elf(u->path, &fd);

	if (!e && fd < 0)
		return tv_err_set(err, 0, "uprobe target not found: %s (%s)", u->path,
				  strerror(errno));
	if (!e)
		return tv_err_set(err, 0, "probe '%s': %s is not an ELF file", a->probe, u->path);
	rc = resolve_in_elf(e, u, a, off, err);
	elf_end(e);
	close(fd);
	return rc;
}

/* -p PID in another mount namespace (a container): a path names the
 * process's file, under /proc/PID/root as bpftrace reaches it (realpath
 * would leave that root for ours). */
static bool in_pid_root(int pid, const char *bin, char *path)
{
	struct stat self, other;
	char ns[64];

	if (pid <= 0 || !strchr(bin, '/'))
		return false;
	snprintf(ns, sizeof(ns), "/proc/%d/ns/mnt", pid);
	if (stat("/proc/self/ns/mnt", &self) || stat(ns, &other) || self.st_ino == other.st_ino)
		return false;
	snprintf(path, PATH_MAX, "/proc/%d/root%s%s", pid, bin[0] == '/' ? "" : "/", bin);
	return true;
}

/* The target's binary and offset, or the error attaching would meet. */
static int resolve_target(const struct tv_kernel *k, const struct kattach *a, struct uspec *u,
			  __u64 *off, struct tv_err *err)
{
	int rc = parse_target(a, u, err);

	if (!rc && !in_pid_root(k->target_pid, u->bin, u->path) &&
	    kuprobe_resolve_binary(u->bin, u->path))
		rc = tv_err_set(
		    err, 0, "uprobe target file '%s' does not exist or is not executable", u->bin);
	return rc ?: resolve_offset(u, a, off, err);
}

static int check_target(struct tv_kernel *k, const struct kattach *a, bool ret, struct tv_err *err)
{
	struct uspec *u = calloc(1, sizeof(*u));
	__u64 off = 0;
	int rc;

	if (!u)
		return tv_err_set(err, 0, "probe '%s': out of memory", a->probe);
	u->ret = ret; /* a return probe refuses an offset */
	rc = resolve_target(k, a, u, &off, err);
	if (!rc && kutarget_keep(k, a->index, u->path, off, 0))
		rc = tv_err_set(err, 0, "probe '%s': out of memory", a->probe);
	free(u);
	return rc;
}

int kcheck_uprobe(struct tv_kernel *k, const struct kattach *a, struct tv_err *err)
{
	return check_target(k, a, false, err);
}

int kcheck_uretprobe(struct tv_kernel *k, const struct kattach *a, struct tv_err *err)
{
	return check_target(k, a, true, err);
}

int kutarget_keep(struct tv_kernel *k, __u32 index, const char *path, __u64 off, __u64 ref_ctr)
{
	char *p;

	if (!k->utargets && !(k->utargets = calloc(k->img->nprobes, sizeof(*k->utargets))))
		return -ENOMEM;
	if (!(p = strdup(path)))
		return -ENOMEM;
	free(k->utargets[index].path);
	k->utargets[index] = (struct kutarget){p, off, ref_ctr};
	return 0;
}

const struct kutarget *kutarget_of(const struct tv_kernel *k, __u32 index)
{
	return k->utargets && k->utargets[index].path ? &k->utargets[index] : NULL;
}

/* The target as its check resolved it, else resolved now. */
static int known_target(struct tv_kernel *k, const struct kattach *a, struct uspec *u, __u64 *off,
			struct tv_err *err)
{
	const struct kutarget *t = kutarget_of(k, a->index);

	if (!t)
		return resolve_target(k, a, u, off, err);
	snprintf(u->path, sizeof(u->path), "%s", t->path);
	*off = t->off;
	return 0;
}

int kuprobe_open(struct tv_kernel *k, const struct kattach *a, const char *path, __u64 off,
		 bool ret, __u64 ref_ctr_off, int pid, struct tv_err *err)
{
	struct perf_event_attr attr = {.size = sizeof(attr)};
	int pfd;

	if (kattach_pmu(UPROBE_PMU, ret, &attr))
		return tv_err_set(err, 0, "probe '%s': no uprobe PMU (" UPROBE_PMU ")", a->probe);
	attr.config |= ref_ctr_off << 32; /* format/ref_ctr_offset: config:32-63 */
	attr.config1 = (__u64)(unsigned long)path;
	attr.config2 = off;
	pfd = kattach_perf_open(&attr, pid > 0 ? pid : -1, pid > 0 ? -1 : 0);
	if (pfd < 0)
		return tv_err_set(err, 0, "probe '%s': creating the uprobe failed: %s", a->probe,
				  strerror(-pfd));
	return kattach_perf_link(k, KPROG_tv_kprobe, pfd, a, err);
}

static int attach_uprobe(struct tv_kernel *k, const struct kattach *a, bool ret, struct tv_err *err)
{
	struct uspec *u = calloc(1, sizeof(*u));
	__u64 off = 0;
	int rc;

	if (!u)
		return tv_err_set(err, 0, "probe '%s': out of memory", a->probe);
	u->ret = ret;
	rc = known_target(k, a, u, &off, err);
	/* in every process, as bpftrace 0.17 attaches uprobes even with -p/-c */
	rc = rc ?: kuprobe_open(k, a, u->path, off, ret, 0, -1, err);
	free(u);
	return rc;
}

int kattach_uprobe(struct tv_kernel *k, const struct kattach *a, struct tv_err *err)
{
	return attach_uprobe(k, a, false, err);
}

int kattach_uretprobe(struct tv_kernel *k, const struct kattach *a, struct tv_err *err)
{
	return attach_uprobe(k, a, true, err);
}

int tv_kernel_usym(const char *attach, const char *sym, struct tv_usym *out, struct tv_err *err)
{
	const char *colon = strchr(attach, ':');
	struct kattach a = {attach, colon ? colon + 1 : "", 0, 0};
	struct uspec *u = calloc(1, sizeof(*u));
	GElf_Sym probe, s;
	GElf_Ehdr eh;
	Elf *e = NULL;
	int rc = u ? parse_target(&a, u, err) : tv_err_set(err, 0, "out of memory"), fd = -1;

	if (!rc && kuprobe_resolve_binary(u->bin, u->path))
		rc = tv_err_set(
		    err, 0, "uprobe target file '%s' does not exist or is not executable", u->bin);
	if (!rc && !(e = kuprobe_open_elf(u->path, &fd)))
		rc = tv_err_set(err, 0, "%s is not an ELF file", u->path);
	if (!rc && (!find_sym(e, defined_named, sym, &s) || !gelf_getehdr(e, &eh)))
		rc = tv_err_set(err, 0, "Could not resolve symbol: %s:%s", u->bin, sym);
	if (!rc && !find_sym(e, probe_func, u, &probe))
		rc = tv_err_set(err, 0, "function '%s' not found in %s", u->func, u->path);
	if (!rc)
		*out =
		    (struct tv_usym){.addr = s.st_value,
				     .size = s.st_size,
				     .probe_addr = u->func[0] ? probe.st_value + u->off : u->addr,
				     .pie = eh.e_type == ET_DYN};
	if (e) {
		elf_end(e);
		close(fd);
	}
	free(u);
	return rc;
}
