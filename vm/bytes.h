/* Handlers over strings and byte buffers in scratch: included by vm.c,
 * which they share the run state and helpers with. */

HANDLER(STRCMP)
{
	const __u8 *a = sp(st, v[2], v[1]), *b = sp(st, v[3], v[1]);
	__s64 r = 0;

	if (!a || !b)
		return -EINVAL;
	for (__s64 i = 0; i < v[1] && !tv_strcmp_step(a, b, (__u64)i, &r); i++)
		;
	R(v[0]) = (__u64)r;
	return 0;
}

/* strcontains(): the needle S[p] at any place in the haystack S[o]. */
HANDLER(STRSTR)
{
	const __u8 *h = sp(st, v[2], v[1]), *n = sp(st, v[3], v[1]);
	struct tv_strstr c = {.max = (__u32)v[1]};
	__s64 steps = v[1] * v[1] + v[1] + 1;

	if (!h || !n)
		return -EINVAL;
	for (__s64 k = 0; v[1] && k < steps && !tv_strstr_step(&c, h, n); k++)
		;
	R(v[0]) = c.found;
	return 0;
}

/* buf(): a length word, the bytes, zeros to the end of the slot. */
static int read_buf(struct run *st, const __s64 *v, bool user)
{
	__u8 *p = sp(st, v[2], v[3]);
	__u64 n = R(v[1]);

	if (!p || v[3] < 8)
		return -EINVAL;
	if (n > (__u64)v[3] - 8)
		n = (__u64)v[3] - 8;
	memset(p, 0, (size_t)v[3]);
	le_store(p, n, 8);
	if (n && (!user || vm_host_read(p + 8, R(v[0]), (size_t)n)))
		return fault_zero(st, p, v[3]); /* no kernel memory to read here */
	return 0;
}

HANDLER(BUFK)
{
	return read_buf(st, v, false);
}

HANDLER(BUFU)
{
	return read_buf(st, v, true);
}

/* A struct or array value: its bytes (user memory only: kernel reads fault). */
static int read_mem(struct run *st, const __s64 *v, bool user)
{
	__u8 *p = sp(st, v[1], v[2]);

	if (!p)
		return -EINVAL;
	if (!user || vm_host_read(p, R(v[0]), (size_t)v[2]))
		return fault_zero(st, p, v[2]);
	return 0;
}

HANDLER(MEMK)
{
	return read_mem(st, v, false);
}

HANDLER(MEMU)
{
	return read_mem(st, v, true);
}

/* usym(): the address and the process it belongs to. */
HANDLER(USYM)
{
	__u8 *p = sp(st, v[1], 16);

	if (!p)
		return -EINVAL;
	le_store(p, R(v[0]), 8);
	le_store(p + 8, (__u64)getpid(), 8);
	return 0;
}

/* signal(): the vm runs BEGIN and END, which have no traced process
 * (the frontend refuses signal() there); nothing to do. */
HANDLER(SIGNAL)
{
	(void)st, (void)v;
	return 0;
}

/* A watchpoint's setup runs in a uprobe, never in the vm: its "current
 * process" would be tracevm itself. */
HANDLER(STOPPROC)
{
	(void)st, (void)v;
	return 0;
}
