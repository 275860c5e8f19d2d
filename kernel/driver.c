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
		long long blk = -2, bf = -2;
		if (hc_statfs(i, &blk, &bf)) blk = bf = -2;
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
		reply(hc_mount((int)a, b, c), -1, 0);
		return 0;
	}
	if (!strcmp(op, "UMOUNT")) {
		sscanf(line, "%*s %ld", &a);
		int r = hc_umount((int)a);
		reply(r, -1, !r);
		return 0;
	}
	if (!strcmp(op, "CREATE") || !strcmp(op, "UNLINK") || !strcmp(op, "TRUNCATE") || !strcmp(op, "FALLOCATE")) {
		sscanf(line, "%*s %ld %ld %ld %ld %ld", &a, &b, &c, &d, &e);
		int fop = !strcmp(op, "CREATE") ? HC_CREATE : !strcmp(op, "UNLINK") ? HC_UNLINK : !strcmp(op, "TRUNCATE") ? HC_TRUNCATE : HC_FALLOCATE;
		reply(hc_file(fop, a, b, c, d, (int)e), -1, 1);
		return 0;
	}
	if (!strcmp(op, "SHMGET")) { /* SHMGET idx pages noreserve */
		sscanf(line, "%*s %ld %ld %ld", &a, &b, &c);
		int r = hc_shmget((int)a, b, (int)c);
		reply(r, r ? -1 : seg_id[a], 0);
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
			/* addr pages shared mount(-1: anonymous) file offset noreserve populate(1)|locked(2) prot */
			cm.op = N_MMAP;
			cm.c = v[2];
			cm.d = v[3] >= 0;
			if (cm.d) filepath(cm.path, sizeof cm.path, v[3], v[4]);
			cm.e = v[5]; cm.f = v[6]; cm.g = v[7]; cm.h = v[8];
		} else if (!strcmp(pop, "MUNMAP")) cm.op = N_MUNMAP;      /* addr pages */
		else if (!strcmp(pop, "MREMAP")) cm.op = N_MREMAP;         /* addr old new newaddr|-1|-2 */
		else if (!strcmp(pop, "MADVISE")) cm.op = N_MADVISE;       /* addr pages remove */
		else if (!strcmp(pop, "MPROTECT")) cm.op = N_MPROTECT;     /* addr pages prot */
		else if (!strcmp(pop, "MLOCK")) cm.op = N_MLOCK;           /* addr pages unlock */
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
			hc_exit_node((int)k);
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
		if (!mounted[0] && (r = hc_mount(0, -1, -1))) { reply(r, -1, 0); return 0; }
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
		for (int i = 0; i < MAX_NODES; i++) if (node_pid[i] > 0) hc_exit_node(i);
		char *p = line + strlen("TEARDOWN");
		long m, f;
		int used = 0;
		while (sscanf(p, " %ld %ld%n", &m, &f, &used) == 2) {
			hc_file(HC_UNLINK, m, f, 0, 0, 0);
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
	const char *err = hc_lock();
	if (err) { out("E %s\n", err); return 2; }
	if ((err = hc_begin("/tmp/hugecheck"))) { out("E %s\n", err); cleanup(); return 2; }
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
