/*
 * The C core shared by the kernel driver (kernel/driver.c) and every C reproducer that
 * `hugecheck repro` writes (kernel/repro-runtime.c; the generator pastes this file in, so a
 * reproducer stays one standalone file): reading the pool counters, the settings, the scenario's
 * processes ("nodes", each a server blocked on its own command pipe), touches that catch SIGBUS and
 * SIGSEGV, mounts, segments, the journal and the clean-up.
 *
 * Every function is static and marked HC_FN (unused is fine): a reproducer uses only part of it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <poll.h>
#include <time.h>
#include <unistd.h>
#include <linux/falloc.h>

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif
#ifndef SHM_HUGETLB
#define SHM_HUGETLB 04000
#endif
#ifndef SHM_NORESERVE
#define SHM_NORESERVE 010000
#endif
#define HUGETLBFS_MAGIC 0x958458f6

#define HP (2UL << 20)
#define BASE 0x200000000000UL /* scenario address 0; 2 MiB aligned, far from anything the driver maps */
#define MAX_NODES 64
#define MAX_MOUNTS 32
#define MAX_SEGS 64
#define LINE 4096
#define HC_FN static __attribute__((unused))

static const char *NR = "/proc/sys/vm/nr_hugepages";
static const char *OVC = "/proc/sys/vm/nr_overcommit_hugepages";

/* ---- controller state --------------------------------------------------------------------- */
static char workdir[64];
static char journal_path[300];
static const char *journal_dir = "/var/tmp/hugecheck";
static long saved_nr = -1, saved_ovc = -1;
static int lock_fd = -1;
static pid_t node_pid[MAX_NODES];
static int cmd_w[MAX_NODES], ack_r[MAX_NODES]; /* controller ends */
static int cmd_r[MAX_NODES], ack_w[MAX_NODES]; /* node ends (kept for unborn nodes) */
static int mounted[MAX_MOUNTS];
static int seg_id[MAX_SEGS];
static volatile sig_atomic_t stop_requested;
static int journal_fd = -1;
static int nodes_used; /* node indices 0..nodes_used-1 may have consumed their pipes */

/* ---- node state ------------------------------------------------------------------------------ */
static int me = -1; /* node index, -1 in the controller */
static sigjmp_buf touch_env;
static volatile sig_atomic_t touch_signal;

struct cmd { int op; long a, b, c, d, e, f, g, h; char path[160]; };
struct ack { long result; long value; long extra; };
enum { N_MMAP = 1, N_MUNMAP, N_MREMAP, N_MADVISE, N_MPROTECT, N_READ, N_WRITE, N_FORK, N_EXIT, N_SHMAT, N_MLOCK };

HC_FN const char *errname(int e) {
	switch (e) {
	case 0: return "ok";
	case ENOMEM: return "ENOMEM";
	case EINVAL: return "EINVAL";
	case EFAULT: return "EFAULT";
	case ENOSPC: return "ENOSPC";
	case EBUSY: return "EBUSY";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	case EBADF: return "EBADF";
	case EACCES: return "EACCES";
	case EPERM: return "EPERM";
	case EEXIST: return "EEXIST";
	case ENOENT: return "ENOENT";
	case EIDRM: return "EIDRM";
	default: return "EOTHER";
	}
}
/* Results travel as small integers: errno values, or these two for signals. */
#define R_SIGBUS (-7)
#define R_SIGSEGV (-11)

HC_FN int write_file(const char *path, long v) {
	char b[32];
	int n = snprintf(b, sizeof b, "%ld", v);
	int fd = open(path, O_WRONLY);
	if (fd < 0) return -errno;
	int r = write(fd, b, (size_t)n) < 0 ? -errno : 0;
	close(fd);
	return r;
}

HC_FN long read_file(const char *path) {
	char b[64] = {0};
	int fd = open(path, O_RDONLY);
	if (fd < 0) return -1;
	int n = read(fd, b, sizeof b - 1);
	close(fd);
	return n > 0 ? strtol(b, NULL, 10) : -1;
}

