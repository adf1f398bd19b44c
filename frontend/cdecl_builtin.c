/* The arithmetic types of C on x86-64, and the typedef names scripts use
 * without declaring them: the stdint names, the kernel's u32 and __be16,
 * bpftrace's uint64. */
#include <string.h>

#include <linux/btf.h>

#include "frontend/cdecl_impl.h"

static const struct {
	const char *name;
	unsigned size;
	int encoding;
	bool is_float;
} arith[CD_A_COUNT] = {
    [CD_A_CHAR] = {"char", 1, BTF_INT_SIGNED | BTF_INT_CHAR},
    [CD_A_SCHAR] = {"signed char", 1, BTF_INT_SIGNED},
    [CD_A_UCHAR] = {"unsigned char", 1, 0},
    [CD_A_SHORT] = {"short", 2, BTF_INT_SIGNED},
    [CD_A_USHORT] = {"unsigned short", 2, 0},
    [CD_A_INT] = {"int", 4, BTF_INT_SIGNED},
    [CD_A_UINT] = {"unsigned int", 4, 0},
    [CD_A_LONG] = {"long", 8, BTF_INT_SIGNED},
    [CD_A_ULONG] = {"unsigned long", 8, 0},
    [CD_A_LLONG] = {"long long", 8, BTF_INT_SIGNED},
    [CD_A_ULLONG] = {"unsigned long long", 8, 0},
    [CD_A_BOOL] = {"_Bool", 1, BTF_INT_BOOL},
    [CD_A_INT128] = {"__int128", 16, BTF_INT_SIGNED},
    [CD_A_UINT128] = {"unsigned __int128", 16, 0},
    [CD_A_FLOAT] = {"float", 4, 0, true},
    [CD_A_DOUBLE] = {"double", 8, 0, true},
    [CD_A_LDOUBLE] = {"long double", 16, 0, true},
};

int fe_cd_arith(struct cdecl *cd, enum cd_arith a)
{
	struct cd_type *t;
	int idx, name;

	if (cd->arith[a])
		return cd->arith[a];
	name = fe_cd_name(cd, arith[a].name, (int)strlen(arith[a].name));
	idx = name < 0 ? -1 : fe_cd_new_type(cd, arith[a].is_float ? CD_FLOAT : CD_INT, 0);
	if (idx < 0)
		return -1;
	t = fe_cd_type(cd, idx);
	t->name = name;
	t->size = t->align = arith[a].size;
	t->encoding = arith[a].encoding;
	t->complete = true;
	return cd->arith[a] = idx;
}

static int signed_int(const struct cd_spec_words *w)
{
	bool u = w->unsigned_;

	if (w->short_)
		return w->long_ || w->short_ > 1 ? -1 : u ? CD_A_USHORT : CD_A_SHORT;
	if (w->long_ == 1)
		return u ? CD_A_ULONG : CD_A_LONG;
	if (w->long_ == 2)
		return u ? CD_A_ULLONG : CD_A_LLONG;
	return w->long_ ? -1 : u ? CD_A_UINT : CD_A_INT;
}

int fe_cd_arith_of(const struct cd_spec_words *w)
{
	int sign = w->signed_ + w->unsigned_, size = w->short_ + w->long_;
	int base = w->int_ + w->char_ + w->bool_ + w->int128 + w->float_ + w->double_ + w->void_;

	if (base > 1 || sign > 1 || w->int_ > 1)
		return -1;
	if (w->char_)
		return size ? -1 : w->signed_ ? CD_A_SCHAR : w->unsigned_ ? CD_A_UCHAR : CD_A_CHAR;
	if (w->bool_ || w->float_ || w->void_)
		return size || sign ? -1 : w->bool_ ? CD_A_BOOL : w->float_ ? CD_A_FLOAT : -2;
	if (w->double_)
		return sign || w->short_ || w->long_ > 1 ? -1
		       : w->long_			 ? CD_A_LDOUBLE
							 : CD_A_DOUBLE;
	if (w->int128)
		return size ? -1 : w->unsigned_ ? CD_A_UINT128 : CD_A_INT128;
	if (!sign && !size && !w->int_)
		return -1;
	return signed_int(w);
}

static const struct {
	const char *name;
	enum cd_arith a;
} typedefs[] = {
    {"int8_t", CD_A_SCHAR},    {"uint8_t", CD_A_UCHAR},	  {"int16_t", CD_A_SHORT},
    {"uint16_t", CD_A_USHORT}, {"int32_t", CD_A_INT},	  {"uint32_t", CD_A_UINT},
    {"int64_t", CD_A_LONG},    {"uint64_t", CD_A_ULONG},  {"size_t", CD_A_ULONG},
    {"ssize_t", CD_A_LONG},    {"uintptr_t", CD_A_ULONG}, {"intptr_t", CD_A_LONG},
    {"ptrdiff_t", CD_A_LONG},  {"pid_t", CD_A_INT},	  {"uid_t", CD_A_UINT},
    {"gid_t", CD_A_UINT},      {"off_t", CD_A_LONG},	  {"u8", CD_A_UCHAR},
    {"u16", CD_A_USHORT},      {"u32", CD_A_UINT},	  {"u64", CD_A_ULLONG},
    {"s8", CD_A_SCHAR},	       {"s16", CD_A_SHORT},	  {"s32", CD_A_INT},
    {"s64", CD_A_LLONG},       {"__u8", CD_A_UCHAR},	  {"__u16", CD_A_USHORT},
    {"__u32", CD_A_UINT},      {"__u64", CD_A_ULLONG},	  {"__s8", CD_A_SCHAR},
    {"__s16", CD_A_SHORT},     {"__s32", CD_A_INT},	  {"__s64", CD_A_LLONG},
    {"__be16", CD_A_USHORT},   {"__be32", CD_A_UINT},	  {"__be64", CD_A_ULLONG},
    {"__le16", CD_A_USHORT},   {"__le32", CD_A_UINT},	  {"__le64", CD_A_ULLONG},
    {"int8", CD_A_SCHAR},      {"uint8", CD_A_UCHAR},	  {"int16", CD_A_SHORT},
    {"uint16", CD_A_USHORT},   {"int32", CD_A_INT},	  {"uint32", CD_A_UINT},
    {"int64", CD_A_LONG},      {"uint64", CD_A_ULONG},	  {"bool", CD_A_BOOL},
};

int fe_cd_builtin_typedef(struct cdecl *cd, const char *s, int len)
{
	for (size_t i = 0; i < sizeof(typedefs) / sizeof(typedefs[0]); i++) {
		int ref, name, idx;
		struct cd_type *t;

		if (strlen(typedefs[i].name) != (size_t)len ||
		    memcmp(typedefs[i].name, s, (size_t)len))
			continue;
		ref = fe_cd_arith(cd, typedefs[i].a);
		name = ref < 0 ? -1 : fe_cd_name(cd, s, len);
		idx = name < 0 ? -1 : fe_cd_new_type(cd, CD_TYPEDEF, ref);
		if (idx < 0 || fe_cd_sym_add(cd, CD_NS_ORD, name, idx) < 0)
			return -2;
		t = fe_cd_type(cd, idx);
		t->name = name;
		t->builtin = true;
		t->complete = true;
		t->size = t->align = fe_cd_type(cd, ref)->size;
		return idx;
	}
	return -1;
}
