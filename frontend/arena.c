/* The arena every tree node and string is carved from: a chain of chunks
 * freed in one call, so the parser never frees anything on its own (and
 * error paths cannot leak). */
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "frontend/ast.h"

#define CHUNK_SIZE 16384
#define ALIGN 16

struct chunk {
	struct chunk *next;
	size_t size, used;
	_Alignas(ALIGN) unsigned char data[];
};

struct fe_arena {
	struct chunk *head;
};

struct fe_arena *fe_arena_new(void)
{
	return calloc(1, sizeof(struct fe_arena));
}

void fe_arena_free(struct fe_arena *a)
{
	struct chunk *c, *next;

	if (!a)
		return;
	for (c = a->head; c; c = next) {
		next = c->next;
		free(c);
	}
	free(a);
}

static struct chunk *chunk_new(size_t min)
{
	size_t size = min > CHUNK_SIZE ? min : CHUNK_SIZE;
	struct chunk *c = malloc(sizeof(*c) + size);

	if (!c)
		return NULL;
	c->next = NULL;
	c->size = size;
	c->used = 0;
	return c;
}

void *fe_arena_alloc(struct fe_arena *a, size_t size)
{
	struct chunk *c = a->head;
	void *p;

	if (size > SIZE_MAX / 2)
		return NULL;
	size = size ? (size + ALIGN - 1) & ~(size_t)(ALIGN - 1) : ALIGN;
	if (!c || c->size - c->used < size) {
		c = chunk_new(size);
		if (!c)
			return NULL;
		/* A big allocation goes behind the head, so the head's free
		 * space stays usable for the small ones that follow. */
		if (a->head && size > CHUNK_SIZE) {
			c->next = a->head->next;
			a->head->next = c;
		} else {
			c->next = a->head;
			a->head = c;
		}
	}
	p = c->data + c->used;
	c->used += size;
	memset(p, 0, size);
	return p;
}

char *fe_arena_strndup(struct fe_arena *a, const char *s, size_t len)
{
	char *d = len < SIZE_MAX ? fe_arena_alloc(a, len + 1) : NULL;

	if (d && len)
		memcpy(d, s, len);
	return d;
}

int fe_grow(void *array, int *cap, int n, size_t size, int first)
{
	void **v = array, *p;
	int c = *cap ? *cap * 2 : first;

	if (n < *cap)
		return 0;
	if (*cap > INT_MAX / 2 || !(p = realloc(*v, (size_t)c * size)))
		return -1;
	*v = p, *cap = c;
	return 0;
}

int fe_list_push(struct fe_arena *a, struct fe_list *l, struct fe_node *n)
{
	if (l->n == l->cap) {
		int cap = l->cap ? l->cap * 2 : 4;
		struct fe_node **v = fe_arena_alloc(a, (size_t)cap * sizeof(*v));

		if (!v)
			return -1;
		if (l->n)
			memcpy(v, l->v, (size_t)l->n * sizeof(*v));
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = n;
	return 0;
}
