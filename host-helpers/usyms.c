/* User symbols: a process's executable mappings, read from /proc/PID/maps
 * when the kernel first reports the process (TV_REC_upid) so its frames
 * still resolve after it has exited, and the function symbols of each
 * mapped file (.symtab, else .dynsym) read with libelf once per file,
 * shared by every process mapping it (same path, device and inode).  Each
 * file is held open from that report, so a binary deleted or replaced
 * afterwards still names its frames. */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "host-helpers/internal.h"

struct usym {
	__u64 addr, size;
	const char *name; /* in the file's string block */
};

/* An ELF file's functions by address, and how file offsets map to them. */
struct ufile {
	char *path;
	dev_t dev;
	ino_t ino;
	int fd; /* the mapped file itself, held from the first report: it
		 * still reads after the process exits or the file is deleted */
	bool loaded;
	struct usym *syms;
	size_t nsyms;
	char *names;
	struct {
		__u64 off, vaddr, len;
	} seg[16]; /* PT_LOAD */
	int nseg;
};

struct umap {
	__u64 start, end, pgoff;
	struct ufile *file;
};

struct uproc {
	__u32 pid;
	struct umap *maps;
	size_t nmaps;
};

struct tvh_usyms {
	struct ufile **files;
	size_t nfiles;
	struct uproc *procs;
	size_t nprocs;
};

struct tvh_usyms *tvh_usyms_new(void)
{
	return calloc(1, sizeof(struct tvh_usyms));
}

void tvh_usyms_free(struct tvh_usyms *u)
{
	if (!u)
		return;
	for (size_t i = 0; i < u->nfiles; i++) {
		if (u->files[i]->fd >= 0)
			close(u->files[i]->fd);
		free(u->files[i]->path);
		free(u->files[i]->syms);
		free(u->files[i]->names);
		free(u->files[i]);
	}
	for (size_t i = 0; i < u->nprocs; i++)
		free(u->procs[i].maps);
	free(u->files);
	free(u->procs);
	free(u);
}

/* The file of a mapping, shared by every process that maps it; fd (an open
 * descriptor of it, or -1) is kept by a new entry and closed otherwise. */
static struct ufile *file_get(struct tvh_usyms *u, const char *path, dev_t dev, ino_t ino, int fd)
{
	struct ufile *f, **grown;

