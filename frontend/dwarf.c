/* A user binary's DWARF through libdw: functions' parameters as bpftrace
 * 0.17 lists and reads them (-lv, args->NAME), types converted to BTF by
 * dwarf_btf.c when first asked. */
#include <dwarf.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <elfutils/libdw.h>
#include <elfutils/libdwelf.h>

#include "frontend/dwarf.h"
#include "frontend/dwarf_btf.h"

struct fe_dwarf {
	int fd, debug_fd; /* the binary; its separate debug file, or -1 */
	Elf *elf, *debug_elf;
	Dwarf *dw;
	struct fe_dwconv *conv; /* created on the first type asked for */
	char **names;		/* type names handed out, freed at close */
	size_t nnames;
	char last_name[256]; /* the function found last (a script asks again and again) */
	Dwarf_Die last_die;
	struct func_ent *funcs; /* every function, by name, once asked for */
	size_t nfuncs, funcs_cap;
	bool indexed;
};

static void set_err(char *err, size_t n, const char *fmt, const char *a, const char *b)
{
	if (err && n)
		snprintf(err, n, fmt, a, b);
}

static Elf *open_elf(const char *path, int *fd, char *err, size_t n)
{
	Elf *e;

	*fd = open(path, O_RDONLY | O_CLOEXEC);
	if (*fd < 0) {
		set_err(err, n, "cannot open %s: %s", path, strerror(errno));
		return NULL;
	}
	elf_version(EV_CURRENT);
	e = elf_begin(*fd, ELF_C_READ_MMAP, NULL);
	if (e && elf_kind(e) == ELF_K_ELF)
		return e;
	elf_end(e);
	close(*fd);
	*fd = -1;
	set_err(err, n, "%s is not an ELF file%s", path, "");
	return NULL;
}

/* Distributions ship debug info apart, named by the binary's build id:
 * /usr/lib/debug/.build-id/ab/cdef....debug (where libc6-dbg puts libc's). */
static bool debug_file_of(Elf *e, char *path, size_t n)
{
	const unsigned char *id;
	ssize_t len = dwelf_elf_gnu_build_id(e, (const void **)&id);
	size_t k;

	if (len < 2 || len > 64)
		return false;
	k = snprintf(path, n, "/usr/lib/debug/.build-id/%02x/", id[0]);
	for (ssize_t i = 1; i < len && k < n; i++)
		k += snprintf(path + k, n - k, "%02x", id[i]);
	return k < n && (size_t)snprintf(path + k, n - k, ".debug") < n - k;
}

static Dwarf *open_debug_file(struct fe_dwarf *d)
{
	char path[512];

	if (!debug_file_of(d->elf, path, sizeof(path)) ||
	    !(d->debug_elf = open_elf(path, &d->debug_fd, NULL, 0)))
		return NULL;
	return dwarf_begin_elf(d->debug_elf, DWARF_C_READ, NULL);
}

struct fe_dwarf *fe_dwarf_open(const char *path, char *err, size_t n)
{
	struct fe_dwarf *d = calloc(1, sizeof(*d));

	if (!d) {
		set_err(err, n, "%s%s", "out of memory", "");
		return NULL;
	}
	if (!(d->elf = open_elf(path, &d->fd, err, n))) {
		free(d);
		return NULL;
	}
	/* no .debug_info (DWARF_E_NO_DWARF): perhaps a -dbg package's file */
	d->debug_fd = -1;
	if (!(d->dw = dwarf_begin_elf(d->elf, DWARF_C_READ, NULL)))
		d->dw = open_debug_file(d);
	if (!d->dw) {
		set_err(err, n, "No DWARF found for \"%s\"%s", path, "");
		fe_dwarf_close(d);
		return NULL;
	}
	return d;
}

void fe_dwarf_close(struct fe_dwarf *d)
{
	if (!d)
		return;
	fe_dwconv_free(d->conv);
	for (size_t i = 0; i < d->nnames; i++)
		free(d->names[i]);
	free(d->names);
	free(d->funcs);
	if (d->dw)
		dwarf_end(d->dw);
	elf_end(d->debug_elf);
	if (d->debug_fd >= 0)
		close(d->debug_fd);
	elf_end(d->elf);
	close(d->fd);
	free(d);
}

