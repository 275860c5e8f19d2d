/*
 * hugecheck kernel driver: executes scenario steps on the real kernel, one at a time.
 *
 * The TypeScript adapter (kernel/adapter.ts) speaks a line protocol on stdin/stdout: one command
 * line in, one reply line out. The controller (this process) performs file, mount, segment and
 * pool steps itself and forwards process steps to the scenario's processes ("nodes"), each blocked
 * on its own command pipe (strict lockstep, kernel-observed.md §3). Nodes are created with
 * clone(CLONE_PARENT), so every node is a direct child of the controller: it can wait for any of
 * them, and no node is ever orphaned (kernel-observed 16c). Touches catch SIGBUS/SIGSEGV with
 * sigsetjmp/siglongjmp and report them.
 *
 * Safety: before changing anything the controller records nr_hugepages and nr_overcommit_hugepages
 * in a journal; it appends every mount and segment it creates. On EOF on stdin, SIGINT, SIGTERM,
 * SIGHUP or an internal error it kills and reaps every node, unmounts, removes segments, restores
 * both settings and deletes the journal. If it is killed outright, the adapter's next start finds
 * the journal and restores from it. One machine-wide flock serialises every user of the pool.
 *
 * Nothing is allocated after start-up (static buffers only), so no library allocation lands in a
 * hole of a scenario's address space (kernel-observed §3, "Keep holes reserved").
 */
#include "core.c"

static void out(const char *fmt, ...) {
	char buf[LINE * 2];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	/* The reader is gone: stop, but clean up first (the main loop checks stop_requested). */
	if (n > 0 && write(1, buf, (size_t)n) < 0) stop_requested = 1;
}

static void reply(int result, long value, int stable) {
	long long c[4];
	if (stable) stable_meminfo(c); else meminfo(c);
	char mounts[LINE] = {0};
	int off = 0;
	for (int i = 0; i < MAX_MOUNTS; i++) {
		if (!mounted[i]) continue;
		char dir[300];
		struct statfs sf;
		snprintf(dir, sizeof dir, "%s/m%d", workdir, i);
		long long blk = -2, bf = -2;
		if (!statfs(dir, &sf) && sf.f_type == HUGETLBFS_MAGIC) { blk = (long long)sf.f_blocks; bf = (long long)sf.f_bfree; }
		off += snprintf(mounts + off, sizeof mounts - (size_t)off, " %d %lld %lld", i, blk, bf);
	}
	const char *r = result == R_SIGBUS ? "SIGBUS" : result == R_SIGSEGV ? "SIGSEGV" : errname(result);
	out("R %s %ld %lld %lld %lld %lld%s\n", r, value, c[0], c[1], c[2], c[3], mounts);
}

/* Kills every node, recreates the pipes that were used, removes segments and unmounts the scenario's
 * mounts. The default mount (index 0) stays for the next scenario unless `all`: it has no subpool,
 * and the teardown has emptied it (mounting it again would cost about 0.7 ms per scenario). */
static int reset_all(int all) {
	for (int i = 0; i < MAX_NODES; i++) if (node_pid[i] > 0) { kill(node_pid[i], SIGKILL); waitpid(node_pid[i], NULL, 0); node_pid[i] = 0; }
	for (int i = 0; i < nodes_used; i++) {
		if (cmd_w[i] >= 0) close(cmd_w[i]);
		if (ack_r[i] >= 0) close(ack_r[i]);
		if (cmd_r[i] >= 0) close(cmd_r[i]);
		if (ack_w[i] >= 0) close(ack_w[i]);
		int p1[2], p2[2];
		if (pipe(p1) || pipe(p2)) { out("E pipe\n"); return 1; }
		cmd_r[i] = p1[0]; cmd_w[i] = p1[1]; ack_r[i] = p2[0]; ack_w[i] = p2[1];
	}
	nodes_used = 0;
	remove_segments();
	unmount_from(all ? 0 : 1);
	return 0;
}