	for (size_t i = 0; i < u->nfiles; i++)
		if (u->files[i]->ino == ino && u->files[i]->dev == dev &&
		    !strcmp(u->files[i]->path, path)) {
			if (fd >= 0)
				close(fd);
			return u->files[i];
		}
	grown = realloc(u->files, (u->nfiles + 1) * sizeof(*grown));
	if (!grown)
		return NULL;
	u->files = grown;
	f = calloc(1, sizeof(*f));
	if (!f || !(f->path = strdup(path))) {
		free(f);
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	f->dev = dev;
	f->ino = ino;
	f->fd = fd;
	return u->files[u->nfiles++] = f;
}

static int by_addr(const void *a, const void *b)
{
	const struct usym *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

/* The functions of one symbol table section, appended to f. */
static void read_symtab(struct ufile *f, Elf *e, Elf_Scn *scn, const GElf_Shdr *sh)
{
	Elf_Data *d = elf_getdata(scn, NULL);
	size_t n = sh->sh_entsize ? sh->sh_size / sh->sh_entsize : 0, used = 0, k = 0;
	struct usym *syms;

	if (!d || !n || !(syms = calloc(n, sizeof(*syms))))
		return;
	for (size_t i = 0; i < n; i++) {
		GElf_Sym s;
		const char *name;

		if (!gelf_getsym(d, (int)i, &s) || s.st_shndx == SHN_UNDEF || !s.st_value ||
		    (GELF_ST_TYPE(s.st_info) != STT_FUNC &&
		     GELF_ST_TYPE(s.st_info) != STT_GNU_IFUNC))
			continue;
		name = elf_strptr(e, sh->sh_link, s.st_name);
		if (!name || !*name)
			continue;
		syms[k] = (struct usym){s.st_value, s.st_size, name};
		used += strlen(name) + 1;
		k++;
	}
	/* the names are copied out: the Elf handle is closed after reading */
	f->names = malloc(used ? used : 1);
	if (!f->names) {
		free(syms);
		return;
	}
	used = 0;
	for (size_t i = 0; i < k; i++) {
		size_t len = strlen(syms[i].name) + 1;

		memcpy(f->names + used, syms[i].name, len);
		syms[i].name = f->names + used;
		used += len;
	}
	qsort(syms, k, sizeof(*syms), by_addr);
	f->syms = syms;
	f->nsyms = k;
}

static void file_load(struct ufile *f)
{
	Elf_Scn *scn = NULL, *dyn = NULL;
	GElf_Shdr sh, dynsh;
	size_t nph = 0;
	int fd;
	Elf *e;

	f->loaded = true;
	fd = f->fd >= 0 ? dup(f->fd) : open(f->path, O_RDONLY | O_CLOEXEC);
	if (elf_version(EV_CURRENT) == EV_NONE || fd < 0) {
		if (fd >= 0)
			close(fd);
		return;
	}
	e = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if (e && !elf_getphdrnum(e, &nph))
		for (size_t i = 0; i < nph && f->nseg < 16; i++) {
			GElf_Phdr ph;

			if (gelf_getphdr(e, (int)i, &ph) && ph.p_type == PT_LOAD)
				f->seg[f->nseg].off = ph.p_offset,
				f->seg[f->nseg].vaddr = ph.p_vaddr,
				f->seg[f->nseg++].len = ph.p_filesz;
		}
	while (e && (scn = elf_nextscn(e, scn)) && !f->syms) {
		if (!gelf_getshdr(scn, &sh))
			continue;
		if (sh.sh_type == SHT_SYMTAB)
			read_symtab(f, e, scn, &sh);
		else if (sh.sh_type == SHT_DYNSYM)
			dyn = scn, dynsh = sh;
	}
	if (e && !f->nsyms && dyn) { /* stripped: the dynamic symbols */
		free(f->syms);
		free(f->names);
		f->syms = NULL, f->names = NULL;
		read_symtab(f, e, dyn, &dynsh);
	}
	elf_end(e);
	close(fd);
}

static struct uproc *proc_find(struct tvh_usyms *u, __u32 pid)
{
	for (size_t i = 0; i < u->nprocs; i++)
		if (u->procs[i].pid == pid)
			return &u->procs[i];
	return NULL;
}

/* The mapped file itself: /proc/PID/map_files/ opens it even when it
 * was deleted or replaced (root only); else its path, if it is still the
 * mapped file.  -1 when neither is; -2 when no descriptor is left but the
 * path still names the file (it is read by path when needed). */
static int open_mapped(__u32 pid, unsigned long long start, unsigned long long end,
		       const char *path, unsigned long long ino, struct stat *st)
{
	char mf[96];
	int fd;

	snprintf(mf, sizeof(mf), "/proc/%u/map_files/%llx-%llx", pid, start, end);
	fd = open(mf, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 && (errno == EMFILE || errno == ENFILE)) /* out of fds: by path, later */
		return !stat(path, st) && st->st_ino == ino ? -2 : -1;
	if (fd >= 0 && (fstat(fd, st) || st->st_ino != ino)) {
		close(fd);
		fd = -1;
	}
	return fd;
}

/* One line of /proc/PID/maps, kept when it maps a file executable. */
static void add_mapping(struct tvh_usyms *u, struct uproc *p, const char *line)
{
	static const char deleted[] = " (deleted)";
	unsigned long long start, end, pgoff, ino;
	unsigned maj, min;
	char perms[8], path[4096];
	struct umap *grown;
	struct stat st;
	size_t len;
	int pos = 0, fd;

	if (sscanf(line, "%llx-%llx %7s %llx %x:%x %llu %n", &start, &end, perms, &pgoff, &maj,
		   &min, &ino, &pos) < 7 ||
	    perms[2] != 'x' || !pos || line[pos] != '/')
		return;
	snprintf(path, sizeof(path), "%s", line + pos);
	path[strcspn(path, "\n")] = 0;
	len = strlen(path);
	if (len > sizeof(deleted) - 1 && !strcmp(path + len - (sizeof(deleted) - 1), deleted))
		path[len - (sizeof(deleted) - 1)] = 0;
	if ((fd = open_mapped(p->pid, start, end, path, ino, &st)) == -1)
		return;
	fd = fd < 0 ? -1 : fd;
	grown = realloc(p->maps, (p->nmaps + 1) * sizeof(*grown));
	if (!grown) {
		if (fd >= 0)
			close(fd);
		return;
	}
	p->maps = grown;
	p->maps[p->nmaps] = (struct umap){start, end, pgoff, file_get(u, path, st.st_dev, ino, fd)};
	if (p->maps[p->nmaps].file)
		p->nmaps++;
}

void tvh_usyms_note(struct tvh_usyms *u, __u32 pid)
{
	struct uproc *grown, *p;
	char path[64], line[4352];
	FILE *f;

	if (!u || !pid || proc_find(u, pid))
		return;
	snprintf(path, sizeof(path), "/proc/%u/maps", pid);
	if (!(f = fopen(path, "re")))
		return;
	grown = realloc(u->procs, (u->nprocs + 1) * sizeof(*grown));
	if (!grown) {
		fclose(f);
		return;
	}
	u->procs = grown;
	p = &u->procs[u->nprocs++];
	*p = (struct uproc){.pid = pid};
	while (fgets(line, sizeof(line), f))
		add_mapping(u, p, line);
	fclose(f);
}

/* The symbol holding file virtual address va, or NULL. */
static const struct usym *lookup(const struct ufile *f, __u64 va)
{
	size_t lo = 0, hi = f->nsyms;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (f->syms[mid].addr <= va)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo)
		return NULL;
	/* a sized symbol must hold va; an unsized one takes up to the next */
	if (f->syms[lo - 1].size && va >= f->syms[lo - 1].addr + f->syms[lo - 1].size)
		return NULL;
	return &f->syms[lo - 1];
}

static int file_vaddr(const struct ufile *f, __u64 off, __u64 *va)
{
	for (int i = 0; i < f->nseg; i++)
		if (off >= f->seg[i].off && off < f->seg[i].off + f->seg[i].len) {
			*va = off - f->seg[i].off + f->seg[i].vaddr;
			return 0;
		}
	return -1;
}

void tvh_usym_format(struct tvh_usyms *u, __u32 pid, __u64 addr, char *buf, size_t n,
		     unsigned flags)
{
	const struct uproc *p;
	const char *module = "[unknown]";

	tvh_usyms_note(u, pid); /* late: resolves only while the process lives */
	p = u ? proc_find(u, pid) : NULL;
	for (size_t i = 0; p && i < p->nmaps; i++) {
		struct ufile *f = p->maps[i].file;
		const struct usym *s;
		__u64 va;

		if (addr < p->maps[i].start || addr >= p->maps[i].end)
			continue;
		module = f->path;
		if (!f->loaded)
			file_load(f);
		if (file_vaddr(f, addr - p->maps[i].start + p->maps[i].pgoff, &va) ||
		    !(s = lookup(f, va)))
			break;
		if (!(flags & TVH_SYM_OFFSET))
			snprintf(buf, n, "%s", s->name);
		else if (flags & TVH_SYM_MODULE)
			snprintf(buf, n, "%s+%" PRIu64 " (%s)", s->name, (uint64_t)(va - s->addr),
				 module);
		else
			snprintf(buf, n, "%s+%" PRIu64, s->name, (uint64_t)(va - s->addr));
		return;
	}
	if (flags & TVH_SYM_MODULE)
		snprintf(buf, n, "0x%" PRIx64 " (%s)", (uint64_t)addr, module);
	else
		snprintf(buf, n, "0x%" PRIx64, (uint64_t)addr);
}