/* HugePages_Total/Free/Rsvd/Surp in one read; Rsvd is unsigned in the kernel, shown signed. */
HC_FN void meminfo(long long c[4]) {
	static char b[8192];
	int fd = open("/proc/meminfo", O_RDONLY);
	int n = fd >= 0 ? read(fd, b, sizeof b - 1) : -1;
	if (fd >= 0) close(fd);
	b[n > 0 ? n : 0] = 0;
	const char *keys[4] = {"HugePages_Total:", "HugePages_Free:", "HugePages_Rsvd:", "HugePages_Surp:"};
	for (int i = 0; i < 4; i++) {
		char *p = strstr(b, keys[i]);
		unsigned long long v = 0;
		if (p) v = strtoull(p + strlen(keys[i]), NULL, 10);
		c[i] = (long long)v;
	}
}

/* Counters after a step that frees pages: read until two reads agree, then once more after a short
 * pause if they did not at first (kernel-observed 16c). The driver's processes have THP disabled
 * (see main), so khugepaged holds no reference to their mm that could delay exit_mmap. */
HC_FN void stable_meminfo(long long c[4]) {
	long long d[4];
	meminfo(c);
	for (int i = 0; i < 2000; i++) {
		meminfo(d);
		if (!memcmp(c, d, sizeof d)) return;
		memcpy(c, d, sizeof d);
		struct timespec ts = {0, 500000};
		nanosleep(&ts, NULL);
	}
}

/* ---- journal ------------------------------------------------------------------------------- */
HC_FN void journal(const char *fmt, ...) {
	char buf[LINE];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	if (journal_fd >= 0 && n > 0) { if (write(journal_fd, buf, (size_t)n) < 0) {} fsync(journal_fd); }
}

HC_FN void unmount_from(int first);
HC_FN void remove_segments(void);

/* ---- clean-up ------------------------------------------------------------------------------ */
HC_FN void cleanup(void) {
	if (me >= 0) _exit(0);
	for (int i = 0; i < MAX_NODES; i++) {
		if (node_pid[i] > 0) { kill(node_pid[i], SIGKILL); waitpid(node_pid[i], NULL, 0); node_pid[i] = 0; }
	}
	while (waitpid(-1, NULL, WNOHANG) > 0) {}
	unmount_from(0);
	remove_segments();
	if (saved_ovc >= 0) write_file(OVC, saved_ovc);
	if (saved_nr >= 0) write_file(NR, saved_nr);
	if (saved_nr >= 0 && read_file(NR) != saved_nr) write_file(NR, saved_nr);
	if (workdir[0]) rmdir(workdir);
	if (journal_fd >= 0) { close(journal_fd); journal_fd = -1; unlink(journal_path); }
}

HC_FN void on_signal(int sig) { (void)sig; stop_requested = 1; }

/* ---- nodes ---------------------------------------------------------------------------------- */
HC_FN void on_fault(int sig, siginfo_t *si, void *uc) {
	(void)si; (void)uc;
	touch_signal = sig;
	siglongjmp(touch_env, 1);
}

HC_FN int touch(char *addr, int write_it, long value, long *seen) {
	touch_signal = 0;
	if (sigsetjmp(touch_env, 1)) return touch_signal == SIGBUS ? R_SIGBUS : R_SIGSEGV;
	volatile char *p = (volatile char *)addr;
	if (write_it) p[0] = (char)value;
	*seen = (unsigned char)p[0];
	return 0;
}

HC_FN int prot_of(long p) { return p == 0 ? PROT_READ | PROT_WRITE : p == 1 ? PROT_READ : PROT_NONE; }

HC_FN void node_loop(void);

/* Node 0 is the controller's own child; every later node is cloned by a node with CLONE_PARENT,
 * so it too is a child of the controller, whoever forks it. */
HC_FN pid_t spawn_node(int idx) {
	unsigned long flags = SIGCHLD | (me >= 0 ? CLONE_PARENT : 0);
	pid_t pid = (pid_t)syscall(SYS_clone, flags, 0, NULL, NULL, 0);
	if (pid == 0) {
		me = idx;
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		/* Keep this node's ends and those of nodes not born yet (a later fork hands them on);
		 * drop everything else, the controller's ends included. */
		for (int i = 0; i < MAX_NODES; i++) {
			if (i < idx) {
				if (cmd_r[i] >= 0) close(cmd_r[i]);
				if (ack_w[i] >= 0) close(ack_w[i]);
				cmd_r[i] = ack_w[i] = -1;
			}
			if (cmd_w[i] >= 0) { close(cmd_w[i]); cmd_w[i] = -1; }
			if (ack_r[i] >= 0) { close(ack_r[i]); ack_r[i] = -1; }
		}
		node_loop();
		_exit(0);
	}
	return pid;
}