/* ---- the controller's command loop ------------------------------------------------------- */
static int handle(char *line) {
	char op[32];
	long a = 0, b = 0, c = 0, d = 0, e = 0, k = 0;
	if (sscanf(line, "%31s", op) != 1) return 0;
	if (!strcmp(op, "QUIT")) return 1;
	if (!strcmp(op, "MEMINFO")) { reply(0, -1, 0); return 0; }
	if (!strcmp(op, "SYSCTL")) { /* SYSCTL nr ovc: overcommit first, then the pool (contract) */
		sscanf(line, "%*s %ld %ld", &a, &b);
		int r = write_file(OVC, b);
		if (!r) r = write_file(NR, a);
		reply(r ? -r : 0, -1, 0);
		return 0;
	}
	if (!strcmp(op, "NR")) { sscanf(line, "%*s %ld", &a); int r = write_file(NR, a); reply(r ? -r : 0, -1, 0); return 0; }
	if (!strcmp(op, "OVC")) { sscanf(line, "%*s %ld", &a); int r = write_file(OVC, a); reply(r ? -r : 0, -1, 0); return 0; }
	if (!strcmp(op, "MOUNT")) { /* MOUNT idx size_pages(-1) min_pages(-1) */
		sscanf(line, "%*s %ld %ld %ld", &a, &b, &c);
		if (a < 0 || a >= MAX_MOUNTS || mounted[a]) { reply(EINVAL, -1, 0); return 0; }
		char dir[300], opts[128] = {0};
		mountdir(dir, sizeof dir, a);
		mkdir(dir, 0700);
		int o = 0;
		if (b >= 0) o += snprintf(opts + o, sizeof opts - (size_t)o, "size=%lu", (unsigned long)b * HP);
		if (c >= 0) o += snprintf(opts + o, sizeof opts - (size_t)o, "%smin_size=%lu", o ? "," : "", (unsigned long)c * HP);
		journal("mount %s\n", dir);
		if (mount("none", dir, "hugetlbfs", 0, opts)) { int err = errno; rmdir(dir); reply(err, -1, 0); return 0; }
		mounted[a] = 1;
		reply(0, -1, 0);
		return 0;
	}
	if (!strcmp(op, "UMOUNT")) {
		sscanf(line, "%*s %ld", &a);
		char dir[300];
		mountdir(dir, sizeof dir, a);
		if (a < 0 || a >= MAX_MOUNTS || !mounted[a]) { reply(EINVAL, -1, 0); return 0; }
		if (umount2(dir, 0)) { reply(errno, -1, 0); return 0; }
		mounted[a] = 0;
		rmdir(dir);
		reply(0, -1, 1);
		return 0;
	}
	if (!strcmp(op, "CREATE") || !strcmp(op, "UNLINK") || !strcmp(op, "TRUNCATE") || !strcmp(op, "FALLOCATE")) {
		sscanf(line, "%*s %ld %ld %ld %ld %ld", &a, &b, &c, &d, &e);
		char path[300];
		filepath(path, sizeof path, a, b);
		int r = 0;
		if (!strcmp(op, "CREATE")) { int fd = open(path, O_CREAT | O_EXCL | O_RDWR, 0600); if (fd < 0) r = errno; else close(fd); }
		else if (!strcmp(op, "UNLINK")) r = unlink(path) ? errno : 0;
		else {
			int fd = open(path, O_RDWR);
			if (fd < 0) r = errno;
			else {
				if (!strcmp(op, "TRUNCATE")) r = ftruncate(fd, (off_t)c * (off_t)HP) ? errno : 0;
				else r = fallocate(fd, e ? FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE : 0, (off_t)c * (off_t)HP, (off_t)d * (off_t)HP) ? errno : 0;
				close(fd);
			}
		}
		reply(r, -1, 1);
		return 0;
	}
	if (!strcmp(op, "SHMGET")) { /* SHMGET idx pages noreserve */
		sscanf(line, "%*s %ld %ld %ld", &a, &b, &c);
		if (a < 0 || a >= MAX_SEGS) { reply(EINVAL, -1, 0); return 0; }
		int id = shmget(IPC_PRIVATE, (size_t)b * HP, IPC_CREAT | 0600 | SHM_HUGETLB | (c ? SHM_NORESERVE : 0));
		if (id < 0) { reply(errno, -1, 0); return 0; }
		seg_id[a] = id;
		journal("shm %d\n", id);
		reply(0, id, 0);
		return 0;
	}
	if (!strcmp(op, "SHMRM")) {
		sscanf(line, "%*s %ld", &a);
		int r = (a < 0 || a >= MAX_SEGS || seg_id[a] < 0) ? EINVAL : shmctl(seg_id[a], IPC_RMID, NULL) ? errno : 0;
		if (!r) seg_id[a] = -1;
		reply(r, -1, 1);
		return 0;
	}
	if (!strcmp(op, "P")) { /* P node OP v0 v1 ... (see kernel/adapter.ts) */
		char pop[32];
		long v[10] = {0};
		struct cmd cm;
		struct ack ak;
		memset(&cm, 0, sizeof cm);
		int n = sscanf(line, "%*s %ld %31s %ld %ld %ld %ld %ld %ld %ld %ld %ld %ld", &k, pop, &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7], &v[8], &v[9]);
		if (n < 2 || k < 0 || k >= MAX_NODES || node_pid[k] <= 0) { out("E no such process %ld\n", k); return 0; }
		cm.a = v[0]; cm.b = v[1]; cm.c = v[2]; cm.d = v[3];
		if (!strcmp(pop, "MMAP")) {
			/* addr pages shared mount(-1: anonymous) file offset noreserve populate prot */
			cm.op = N_MMAP;
			cm.c = v[2];
			cm.d = v[3] >= 0;
			if (cm.d) filepath(cm.path, sizeof cm.path, v[3], v[4]);
			cm.e = v[5]; cm.f = v[6]; cm.g = v[7]; cm.h = v[8];
		} else if (!strcmp(pop, "MUNMAP")) cm.op = N_MUNMAP;      /* addr pages */
		else if (!strcmp(pop, "MREMAP")) cm.op = N_MREMAP;         /* addr old new newaddr|-1|-2 */
		else if (!strcmp(pop, "MADVISE")) cm.op = N_MADVISE;       /* addr pages remove */
		else if (!strcmp(pop, "MPROTECT")) cm.op = N_MPROTECT;     /* addr pages prot */
		else if (!strcmp(pop, "READ")) cm.op = N_READ;             /* addr */
		else if (!strcmp(pop, "WRITE")) cm.op = N_WRITE;           /* addr value */
		else if (!strcmp(pop, "FORK")) cm.op = N_FORK;             /* - child */
		else if (!strcmp(pop, "EXIT")) cm.op = N_EXIT;
		else if (!strcmp(pop, "SHMAT")) {                          /* addr seg */
			cm.op = N_SHMAT;
			if (v[1] < 0 || v[1] >= MAX_SEGS || seg_id[v[1]] < 0) { out("E no such segment %ld\n", v[1]); return 0; }
			cm.b = seg_id[v[1]];
		} else { out("E unknown process op %s\n", pop); return 0; }
		if (cm.op == N_FORK && (v[1] < 1 || v[1] >= MAX_NODES || node_pid[v[1]] > 0)) { out("E bad child index %ld\n", v[1]); return 0; }
		if (cm.op == N_EXIT) {
			if (write(cmd_w[k], &cm, sizeof cm) != (ssize_t)sizeof cm) {}
			if (waitpid(node_pid[k], NULL, 0) != node_pid[k]) fprintf(stderr, "waitpid(%d): %s\n", (int)node_pid[k], strerror(errno)); /* exit_mmap has run once this returns (kernel-observed 16c) */
			node_pid[k] = 0;
			close(cmd_w[k]); close(ack_r[k]); cmd_w[k] = ack_r[k] = -1;
			reply(0, -1, 1);
			return 0;
		}
		int r = node_call((int)k, &cm, &ak);
		if (r == -2) { out("E process %ld died\n", k); return 0; }
		if (r == -3) { out("E process %ld timed out\n", k); return 0; }
		if (r) { out("E process %ld: no answer\n", k); return 0; }
		if (cm.op == N_FORK && ak.result == 0) {
			node_pid[v[1]] = (pid_t)ak.extra;
			if (v[1] + 1 > nodes_used) nodes_used = (int)v[1] + 1;
		}
		reply((int)ak.result, ak.value, cm.op == N_MUNMAP || cm.op == N_MADVISE || cm.op == N_MREMAP);
		return 0;
	}
	if (!strcmp(op, "RESET")) { /* end of a scenario: everything goes, settings stay for the next */
		if (reset_all(1)) return 1;
		reply(0, -1, 1);
		return 0;
	}
	if (!strcmp(op, "SETUP")) { /* SETUP nr ovc: a fresh scenario: reset, pool, default mount, process 0 */
		sscanf(line, "%*s %ld %ld", &a, &b);
		if (reset_all(0)) return 1;
		int r = write_file(OVC, b);
		if (!r) r = write_file(NR, a);
		if (r) { reply(-r, -1, 0); return 0; }
		if (!mounted[0]) {
			char dir[300];
			mountdir(dir, sizeof dir, 0);
			mkdir(dir, 0700);
			journal("mount %s\n", dir);
			if (mount("none", dir, "hugetlbfs", 0, "")) { int err = errno; rmdir(dir); reply(err, -1, 0); return 0; }
			mounted[0] = 1;
		}
		pid_t pid = spawn_node(0);
		if (pid < 0) { reply(errno, -1, 0); return 0; }
		node_pid[0] = pid;
		/* The controller keeps its copies of the node-side ends (a node's death is seen with waitpid,
		 * see node_call), so only the pipes of nodes that ran need recreating at the next reset. */
		nodes_used = 1;
		reply(0, pid, 0);
		return 0;
	}
	if (!strcmp(op, "TEARDOWN")) { /* TEARDOWN m f m f ...: the contract's teardown, then the final observation */
		for (int i = 0; i < MAX_NODES; i++) {
			if (node_pid[i] <= 0) continue;
			struct cmd cm;
			memset(&cm, 0, sizeof cm);
			cm.op = N_EXIT;
			if (write(cmd_w[i], &cm, sizeof cm) != (ssize_t)sizeof cm) kill(node_pid[i], SIGKILL);
			waitpid(node_pid[i], NULL, 0);
			node_pid[i] = 0;
		}
		char *p = line + strlen("TEARDOWN");
		long m, f;
		int used = 0;
		while (sscanf(p, " %ld %ld%n", &m, &f, &used) == 2) {
			char path[300];
			filepath(path, sizeof path, m, f);
			unlink(path);
			p += used;
		}
		remove_segments();
		unmount_from(1);
		reply(0, -1, 1);
		return reset_all(0);
	}
	out("E unknown command %s\n", op);
	return 0;
}

