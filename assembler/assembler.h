/* assembler: the text form of tracevm program images.
 *
 * tv_asm_parse() turns text into an image, tv_asm_print() turns any image
 * back into text such that parsing it again gives the same image, byte for
 * byte (instructions, probes in order, maps, constants).  The parser does
 * not run the validator: callers do (tv_image_validate).
 *
 * The text is line oriented:
 *
 *   ; a comment, from ';' or '#' to the end of the line
 *   .map @calls count key=16 ktype=str vtype=int
 *   .const k0 str "comm\n"
 *   .probe tracepoint:syscalls:sys_enter_getppid
 *   loop:
 *   	comm 0
 *   	countc @calls
 *   	jz r1, loop_end
 *   	ldw r2, 0x123456789
 *   	ctx r3, s4, 16
 *   	emit printf, k0, 0, 8
 *   loop_end:
 *   	exit
 *
 * Directives:
 *   .map NAME KIND key=N [val=N] [lhist=MIN,MAX,STEP] [ktype=S] [vtype=S]
 *	NAME is '@' alone or '@' and an identifier, as BpfScript writes
 *	them, at most TV_MAP_NAME_MAX bytes: tv_map_name_check(), the rule
 *	tv_asm_print() writes by too.  KIND is a tv_mapkind_name() or a number.
 *	key= and val= are the tv_mapdesc sizes (defaults 0 and 8); lhist=
 *	sets lmin, lmax, lstep (default 0,0,0).  S is a word without blanks
 *	and ; # or a "quoted string" (empty when left out).  Maps must be
 *	declared before an instruction names them.  (pad=N sets the three
 *	pad bytes, little endian: only images read from elsewhere have them.)
 *   .const NAME KIND "C-escaped string" [nonul]
 *	KIND is str, fmt or a number.  The bytes stored are the string and a
 *	terminating NUL (len counts it); "nonul" stores the string alone.
 *	Every .const line is its own constant: equal ones are not merged.
 *   .probe ATTACH
 *	A probe whose block starts at the next instruction.  ATTACH is the
 *	rest of the line up to a comment, blanks trimmed (it may contain
 *	: * , / and blanks), or a "quoted string".
 *   .probeat PC ATTACH
 *	A probe with an explicit entry pc (used for images whose probes
 *	are not in pc order, or point between instructions).
 *   .word VALUE
 *	One raw instruction word, VALUE = op | a << 8 | b << 16 | c << 24 |
 *	(u32)imm << 32 (used for words no opcode line can produce).
 *
 * Labels: NAME: at the start of a line ([A-Za-z_][A-Za-z0-9_.]*), on its
 * own line or before an instruction; they may be used before or after
 * their definition.
 *
 * Instructions: an opcode name (case-insensitive) and its operands,
 * comma-separated, one per letter of tv_op_operands():
 *   r  r0..r15            m  a declared map name      k  a .const name
 *   b  a builtin name     e  a record kind name
 *   z  u1 u2 u4 u8 s1 s2 s4 s8 (size in bytes, s sets TV_Z_SIGNED)
 *   n  0..255             o p l  0..65535             i  a signed 32-bit value
 *   w  any 64-bit value (negative, or up to 0xffffffffffffffff)
 *   j  a label: encoded as target - (pc + 1), or for LOOP as
 *      (pc + 1) - target; any direction is accepted here (the validator
 *      decides what may run).
 * Numbers are decimal or 0x hex, with an optional '-'.
 *
 * tv_asm_print() writes the .map lines, the .const lines (named k0, k1, ...
 * by index), then the code: labels L<pc> for jump targets and .probe lines
 * before their entry instruction.  Strings are escaped as in C (\n \t \\
 * \" and \xNN for other non-printable bytes).
 */
#ifndef TV_ASSEMBLER_H
#define TV_ASSEMBLER_H

#include <stdio.h>

#include "bytecode/bytecode.h"

/* Parse text into a new image, or return NULL with err set: err->line is
 * the 1-based line, err->col..err->col_end the 1-based first and last
 * columns of the offending token (0 when not known).  filename may be NULL;
 * the message does not repeat it. */
struct tv_image *tv_asm_parse(const char *text, const char *filename, struct tv_err *err);

/* Disassemble img; returns 0, or -errno with err set (err may be NULL):
 * -EIO when writing fails, -EINVAL when a map name is not one the parser
 * takes (tv_map_name_check) or is a duplicate. */
int tv_asm_print(const struct tv_image *img, FILE *out, struct tv_err *err);

/* The same into a malloc'd string; NULL on error. */
char *tv_asm_print_str(const struct tv_image *img, struct tv_err *err);

#endif