HC_FN void node_loop(void) {
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = on_fault;
	sa.sa_flags = SA_SIGINFO | SA_NODEFER;
	sigaction(SIGBUS, &sa, NULL);
	sigaction(SIGSEGV, &sa, NULL);
	signal(SIGINT, SIG_IGN);
	signal(SIGTERM, SIG_DFL);
	for (;;) {
		struct cmd c;
		ssize_t n = read(cmd_r[me], &c, sizeof c);
		if (n != (ssize_t)sizeof c) _exit(0); /* control pipe closed: exit */
		struct ack a = {0, -1, 0};
		char *addr = (char *)(BASE + (unsigned long)c.a * HP);
		switch (c.op) {
		case N_MMAP: {
			/* a=addr b=pages c=shared d=hasfile e=offset f=noreserve g=1 MAP_POPULATE|2 MAP_LOCKED h=prot; path */
			int fd = -1;
			if (c.d) { fd = open(c.path, O_RDWR); if (fd < 0) { a.result = errno; break; } }
			int flags = (c.c ? MAP_SHARED : MAP_PRIVATE) | MAP_FIXED_NOREPLACE | (c.d ? 0 : MAP_ANONYMOUS | MAP_HUGETLB) |
				    (c.f ? MAP_NORESERVE : 0) | (c.g & 1 ? MAP_POPULATE : 0) | (c.g & 2 ? MAP_LOCKED : 0);
			void *r = mmap(addr, (size_t)c.b * HP, prot_of(c.h), flags, fd, (off_t)c.e * (off_t)HP);
			if (r == MAP_FAILED) a.result = errno;
			else if (r != addr) { munmap(r, (size_t)c.b * HP); a.result = EEXIST; }
			if (fd >= 0) close(fd);
			break;
		}
		case N_MUNMAP: a.result = munmap(addr, (size_t)c.b * HP) ? errno : 0; break;
		case N_MREMAP: {
			/* a=addr b=oldpages c=newpages d=newaddr (-1 in place, -2 kernel picks) */
			void *r;
			if (c.d >= 0) r = mremap(addr, (size_t)c.b * HP, (size_t)c.c * HP, MREMAP_MAYMOVE | MREMAP_FIXED, (void *)(BASE + (unsigned long)c.d * HP));
			else if (c.d == -1) r = mremap(addr, (size_t)c.b * HP, (size_t)c.c * HP, 0);
			else r = mremap(addr, (size_t)c.b * HP, (size_t)c.c * HP, MREMAP_MAYMOVE);
			a.result = r == MAP_FAILED ? errno : 0;
			break;
		}
		case N_MADVISE: a.result = madvise(addr, (size_t)c.b * HP, c.c ? MADV_REMOVE : MADV_DONTNEED) ? errno : 0; break;
		case N_MPROTECT: a.result = mprotect(addr, (size_t)c.b * HP, prot_of(c.c)) ? errno : 0; break;
		/* b=pages c=1 for munlock */
		case N_MLOCK: a.result = (c.c ? munlock(addr, (size_t)c.b * HP) : mlock(addr, (size_t)c.b * HP)) ? errno : 0; break;
		case N_READ: a.result = touch(addr, 0, 0, &a.value); break;
		case N_WRITE: a.result = touch(addr, 1, c.b, &a.value); break;
		case N_FORK: {
			if (c.b < 0 || c.b >= MAX_NODES || cmd_r[c.b] < 0) { a.result = EINVAL; break; }
			pid_t pid = spawn_node((int)c.b);
			if (pid < 0) a.result = errno;
			else { a.extra = pid; close(cmd_r[c.b]); close(ack_w[c.b]); cmd_r[c.b] = ack_w[c.b] = -1; }
			break;
		}
		case N_EXIT: _exit(0);
		case N_SHMAT: {
			void *r = shmat((int)c.b, addr, 0);
			a.result = r == (void *)-1 ? errno : 0;
			break;
		}
		default: a.result = EINVAL;
		}
		if (write(ack_w[me], &a, sizeof a) != (ssize_t)sizeof a) _exit(0);
	}
}

/* Sends a command to node i and waits for its answer. A node that dies instead (a crash, an
 * unhandled signal) or does not answer within 5 s (then it is killed) fails the call. */
