/* vm/host: what the user-space interpreter reads of the process it runs
 * in (time, comm, cgroup, its own memory).  Internal to vm/. */
#ifndef TV_VM_HOST_H
#define TV_VM_HOST_H

#include "bytecode/bytecode.h"

/* CLOCK_MONOTONIC in ns, the clock bpf_ktime_get_ns() reads. */
__u64 vm_host_nsecs(void);
/* The NUMA node of the CPU this thread runs on (0 when unknown). */
__u64 vm_host_numa_node(void);
/* /proc/self/comm without the newline, NUL padded to TV_COMM_LEN. */
void vm_host_comm(char comm[TV_COMM_LEN]);
/* Inode number of the process's cgroup v2 directory (its cgroup id);
 * 0 when there is no cgroup v2 hierarchy. */
__u64 vm_host_cgroup_id(void);
/* Copy len bytes at addr of this process; -EFAULT when any is unmapped. */
int vm_host_read(void *dst, __u64 addr, size_t len);
/* bpf_probe_read_user_str() into dst[0..size) plus zero padding: at most
 * size - 1 chars then a NUL, zeros after it.  -EFAULT (dst zeroed) when a
 * byte it needs is unmapped. */
int vm_host_read_str(void *dst, __u64 addr, size_t size);

#endif