int main(int argc, char **argv) {
	setvbuf(stdout, NULL, _IONBF, 0);
	/* --reply FIFO: replies go to a FIFO the adapter reads synchronously (kernel/driver-process.ts). */
	if (argc == 3 && !strcmp(argv[1], "--reply")) {
		int fd = open(argv[2], O_WRONLY);
		if (fd < 0 || dup2(fd, 1) < 0) { fprintf(stderr, "cannot open %s: %s\n", argv[2], strerror(errno)); return 2; }
		close(fd);
	}
	for (int i = 0; i < MAX_NODES; i++) cmd_w[i] = ack_r[i] = cmd_r[i] = ack_w[i] = -1;
	for (int i = 0; i < MAX_SEGS; i++) seg_id[i] = -1;
	mkdir(journal_dir, 0700);
	/* One machine-wide lock: there is one pool per machine. */
	lock_fd = open("/var/tmp/hugecheck/lock", O_CREAT | O_RDWR, 0600);
	if (lock_fd < 0 || flock(lock_fd, LOCK_EX)) { out("E lock %s\n", strerror(errno)); return 2; }
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0); /* inherited: keeps khugepaged off the nodes' mm */
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	saved_nr = read_file(NR);
	saved_ovc = read_file(OVC);
	if (saved_nr < 0 || saved_ovc < 0) { out("E cannot read %s or %s\n", NR, OVC); return 2; }
	snprintf(workdir, sizeof workdir, "/tmp/hugecheck.%d", (int)getpid());
	snprintf(journal_path, sizeof journal_path, "%s/journal.%d", journal_dir, (int)getpid());
	journal_fd = open(journal_path, O_CREAT | O_TRUNC | O_WRONLY, 0600);
	journal("pid %d\nsettings %ld %ld\nworkdir %s\n", (int)getpid(), saved_nr, saved_ovc, workdir);
	if (mkdir(workdir, 0700) && errno != EEXIST) { out("E mkdir %s: %s\n", workdir, strerror(errno)); cleanup(); return 2; }
	for (int i = 0; i < MAX_NODES; i++) {
		int p1[2], p2[2];
		if (pipe(p1) || pipe(p2)) { out("E pipe: %s\n", strerror(errno)); cleanup(); return 2; }
		cmd_r[i] = p1[0]; cmd_w[i] = p1[1]; ack_r[i] = p2[0]; ack_w[i] = p2[1];
	}
	struct utsname u;
	uname(&u);
	out("READY %s %ld %ld %d\n", u.release, saved_nr, saved_ovc, (int)getpid());
	static char line[LINE];
	size_t used = 0;
	for (;;) {
		if (stop_requested) break;
		char *nl = memchr(line, '\n', used);
		if (!nl) {
			if (used >= sizeof line - 1) break;
			ssize_t n = read(0, line + used, sizeof line - 1 - used);
			if (n <= 0) break; /* EOF or a signal: clean up */
			used += (size_t)n;
			continue;
		}
		*nl = 0;
		int quit = handle(line);
		size_t rest = used - (size_t)(nl + 1 - line);
		memmove(line, nl + 1, rest);
		used = rest;
		if (quit) break;
	}
	cleanup();
	out("BYE\n");
	return 0;
}
