/* System calls without libc, for a process that shares its memory with
 * another one that does use libc (reaper.c).
 *
 * libc's wrappers write errno, which lives in thread-local storage; a
 * process started with clone(CLONE_VM) and no TLS of its own shares that
 * word (and every other libc state) with its parent.  So the process that
 * waits while the other one works makes its calls here: nothing but
 * registers, the result or -errno returned.
 *
 * The supervisor, for its part, runs on the reaper's thread descriptor:
 * under musl that descriptor's cached thread id is the reaper's, so
 * raise(3) and abort(3) would signal the reaper.  Nothing landjail runs
 * after the split calls either (trace.c's raise is in a child forked
 * before it, and fork(2) gives a child its own id).
 *
 * RAWCALL_SPLIT is 1 on x86_64 (not x32) only, where the split below is
 * tested; one for aarch64 could not be: qemu's user-mode emulation, where
 * this project's aarch64 tests run, refuses a clone(CLONE_VM) that starts
 * no thread (reaper.c then forks).  Elsewhere the callers fork, and so
 * they do in a sanitizer's build: its runtime keeps per-process state
 * (the thread registry, the pid whose threads the leak check stops) that
 * a second process in the same memory confuses.  (Valgrind refuses such a
 * clone too, but it knows neither landlock_* nor seccomp(2), so it cannot
 * run landjail at all.) */
#ifndef LANDJAIL_RAWCALL_H
#define LANDJAIL_RAWCALL_H

#include <sys/syscall.h>

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define RAWCALL_NO_SPLIT 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) || \
	__has_feature(memory_sanitizer)
#define RAWCALL_NO_SPLIT 1
#endif
#endif

#if defined(__x86_64__) && !defined(__ILP32__) && !defined(RAWCALL_NO_SPLIT)
#define RAWCALL_SPLIT 1

static inline long rawcall4(long nr, long a, long b, long c, long d)
{
	long ret;
	register long r10 __asm__("r10") = d;
	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(nr), "D"(a), "S"(b), "d"(c), "r"(r10)
			 : "rcx", "r11", "memory");
	return ret;
}

/* clone(flags) with the child on this very stack, returning 0 in it as
 * fork does, or -errno.  The parent leaves this stack before it touches
 * it again (the child owns it now): it switches to stack_top and calls
 * fn(child's pid), which must not return. */
static inline long rawcall_split(unsigned long flags, void *stack_top,
				 void (*fn)(long child))
{
	long ret;
	register long r10 __asm__("r10") = 0;
	register long r8 __asm__("r8") = 0;
	__asm__ volatile("syscall\n\t"
			 "test %%rax, %%rax\n\t"
			 "jle 1f\n\t"
			 "mov %[stk], %%rsp\n\t"
			 "mov %%rax, %%rdi\n\t"
			 "call *%[fn]\n\t"
			 "ud2\n"
			 "1:"
			 : "=a"(ret)
			 : "a"((long)SYS_clone), "D"(flags), "S"(0L), "d"(0L), "r"(r10),
			   "r"(r8), [stk] "r"(stack_top), [fn] "r"(fn)
			 : "rcx", "r11", "memory", "cc");
	return ret;
}

#else
#define RAWCALL_SPLIT 0
#include <errno.h>
#include <unistd.h>

/* No split here, so no memory shared: libc's own wrapper will do. */
static inline long rawcall4(long nr, long a, long b, long c, long d)
{
	long r = syscall(nr, a, b, c, d);
	return r < 0 ? -errno : r;
}
#endif

#endif
