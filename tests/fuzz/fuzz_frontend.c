/* libFuzzer target: any bytes through the parser, and the programs that
 * parse through the whole compiler (probe resolution, lowering,
 * validation); and through the C declaration parser, whose BTF is then
 * written out.  No crash, no leak, no undefined behaviour. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "frontend/cdecl.h"
#include "frontend/frontend.h"

/* The bytes as C declarations (a script's struct definitions). */
static void fuzz_cdecl(const char *text)
{
	struct fe_cdecl_error err;
	struct btf *btf = btf__new_empty();
	__u32 size;

	if (!btf)
		return;
	if (!fe_cdecl_parse(btf, text, NULL, &err))
		btf__raw_data(btf, &size);
	btf__free(btf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tv_diag diag;
	struct tv_ast *ast;
	char *text;

	if (size > 4096)
		return 0;
	ast = tv_parse_n((const char *)data, size, "fuzz", &diag);
	text = memchr(data, 0, size) ? NULL : malloc(size + 1);
	if (text) {
		memcpy(text, data, size);
		text[size] = 0;
		fuzz_cdecl(text);
		if (ast)
			tv_image_free(tv_compile(text, "fuzz", NULL, &diag));
		free(text);
	}
	tv_ast_free(ast);
	return 0;
}