static struct fe_dwconv *conv_of(struct fe_dwarf *d)
{
	if (!d->conv)
		d->conv = fe_dwconv_new();
	return d->conv;
}

struct btf *fe_dwarf_btf(struct fe_dwarf *d)
{
	return conv_of(d) ? fe_dwconv_btf(d->conv) : NULL;
}

int fe_dwarf_find_struct(struct fe_dwarf *d, const char *name, bool is_union)
{
	Dwarf_Die die;
	int id;

	if (!fe_dwarf_find_def(d->dw, is_union ? DW_TAG_union_type : DW_TAG_structure_type, name,
			       &die) ||
	    !conv_of(d))
		return -1;
	id = fe_dwconv_type(d->conv, &die);
	return id > 0 ? id : -1;
}

/* ---- a function's parameters -------------------------------------------- */

struct func_ent {
	const char *name;
	Dwarf_Die die;
	bool defined;
	size_t seq; /* the order the units give */
};

static int index_cb(Dwarf_Die *die, void *arg)
{
	struct fe_dwarf *d = arg;
	const char *name = fe_dwarf_name(die);
	struct func_ent *v;

	if (!name)
		return DWARF_CB_OK;
	if (d->nfuncs == d->funcs_cap) {
		d->funcs_cap = d->funcs_cap ? d->funcs_cap * 2 : 256;
		if (!(v = realloc(d->funcs, d->funcs_cap * sizeof(*v))))
			return DWARF_CB_ABORT;
		d->funcs = v;
	}
	d->funcs[d->nfuncs] = (struct func_ent){
	    name, *die, !dwarf_hasattr_integrate(die, DW_AT_declaration), d->nfuncs};
	d->nfuncs++;
	return DWARF_CB_OK;
}

/* by name; then definitions before declarations (a declaration's
 * parameters often have no names), then in the units' order */
