/* usdt:PATH:PROVIDER:NAME, the index-th location (TV_PROBE_LOC) of that
 * probe in PATH's .note.stapsdt: a uprobe at its address, with its
 * semaphore (if it has one) as the uprobe's reference counter, which the
 * kernel raises in every process that maps the binary while attached. */
#include <errno.h>
#include <gelf.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kernel-side/internal.h"

#define NT_STAPSDT 3

struct note {
	struct tv_usdt u;
	__u64 sema; /* virtual address of the semaphore, or 0 */
};

typedef int (*note_fn)(void *arg, Elf *e, const struct note *n);

/* The .stapsdt.base section's address: the notes' addresses were written
 * against it before the link moved things (prelink). */
static __u64 stapsdt_base(Elf *e)
{
	size_t shstrndx;
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;

	if (elf_getshdrstrndx(e, &shstrndx))
		return 0;
	while ((scn = elf_nextscn(e, scn))) {
		const char *name =
		    gelf_getshdr(scn, &sh) ? elf_strptr(e, shstrndx, sh.sh_name) : NULL;

		if (name && !strcmp(name, ".stapsdt.base"))
			return sh.sh_addr;
	}
	return 0;
}

/* One note's descriptor: pc, base, semaphore, then three strings. */
static int parse_note(const char *d, size_t len, __u64 base, struct note *n)
{
	__u64 w[3];
	const char *s = d + sizeof(w), *end = d + len;

	if (len < sizeof(w) + 3)
		return -EINVAL;
	memcpy(w, d, sizeof(w));
	n->u.provider = s;
	n->u.name = s += strnlen(s, end - s) + 1;
	if (s >= end)
		return -EINVAL;
	n->u.args = s += strnlen(s, end - s) + 1;
	if (s >= end || !memchr(s, 0, end - s))
		return -EINVAL;
	n->u.pc = w[0] + (base && w[1] ? base - w[1] : 0);
	n->sema = w[2];
	return 0;
}

static int each_note(Elf *e, note_fn fn, void *arg)
{
	__u64 base = stapsdt_base(e);
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;
	int count = 0, rc;

	while ((scn = elf_nextscn(e, scn))) {
		Elf_Data *d = gelf_getshdr(scn, &sh) && sh.sh_type == SHT_NOTE
				  ? elf_getdata(scn, NULL)
				  : NULL;
		size_t off = 0, name_off, desc_off;
		GElf_Nhdr nh;

		while (d && (off = gelf_getnote(d, off, &nh, &name_off, &desc_off)) > 0) {
			struct note n;

			if (nh.n_type != NT_STAPSDT || nh.n_namesz != 8 ||
			    memcmp((char *)d->d_buf + name_off, "stapsdt", 8) ||
			    parse_note((char *)d->d_buf + desc_off, nh.n_descsz, base, &n))
				continue;
			if ((rc = fn(arg, e, &n)))
				return rc;
			count++;
		}
	}
	return count;
}

struct lister {
	tv_usdt_each_fn each;
	void *arg;
};

static int list_one(void *arg, Elf *e, const struct note *n)
{
	struct lister *l = arg;

	(void)e;
	return l->each(l->arg, &n->u);
}

static int with_elf(const char *bin, note_fn fn, void *arg, char *path, struct tv_err *err)
{
	Elf *e;
	int fd, rc;

	if (kuprobe_resolve_binary(bin, path))
		return tv_err_set(err, 0,
				  "usdt target file '%s' does not exist or is not executable", bin);
	if (!(e = kuprobe_open_elf(path, &fd)))
		return tv_err_set(err, 0, "%s is not an ELF file", path);
	rc = each_note(e, fn, arg);
	elf_end(e);
	close(fd);
	return rc;
}

int tv_kernel_usdt_list(const char *bin, tv_usdt_each_fn each, void *arg, struct tv_err *err)
{
	struct lister l = {each, arg};
	char path[PATH_MAX];

	return with_elf(bin, list_one, &l, path, err);
}

/* The index-th location of provider:name, as file offsets: the probe's
 * and its semaphore's (0: none). */
struct finder {
	const char *provider, *name;
	__u32 want, seen;
	__u64 off, sema_off;
	bool found, unloadable;
};

static int find_one(void *arg, Elf *e, const struct note *n)
{
	struct finder *f = arg;

	if (strcmp(n->u.provider, f->provider) || strcmp(n->u.name, f->name) ||
	    f->seen++ != f->want)
		return 0;
	f->found = true;
	f->unloadable = kuprobe_addr_to_offset(e, n->u.pc, &f->off) ||
			(n->sema && kuprobe_addr_to_offset(e, n->sema, &f->sema_off));
	return 1;
}

/* PATH:PROVIDER:NAME, split at the last two ':'. */
static int split_target(const struct kattach *a, char *bin, char *prov, char *name,
			struct tv_err *err)
{
	const char *c2 = strrchr(a->target, ':'), *c1 = c2;

	while (c1 && c1 > a->target && c1[-1] != ':')
		c1--;
	if (!c2 || c1 <= a->target + 1 || !c2[1] || c2 - c1 >= 256 || strlen(c2 + 1) >= 256)
		return tv_err_set(err, 0, "probe '%s': expected usdt:PATH:PROVIDER:NAME", a->probe);
	snprintf(bin, PATH_MAX, "%.*s", (int)(c1 - 1 - a->target), a->target);
	snprintf(prov, 256, "%.*s", (int)(c2 - c1), c1);
	snprintf(name, 256, "%s", c2 + 1);
	return 0;
}

/* Found before anything is attached, and kept for the attach (the notes
 * are read once). */
int kcheck_usdt(struct tv_kernel *k, const struct kattach *a, struct tv_err *err)
{
	char bin[PATH_MAX], path[PATH_MAX], prov[256], name[256];
	struct finder f = {.provider = prov, .name = name};
	int rc = split_target(a, bin, prov, name, err);

	if (rc)
		return rc;
	f.want = TV_PROBE_LOC(k->img->probes[a->index].flags);
	rc = with_elf(bin, find_one, &f, path, err);
	if (rc < 0)
		return rc;
	if (!f.found)
		return tv_err_set(err, 0, "usdt probe not found: %s:%s in %s", prov, name, path);
	if (f.unloadable)
		return tv_err_set(err, 0, "probe '%s': its address is in no loadable segment",
				  a->probe);
	return kutarget_keep(k, a->index, path, f.off, f.sema_off)
		   ? tv_err_set(err, 0, "probe '%s': out of memory", a->probe)
		   : 0;
}

int kattach_usdt(struct tv_kernel *k, const struct kattach *a, struct tv_err *err)
{
	const struct kutarget *t = kutarget_of(k, a->index);
	int rc = t ? 0 : kcheck_usdt(k, a, err);

	if (!rc && !(t = kutarget_of(k, a->index)))
		rc = tv_err_set(err, 0, "probe '%s': out of memory", a->probe);
	/* with -p or -c, in that process only, as bpftrace attaches usdt probes */
	return rc ?: kuprobe_open(k, a, t->path, t->off, false, t->ref_ctr, k->target_pid, err);
}