HC_FN int node_call(int i, struct cmd *c, struct ack *a) {
	if (i < 0 || i >= MAX_NODES || node_pid[i] <= 0) return -1;
	if (write(cmd_w[i], c, sizeof *c) != (ssize_t)sizeof *c) return -1;
	for (int waited = 0;; waited += 50) {
		struct pollfd pf = {ack_r[i], POLLIN, 0};
		int r = poll(&pf, 1, 50);
		if (r > 0) return read(ack_r[i], a, sizeof *a) == (ssize_t)sizeof *a ? 0 : -1;
		if (r < 0 && errno != EINTR) return -1;
		if (stop_requested) return -1;
		if (waitpid(node_pid[i], NULL, WNOHANG) == node_pid[i]) { node_pid[i] = 0; return -2; }
		if (waited >= 5000) { kill(node_pid[i], SIGKILL); waitpid(node_pid[i], NULL, 0); node_pid[i] = 0; return -3; }
	}
}

HC_FN void mountdir(char *buf, size_t n, long m) { snprintf(buf, n, "%s/m%ld", workdir, m); }
HC_FN void filepath(char *buf, size_t n, long m, long f) { snprintf(buf, n, "%s/m%ld/f%ld", workdir, m, f); }

HC_FN void remove_segments(void) {
	for (int i = 0; i < MAX_SEGS; i++) if (seg_id[i] >= 0) { shmctl(seg_id[i], IPC_RMID, NULL); seg_id[i] = -1; }
}

/* Unmounts the driver's mounts from index `first` on (lazily if a plain umount fails). */
HC_FN void unmount_from(int first) {
	for (int i = first; i < MAX_MOUNTS; i++) {
		if (!mounted[i]) continue;
		char dir[300];
		mountdir(dir, sizeof dir, i);
		if (umount2(dir, 0)) umount2(dir, MNT_DETACH);
		rmdir(dir);
		mounted[i] = 0;
	}
}

/* ---- start-up -------------------------------------------------------------------------------- */
static char hc_error[LINE];

/* Takes the machine-wide lock (there is one pool per machine) and sets up the process: no THP for
 * the scenario's processes, orphans come back to us, signals ask for a clean stop. NULL or a reason. */
HC_FN const char *hc_lock(void) {
	for (int i = 0; i < MAX_NODES; i++) cmd_w[i] = ack_r[i] = cmd_r[i] = ack_w[i] = -1;
	for (int i = 0; i < MAX_SEGS; i++) seg_id[i] = -1;
	mkdir(journal_dir, 0700);
	lock_fd = open("/var/tmp/hugecheck/lock", O_CREAT | O_RDWR, 0600);
	if (lock_fd < 0 || flock(lock_fd, LOCK_EX)) { snprintf(hc_error, sizeof hc_error, "lock %s", strerror(errno)); return hc_error; }
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0); /* inherited: keeps khugepaged off the nodes' mm */
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	return NULL;
}

/* Saves both pool settings in a new journal, makes the work directory (prefix.PID) and every
 * node's pipes. Nothing has changed yet. NULL or a reason (the caller cleans up). */
HC_FN const char *hc_begin(const char *prefix) {
	saved_nr = read_file(NR);
	saved_ovc = read_file(OVC);
	if (saved_nr < 0 || saved_ovc < 0) { snprintf(hc_error, sizeof hc_error, "cannot read %s or %s", NR, OVC); return hc_error; }
	snprintf(workdir, sizeof workdir, "%s.%d", prefix, (int)getpid());
	snprintf(journal_path, sizeof journal_path, "%s/journal.%d", journal_dir, (int)getpid());
	journal_fd = open(journal_path, O_CREAT | O_TRUNC | O_WRONLY, 0600);
	journal("pid %d\nsettings %ld %ld\nworkdir %s\n", (int)getpid(), saved_nr, saved_ovc, workdir);
	if (mkdir(workdir, 0700) && errno != EEXIST) { snprintf(hc_error, sizeof hc_error, "mkdir %s: %s", workdir, strerror(errno)); return hc_error; }
	for (int i = 0; i < MAX_NODES; i++) {
		int p1[2], p2[2];
		if (pipe(p1) || pipe(p2)) { snprintf(hc_error, sizeof hc_error, "pipe: %s", strerror(errno)); return hc_error; }
		cmd_r[i] = p1[0]; cmd_w[i] = p1[1]; ack_r[i] = p2[0]; ack_w[i] = p2[1];
	}
	return NULL;
}