static int by_func(const void *a, const void *b)
{
	const struct func_ent *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	if (c || x->defined != y->defined)
		return c ? c : y->defined - x->defined;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Every function of every unit, sorted once: -lv of a library asks for
 * thousands of them. */
static void index_funcs(struct fe_dwarf *d)
{
	Dwarf_CU *cu = NULL;
	Dwarf_Die cudie;
	Dwarf_Half version;
	uint8_t type;

	d->indexed = true;
	while (dwarf_get_units(d->dw, cu, &cu, &version, &type, &cudie, NULL) == 0)
		dwarf_getfuncs(&cudie, index_cb, d, 0); /* out of memory: fewer found */
	qsort(d->funcs, d->nfuncs, sizeof(*d->funcs), by_func);
}

typedef int (*sym_fn)(const char *name, const GElf_Sym *sym, void *arg);
static int each_func_of(Elf *e, sym_fn fn, void *arg);

struct want_sym {
	const char *name;
	GElf_Addr addr;
};

static int match_sym(const char *name, const GElf_Sym *sym, void *arg)
{
	struct want_sym *w = arg;

	if (strcmp(name, w->name))
		return 0;
	w->addr = sym->st_value;
	return 1;
}

/* The address of function symbol name in e's symbol tables. */
static bool sym_addr(Elf *e, const char *name, GElf_Addr *addr)
{
	struct want_sym w = {name, 0};

	if (!e || each_func_of(e, match_sym, &w) != 1)
		return false;
	*addr = w.addr;
	return true;
}

struct one_func {
	const char *name;
	Dwarf_Die die;
	bool found;
};

static int one_func_cb(Dwarf_Die *die, void *arg)
{
	struct one_func *f = arg;
	const char *name = fe_dwarf_name(die);

	if (!name || strcmp(name, f->name) || dwarf_hasattr_integrate(die, DW_AT_declaration))
		return DWARF_CB_OK;
	f->die = *die;
	f->found = true;
	return DWARF_CB_ABORT;
}

/* One function without indexing them all: its symbol's address names its
 * unit (.debug_aranges), and only that unit is walked.  A uprobe on a big
 * binary (tens of thousands of functions) starts in a ms, not tens. */
static bool find_func_fast(struct fe_dwarf *d, const char *name, Dwarf_Die *out)
{
	struct one_func f = {name, {0}, false};
	Dwarf_Die cudie;
	GElf_Addr addr;

	if ((!sym_addr(d->elf, name, &addr) && !sym_addr(d->debug_elf, name, &addr)) ||
	    !dwarf_addrdie(d->dw, addr, &cudie))
		return false;
	dwarf_getfuncs(&cudie, one_func_cb, &f, 0);
	if (f.found)
		*out = f.die;
	return f.found;
}

/* The first definition of the name (bpftrace takes the first). */
static bool find_func(struct fe_dwarf *d, const char *name, Dwarf_Die *out)
{
	size_t lo = 0, hi;

	if (d->last_name[0] && !strcmp(d->last_name, name)) {
		*out = d->last_die;
		return true;
	}
	if (!d->indexed && find_func_fast(d, name, out)) {
		snprintf(d->last_name, sizeof(d->last_name), "%s", name);
		d->last_die = *out;
		return true;
	}
	if (!d->indexed)
		index_funcs(d);
	for (hi = d->nfuncs; lo < hi;) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(d->funcs[mid].name, name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == d->nfuncs || strcmp(d->funcs[lo].name, name))
		return false;
	*out = d->funcs[lo].die;
	return true;
}

struct spell {
	char *p;
	size_t left;
};

static void put(struct spell *s, const char *text)
{
	size_t k = strlen(text);

	if (k >= s->left)
		k = s->left ? s->left - 1 : 0;
	memcpy(s->p, text, k);
	s->p += k, s->left -= k;
	if (s->left)
		*s->p = 0;
}

/* bpftrace 0.17's spelling (its Dwarf::get_type_name): "int*", "struct
 * Foo*", "const char*", and a qualified pointer reads "int* const". */
static void spell_type(Dwarf_Die *t, struct spell *s, int depth)
{
	static const char *const prefix[] = {[DW_TAG_structure_type] = "struct ",
					     [DW_TAG_union_type] = "union ",
					     [DW_TAG_enumeration_type] = "enum ",
					     [DW_TAG_const_type] = "const",
					     [DW_TAG_volatile_type] = "volatile"};
	Dwarf_Die inner, *in;
	int tag = t ? dwarf_tag(t) : 0;

	if (!t || depth > 32) {
		put(s, t ? "<unknown type>" : "void");
		return;
	}
	in = fe_dwarf_type_of(t, &inner);
	switch (tag) {
	case DW_TAG_base_type:
	case DW_TAG_typedef: put(s, fe_dwarf_name(t) ?: "<anonymous>"); break;
	case DW_TAG_pointer_type:
		spell_type(in, s, depth + 1);
		put(s, "*");
		break;
	case DW_TAG_structure_type:
	case DW_TAG_union_type:
	case DW_TAG_enumeration_type:
		put(s, prefix[tag]);
		put(s, fe_dwarf_name(t) ?: "<anonymous>");
		break;
	case DW_TAG_const_type:
	case DW_TAG_volatile_type:
		if (in && dwarf_tag(in) == DW_TAG_pointer_type) {
			spell_type(in, s, depth + 1);
			put(s, " ");
			put(s, prefix[tag]);
		} else {
			put(s, prefix[tag]);
			put(s, " ");
			spell_type(in, s, depth + 1);
		}
		break;
	default: put(s, "<unknown type>"); break;
	}
}

static const char *keep_name(struct fe_dwarf *d, Dwarf_Die *type)
{
	char buf[256] = "", **v;
	struct spell s = {buf, sizeof(buf)};

	spell_type(type, &s, 0);
	if (!(v = realloc(d->names, (d->nnames + 1) * sizeof(*v))))
		return NULL;
	d->names = v;
	return (v[d->nnames] = strdup(buf)) ? v[d->nnames++] : NULL;
}

static int fill_param(struct fe_dwarf *d, Dwarf_Die *p, struct fe_dwarf_param *out, int index)
{
	Dwarf_Die t, *type = fe_dwarf_type_of(p, &t);

	out->name = fe_dwarf_name(p) ?: "";
	out->index = index;
	out->type_name = keep_name(d, type);
	out->btf_id = conv_of(d) ? fe_dwconv_type(d->conv, type) : -ENOMEM;
	return out->type_name ? out->btf_id : -ENOMEM;
}

int fe_dwarf_func_params(struct fe_dwarf *d, const char *func, struct fe_dwarf_param *out, int max,
			 char *err, size_t n)
{
	Dwarf_Die fn, p;
	int count = 0, rc;

	if (!find_func(d, func, &fn)) {
		set_err(err, n, "no function %s in the debug info%s", func, "");
		return -1;
	}
	for (rc = dwarf_child(&fn, &p); rc == 0; rc = dwarf_siblingof(&p, &p)) {
		if (dwarf_tag(&p) != DW_TAG_formal_parameter)
			continue;
		if (count < max && fill_param(d, &p, &out[count], count) < 0) {
			set_err(err, n, "%s: the type of parameter %s cannot be read", func,
				out[count].name);
			return -1;
		}
		count++;
	}
	return count;
}

/* ---- function symbols, with or without debug info ------------------------ */

static bool is_func(const GElf_Sym *s)
{
	int t = GELF_ST_TYPE(s->st_info);

	return (t == STT_FUNC || t == STT_GNU_IFUNC) && s->st_shndx != SHN_UNDEF && s->st_value;
}

static int each_in_table(Elf *e, Elf_Scn *scn, const GElf_Shdr *sh, sym_fn fn, void *arg)
{
	Elf_Data *data = elf_getdata(scn, NULL);
	int rc = 0;

	for (size_t i = 0; data && !rc && i < sh->sh_size / sh->sh_entsize; i++) {
		GElf_Sym s;
		const char *name;

		if (gelf_getsym(data, i, &s) && is_func(&s) &&
		    (name = elf_strptr(e, sh->sh_link, s.st_name)) && *name)
			rc = fn(name, &s, arg);
	}
	return rc;
}

/* fn for each function symbol of .symtab and .dynsym; fn's non-zero stops
 * the walk and is returned. */
static int each_func_of(Elf *e, sym_fn fn, void *arg)
{
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;
	int rc = 0;

	while (!rc && (scn = elf_nextscn(e, scn)))
		if (gelf_getshdr(scn, &sh) && sh.sh_entsize &&
		    (sh.sh_type == SHT_SYMTAB || sh.sh_type == SHT_DYNSYM))
			rc = each_in_table(e, scn, &sh, fn, arg);
	return rc;
}

struct name_fn {
	int (*fn)(const char *name, void *arg);
	void *arg;
};

static int by_name_only(const char *name, const GElf_Sym *sym, void *arg)
{
	struct name_fn *f = arg;

	(void)sym;
	return f->fn(name, f->arg);
}

static int each_func_in(const char *path, int (*fn)(const char *name, void *arg), void *arg,
			char *err, size_t n, bool with_debug)
{
	struct name_fn f = {fn, arg};
	int fd, rc;
	Elf *e = open_elf(path, &fd, err, n);
	char debug[512];

	if (!e)
		return -1;
	rc = each_func_of(e, by_name_only, &f);
	/* a stripped library's local functions are in its debug file's .symtab */
	if (!rc && with_debug && debug_file_of(e, debug, sizeof(debug)) && !access(debug, R_OK))
		rc = each_func_in(debug, fn, arg, NULL, 0, false);
	elf_end(e);
	close(fd);
	return 0;
}

int fe_elf_each_func(const char *path, int (*fn)(const char *name, void *arg), void *arg, char *err,
		     size_t n)
{
	return each_func_in(path, fn, arg, err, n, true);
}
