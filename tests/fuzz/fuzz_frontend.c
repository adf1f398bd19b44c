/* libFuzzer target: any bytes through the parser, and the programs that
 * parse through the whole compiler (probe resolution, lowering,
 * validation).  No crash, no leak, no undefined behaviour. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "frontend/frontend.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tv_diag diag;
	struct tv_ast *ast;
	char *text;

	if (size > 4096)
		return 0;
	ast = tv_parse_n((const char *)data, size, "fuzz", &diag);
	if (!ast || memchr(data, 0, size))
		goto out;
	text = malloc(size + 1);
	if (text) {
		memcpy(text, data, size);
		text[size] = 0;
		tv_image_free(tv_compile(text, "fuzz", NULL, &diag));
		free(text);
	}
out:
	tv_ast_free(ast);
	return 0;
}