/* ---- the controller's own steps ------------------------------------------------------------------ */
/* Mounts hugetlbfs instance `idx` with size=/min_size= in pages (-1: not given). 0 or an errno. */
HC_FN int hc_mount(int idx, long size, long min_size) {
	if (idx < 0 || idx >= MAX_MOUNTS || mounted[idx]) return EINVAL;
	char dir[300], opts[128] = {0};
	int o = 0;
	mountdir(dir, sizeof dir, idx);
	mkdir(dir, 0700);
	if (size >= 0) o += snprintf(opts + o, sizeof opts - (size_t)o, "size=%lu", (unsigned long)size * HP);
	if (min_size >= 0) o += snprintf(opts + o, sizeof opts - (size_t)o, "%smin_size=%lu", o ? "," : "", (unsigned long)min_size * HP);
	journal("mount %s\n", dir);
	if (mount("none", dir, "hugetlbfs", 0, opts)) { int err = errno; rmdir(dir); return err; }
	mounted[idx] = 1;
	return 0;
}

HC_FN int hc_umount(int idx) {
	char dir[300];
	if (idx < 0 || idx >= MAX_MOUNTS || !mounted[idx]) return EINVAL;
	mountdir(dir, sizeof dir, idx);
	if (umount2(dir, 0)) return errno;
	mounted[idx] = 0;
	rmdir(dir);
	return 0;
}

/* statfs of mount `idx` in pages: blocks (the size= limit) and free blocks; 0, or -1 if it is not
 * a hugetlbfs mount any more. */
HC_FN int hc_statfs(int idx, long long *blocks, long long *bfree) {
	char dir[300];
	struct statfs sf;
	mountdir(dir, sizeof dir, idx);
	if (statfs(dir, &sf) || sf.f_type != HUGETLBFS_MAGIC) return -1;
	*blocks = (long long)sf.f_blocks;
	*bfree = (long long)sf.f_bfree;
	return 0;
}

enum { HC_CREATE, HC_UNLINK, HC_TRUNCATE, HC_FALLOCATE };
/* A file step on file `f` of mount `m`: create, unlink, ftruncate to `a` pages, or fallocate(`a`
 * offset, `b` pages, punch). 0 or an errno. */
HC_FN int hc_file(int op, long m, long f, long a, long b, int punch) {
	char path[300];
	filepath(path, sizeof path, m, f);
	if (op == HC_CREATE) { int fd = open(path, O_CREAT | O_EXCL | O_RDWR, 0600); if (fd < 0) return errno; close(fd); return 0; }
	if (op == HC_UNLINK) return unlink(path) ? errno : 0;
	int fd = open(path, O_RDWR);
	if (fd < 0) return errno;
	int r = op == HC_TRUNCATE ? (ftruncate(fd, (off_t)a * (off_t)HP) ? errno : 0)
				  : (fallocate(fd, punch ? FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE : 0, (off_t)a * (off_t)HP, (off_t)b * (off_t)HP) ? errno : 0);
	close(fd);
	return r;
}

/* A SysV segment with SHM_HUGETLB in slot `idx`. 0 or an errno. */
HC_FN int hc_shmget(int idx, long pages, int noreserve) {
	if (idx < 0 || idx >= MAX_SEGS) return EINVAL;
	int id = shmget(IPC_PRIVATE, (size_t)pages * HP, IPC_CREAT | 0600 | SHM_HUGETLB | (noreserve ? SHM_NORESERVE : 0));
	if (id < 0) return errno;
	seg_id[idx] = id;
	journal("shm %d\n", id);
	return 0;
}

/* Tells node `k` to exit and waits for it: exit_mmap has run once this returns (kernel-observed 16c). */
HC_FN void hc_exit_node(int k) {
	struct cmd cm;
	memset(&cm, 0, sizeof cm);
	cm.op = N_EXIT;
	if (write(cmd_w[k], &cm, sizeof cm) != (ssize_t)sizeof cm) kill(node_pid[k], SIGKILL);
	if (waitpid(node_pid[k], NULL, 0) != node_pid[k]) fprintf(stderr, "waitpid(%d): %s\n", (int)node_pid[k], strerror(errno));
	node_pid[k] = 0;
}
