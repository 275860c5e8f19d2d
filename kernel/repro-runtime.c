/*
 * The runtime of a hugecheck C reproducer (pasted in by `hugecheck repro`, after kernel/core.c).
 * It gives the scenario's names (processes, mappings, files, mounts, segments) the meaning the
 * scenario contract gives them (shared/contracts/scenario-v1.md, "Names"; the same as hugecheck's
 * kernel runner, kernel/machine.ts), performs each step, reads the pool counters after it, compares
 * them with what the scenario expects, and checks the invariants that read only the counters:
 * counters-nonnegative, reserve-backed, error-atomicity and quiescent-clean (their messages match
 * hugecheck's, properties/invariants/).
 *
 * Before anything changes: root and hugetlbfs are required, one machine-wide lock is taken (the
 * same as hugecheck's), both pool settings are saved in a journal hugecheck can recover from, and
 * the run is refused when huge pages are in use by other processes. A machine that already carries
 * leaked reservations (HugePages_Rsvd = Total = Free = Surp = L with the pool at 0,
 * kernel-observed.md §0.1) is compensated: pool writes add L, counters have L subtracted.
 * After the run, on an error and on SIGINT/SIGTERM/SIGHUP: every process is killed and reaped,
 * segments are removed, mounts unmounted and both settings restored.
 */

#define R_SKIPPED (-100)
#define NOT_EXPECTED (-0x7fffffffffffffffLL - 1)
#define STAT_NULL (-0x7fffffffffffffffLL)

/* Exit codes (LTP-like). */
#define EXIT_PASS 0      /* every step as expected, no invariant broken */
#define EXIT_FAIL 1      /* a step's result, value or counters differ from the scenario */
#define EXIT_BROK 2      /* could not run: set-up failed, a process died, interrupted */
#define EXIT_VIOLATED 3  /* every step as expected, and the kernel broke an invariant */
#define EXIT_CONF 32     /* not run: not root, no hugetlbfs, pool in use, or it would leak */

/* Handles: hugecheck's binder (scenario/bind.ts) gives every creation of a name its own number;
 * the generated part above lists them (N_HANDLES, HANDLE_NAME, HANDLE_NS). Per handle, the object
 * it denotes and its run-time state. */
enum { ST_NEVER, ST_LIVE, ST_FAILED, ST_ENDED };
struct hobj {
	int node;        /* a process: its node */
	long next_addr;  /* a process: the next never-used address */
	long start, pages; /* a mapping: its range; a segment: its size */
	int idx;         /* a mount, a file or a segment: its driver index */
	int mount;       /* a file: its mount's index */
	int has_size;    /* a mount: mounted with size= */
};
static struct hobj obj[N_HANDLES];
static unsigned char hstate[N_HANDLES];
static int next_node = 1, next_mount_idx = 1, next_file_id, next_seg_idx;
static long leaked;
static long step_value = -1;
static long long meminfo_before[4];

struct obs { int result; long value; long long c[4]; int nm; struct { const char *name; long long blocks, bfree; } m[MAX_MOUNTS]; };
static struct obs prev_obs, cur_obs;
static int cur_step = -1;
static const char *cur_desc = "";
static const char *cur_exempt; /* failures the kernel documents as partial, "|"-separated */
static const char *cur_op = "";
static char fail_text[1024];
static int fail_off, checks_in_step;
static int n_pass, n_fail, n_info, n_notrun;
static int violated_any;
static char violated_ids[256];
static struct { const char *id; int seen; } invariants[] = {
	{"counters-nonnegative", 0}, {"reserve-backed", 0}, {"error-atomicity", 0}, {"quiescent-clean", 0},
};

HC_FN const char *result_name(int r) {
	if (r == R_SKIPPED) return "skipped";
	if (r == R_SIGBUS) return "SIGBUS";
	if (r == R_SIGSEGV) return "SIGSEGV";
	return errname(r);
}

HC_FN void finish(int code) {
	cleanup();
	exit(code);
}

HC_FN void broken(const char *fmt, ...) {
	va_list ap;
	va_start(ap, fmt);
	printf("BROK  ");
	vprintf(fmt, ap);
	printf("\n");
	va_end(ap);
	finish(EXIT_BROK);
}

/* ---- names: one liveness table, no per-op code ------------------------------------------------ */
/* Whether a step runs: every handle it needs is live, and no earlier holder of a name it creates
 * still is (an umount that failed keeps its names). Lists end with -1. */
HC_FN int can_run(const int *needs, const int *conflicts) {
	for (; *needs >= 0; needs++) if (hstate[*needs] != ST_LIVE) return 0;
	for (; *conflicts >= 0; conflicts++) if (hstate[*conflicts] == ST_LIVE) return 0;
	return 1;
}

/* After a step ran with result r: what it ends, ends (some only on success); what it creates is
 * live when it succeeded; a copy (fork's mappings) takes its original's object and state. */
HC_FN int settle(int r, const int *creates, const int *from, const int *ends_run, const int *ends_ok) {
	for (; *ends_run >= 0; ends_run++) hstate[*ends_run] = ST_ENDED;
	if (r == 0) for (; *ends_ok >= 0; ends_ok++) hstate[*ends_ok] = ST_ENDED;
	for (; *creates >= 0; creates++, from++) {
		if (r != 0) hstate[*creates] = ST_FAILED;
		else if (*from < 0) hstate[*creates] = ST_LIVE;
		else {
			obj[*creates] = obj[*from];
			hstate[*creates] = hstate[*from] == ST_ENDED ? ST_FAILED : hstate[*from];
		}
	}
	return r;
}

HC_FN long alloc_range(struct hobj *p, long pages) {
	long a = p->next_addr;
	p->next_addr += pages + 1; /* a never-used range with a one-page gap, as hugecheck's model */
	return a;
}

HC_FN int call(int hp, int op, long a, long b, long c, long d) {
	struct cmd cm;
	struct ack ak;
	memset(&cm, 0, sizeof cm);
	cm.op = op; cm.a = a; cm.b = b; cm.c = c; cm.d = d;
	const char *name = HANDLE_NAME[hp];
	int r = node_call(obj[hp].node, &cm, &ak);
	if (stop_requested) broken("interrupted");
	if (r == -2) broken("process %s died during step %d", name, cur_step);
	if (r == -3) broken("process %s did not answer within 5 s at step %d", name, cur_step);
	if (r) broken("process %s: no answer at step %d", name, cur_step);
	if (op == N_FORK && ak.result == 0) { node_pid[d] = (pid_t)ak.extra; if (d + 1 > nodes_used) nodes_used = (int)d + 1; }
	step_value = ak.value;
	return (int)ak.result;
}

/* ---- the ops, one per scenario step kind: arguments are handles and the step's fields ----------- */
HC_FN int op_set_pool(long pages) { int r = write_file(NR, pages + leaked); return r ? -r : 0; }
HC_FN int op_set_overcommit(long pages) { int r = write_file(OVC, pages); return r ? -r : 0; }

HC_FN int op_mount(int hm, long size, long min_size) {
	int idx = next_mount_idx++;
	if (idx >= MAX_MOUNTS) broken("too many mounts");
	obj[hm].idx = idx; obj[hm].has_size = size >= 0;
	return hc_mount(idx, size, min_size);
}
HC_FN int op_umount(int hm) { return hc_umount(obj[hm].idx); }

HC_FN int op_create(int hf, int hm) {
	int id = next_file_id++;
	obj[hf].idx = id; obj[hf].mount = obj[hm].idx;
	return hc_file(HC_CREATE, obj[hm].idx, id, 0, 0, 0);
}
HC_FN int op_unlink(int hf) { return hc_file(HC_UNLINK, obj[hf].mount, obj[hf].idx, 0, 0, 0); }
HC_FN int op_truncate(int hf, long pages) { return hc_file(HC_TRUNCATE, obj[hf].mount, obj[hf].idx, pages, 0, 0); }
HC_FN int op_fallocate(int hf, long offset, long pages, int punch) { return hc_file(HC_FALLOCATE, obj[hf].mount, obj[hf].idx, offset, pages, punch); }

/* hf: the file's handle, -1 for MAP_HUGETLB. populate: 1 MAP_POPULATE | 2 MAP_LOCKED. prot: 0 = PROT_READ|PROT_WRITE, 1 = PROT_READ, 2 = PROT_NONE */
HC_FN int op_mmap(int hp, int hm, long pages, int shared, int hf, long offset, int noreserve, int populate, int prot) {
	struct cmd cm;
	struct ack ak;
	memset(&cm, 0, sizeof cm);
	if (hf >= 0) {
		filepath(cm.path, sizeof cm.path, obj[hf].mount, obj[hf].idx);
		cm.d = 1;
	}
	long addr = alloc_range(&obj[hp], pages);
	cm.op = N_MMAP; cm.a = addr; cm.b = pages; cm.c = shared; cm.e = offset; cm.f = noreserve; cm.g = populate; cm.h = prot;
	int r = node_call(obj[hp].node, &cm, &ak);
	if (stop_requested) broken("interrupted");
	if (r) broken("process %s failed at step %d", HANDLE_NAME[hp], cur_step);
	obj[hm].start = addr; obj[hm].pages = pages;
	return (int)ak.result;
}

HC_FN int op_munmap(int hp, int hm, long offset, long pages) { return call(hp, N_MUNMAP, obj[hm].start + offset, pages, 0, 0); }

/* hto: the new mapping's handle for MREMAP_MAYMOVE|MREMAP_FIXED, or -1 (in place; a mirror for old_pages 0) */
HC_FN int op_mremap(int hp, int hm, long offset, long old_pages, long new_pages, int hto) {
	long new_addr = hto >= 0 ? alloc_range(&obj[hp], new_pages) : old_pages == 0 ? -2 : -1;
	int r = call(hp, N_MREMAP, obj[hm].start + offset, old_pages, new_pages, new_addr);
	if (hto >= 0) { obj[hto].start = new_addr; obj[hto].pages = new_pages; }
	return r;
}

HC_FN int op_madvise(int hp, int hm, long offset, long pages, int remove) { return call(hp, N_MADVISE, obj[hm].start + offset, pages, remove, 0); }
HC_FN int op_mprotect(int hp, int hm, long offset, long pages, int prot) { return call(hp, N_MPROTECT, obj[hm].start + offset, pages, prot, 0); }
HC_FN int op_mlock(int hp, int hm, long offset, long pages, int unlock) { return call(hp, N_MLOCK, obj[hm].start + offset, pages, unlock, 0); }
HC_FN int op_read(int hp, int hm, long page) { return call(hp, N_READ, obj[hm].start + page, 0, 0, 0); }
HC_FN int op_write(int hp, int hm, long page, long value) { return call(hp, N_WRITE, obj[hm].start + page, value, 0, 0); }

HC_FN int op_fork(int hp, int hc) {
	int node = next_node++;
	if (node >= MAX_NODES) broken("too many processes");
	obj[hc].node = node; obj[hc].next_addr = obj[hp].next_addr;
	return call(hp, N_FORK, 0, node, 0, node);
}

HC_FN int op_exit(int hp) {
	hc_exit_node(obj[hp].node);
	return 0;
}

HC_FN int op_shmget(int hs, long pages, int noreserve) {
	int idx = next_seg_idx++;
	if (idx >= MAX_SEGS) broken("too many segments");
	obj[hs].idx = idx; obj[hs].pages = pages;
	return hc_shmget(idx, pages, noreserve);
}

HC_FN int op_shmat(int hp, int hs, int hm) {
	long addr = alloc_range(&obj[hp], obj[hs].pages);
	obj[hm].start = addr; obj[hm].pages = obj[hs].pages;
	return call(hp, N_SHMAT, addr, seg_id[obj[hs].idx], 0, 0);
}

HC_FN int op_shmrm(int hs) {
	int r = shmctl(seg_id[obj[hs].idx], IPC_RMID, NULL) ? errno : 0;
	if (!r) seg_id[obj[hs].idx] = -1;
	return r;
}

/* ---- observation ------------------------------------------------------------------------------ */
HC_FN void observe(struct obs *o, int result) {
	long long raw[4];
	stable_meminfo(raw);
	o->result = result;
	o->value = result == 0 ? step_value : -1;
	o->c[0] = raw[0] - leaked; o->c[1] = raw[1] - leaked; o->c[2] = raw[2] - leaked; o->c[3] = raw[3];
	o->nm = 0;
	for (int h = 0; h < N_HANDLES; h++) {
		if (HANDLE_NS[h] != NS_MOUNT || hstate[h] != ST_LIVE || o->nm >= MAX_MOUNTS) continue;
		o->m[o->nm].name = HANDLE_NAME[h];
		o->m[o->nm].blocks = o->m[o->nm].bfree = STAT_NULL;
		if (obj[h].has_size) hc_statfs(obj[h].idx, &o->m[o->nm].blocks, &o->m[o->nm].bfree);
		o->nm++;
	}
}

HC_FN const char *fmt_counters(const long long c[4]) {
	static char b[4][128];
	static int k;
	k = (k + 1) % 4;
	snprintf(b[k], sizeof b[k], "[Total %lld Free %lld Rsvd %lld Surp %lld]", c[0], c[1], c[2], c[3]);
	return b[k];
}

/* ---- invariants that read only the counters (properties/invariants/) ----------------------------- */
HC_FN void violation(int which, const char *where, const char *fmt, ...) {
	if (invariants[which].seen) return;
	invariants[which].seen = 1;
	violated_any = 1;
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	printf("VIOLATED  %s %s: %s\n", invariants[which].id, where, msg);
	size_t n = strlen(violated_ids);
	snprintf(violated_ids + n, sizeof violated_ids - n, "%s%s", n ? ", " : "", invariants[which].id);
}

HC_FN void check_nonnegative(const long long c[4], const char *where) {
	if (c[2] < 0) violation(0, where, "HugePages_Rsvd is %lld (the kernel prints %llu)", c[2], (unsigned long long)c[2]);
	else if (c[0] < 0 || c[1] < 0 || c[3] < 0) violation(0, where, "a counter is negative: %s", fmt_counters(c));
	else if (c[1] > c[0]) violation(0, where, "Free exceeds Total: %s", fmt_counters(c));
	else if (c[3] > c[0]) violation(0, where, "Surp exceeds Total: %s", fmt_counters(c));
}

HC_FN int exempt(const char *list, const char *r) {
	if (!list) return 0;
	size_t n = strlen(r);
	for (const char *p = list; (p = strstr(p, r)); p += n)
		if ((p == list || p[-1] == '|') && (p[n] == 0 || p[n] == '|')) return 1;
	return 0;
}

HC_FN void check_invariants(void) {
	char where[32];
	snprintf(where, sizeof where, "at step %d", cur_step);
	check_nonnegative(cur_obs.c, where);
	if (cur_obs.c[2] > cur_obs.c[1]) violation(1, where, "Rsvd %lld exceeds Free %lld: %s", cur_obs.c[2], cur_obs.c[1], fmt_counters(cur_obs.c));
	const char *r = result_name(cur_obs.result);
	if (cur_obs.result != 0 && cur_obs.result != R_SKIPPED && !exempt(cur_exempt, r)) {
		if (memcmp(cur_obs.c, prev_obs.c, sizeof cur_obs.c))
			violation(2, where, "%s failed with %s but changed the counters from %s to %s", cur_op, r, fmt_counters(prev_obs.c), fmt_counters(cur_obs.c));
		else if (strcmp(cur_op, "mount"))
			for (int i = 0; i < cur_obs.nm; i++)
				for (int j = 0; j < prev_obs.nm; j++)
					if (!strcmp(cur_obs.m[i].name, prev_obs.m[j].name) && (cur_obs.m[i].blocks != prev_obs.m[j].blocks || cur_obs.m[i].bfree != prev_obs.m[j].bfree)) {
						violation(2, where, "%s failed with %s but changed statfs of mount %s", cur_op, r, cur_obs.m[i].name);
						i = cur_obs.nm;
						break;
					}
	}
}

/* ---- steps and expectations ------------------------------------------------------------------- */
HC_FN void mismatch(const char *fmt, ...) {
	va_list ap;
	va_start(ap, fmt);
	fail_off += snprintf(fail_text + fail_off, sizeof fail_text - (size_t)fail_off, "%s", fail_off ? "; " : "");
	if (fail_off < (int)sizeof fail_text) fail_off += vsnprintf(fail_text + fail_off, sizeof fail_text - (size_t)fail_off, fmt, ap);
	if (fail_off > (int)sizeof fail_text - 1) fail_off = (int)sizeof fail_text - 1;
	va_end(ap);
}

/* Starts step `index`: `op` is the scenario op, `partial` the failures the kernel documents as
 * having partial effects ("|"-separated; error-atomicity allows them). */
HC_FN int begin(int index, const char *desc, const char *op, const char *partial) {
	if (stop_requested) broken("interrupted");
	if (leaked > 0 && REQUIRES_CLEAN_POOL && index > LEAKED_MACHINE_LAST_STEP) {
		n_notrun++;
		printf("SKIP  step %d  %s  (not run: this machine's leaked reservations would change its outcome)\n", index, desc);
		return 0;
	}
	cur_step = index; cur_desc = desc; cur_op = op; cur_exempt = partial;
	fail_off = 0; fail_text[0] = 0; checks_in_step = 0;
	return 1;
}

/* The step's op returned `result`: read the counters. */
HC_FN void observed(int result) {
	if (stop_requested) broken("interrupted");
	prev_obs = cur_obs;
	observe(&cur_obs, result);
}

HC_FN void expect_result(const char *want) {
	checks_in_step++;
	if (strcmp(result_name(cur_obs.result), want)) mismatch("result %s, expected %s", result_name(cur_obs.result), want);
}
HC_FN void expect_value(long want) {
	checks_in_step++;
	if (cur_obs.result != 0 || cur_obs.value != want) mismatch("value %ld, expected %ld", cur_obs.result == 0 ? cur_obs.value : -1, want);
}
HC_FN void expect_counter(int k, long long want) {
	static const char *names[4] = {"Total", "Free", "Rsvd", "Surp"};
	checks_in_step++;
	if (cur_obs.c[k] != want) mismatch("%s %lld, expected %lld", names[k], cur_obs.c[k], want);
}
HC_FN void expect_counters(long long total, long long free_, long long rsvd, long long surp) {
	expect_counter(0, total); expect_counter(1, free_); expect_counter(2, rsvd); expect_counter(3, surp);
}
HC_FN const char *stat_text(long long v) {
	static char b[2][32];
	static int k;
	k ^= 1;
	if (v == STAT_NULL) return "null";
	snprintf(b[k], sizeof b[k], "%lld", v);
	return b[k];
}
HC_FN void expect_mount(const char *name, long long blocks, long long bfree) {
	checks_in_step++;
	for (int i = 0; i < cur_obs.nm; i++) {
		if (strcmp(cur_obs.m[i].name, name)) continue;
		if (blocks != NOT_EXPECTED && cur_obs.m[i].blocks != blocks) mismatch("mount %s blocks %s, expected %s", name, stat_text(cur_obs.m[i].blocks), stat_text(blocks));
		if (bfree != NOT_EXPECTED && cur_obs.m[i].bfree != bfree) mismatch("mount %s bfree %s, expected %s", name, stat_text(cur_obs.m[i].bfree), stat_text(bfree));
		return;
	}
	mismatch("mount %s is not mounted", name);
}

HC_FN void print_observation(void) {
	printf("%s", result_name(cur_obs.result));
	if (cur_obs.result == 0 && cur_obs.value >= 0) printf(" (value %ld)", cur_obs.value);
	printf(" %s", fmt_counters(cur_obs.c));
	for (int i = 0; i < cur_obs.nm; i++)
		if (cur_obs.m[i].blocks != STAT_NULL) printf(" %s:%s/%s", cur_obs.m[i].name, stat_text(cur_obs.m[i].bfree), stat_text(cur_obs.m[i].blocks));
}

HC_FN void end_step(void) {
	if (!checks_in_step) { n_info++; printf("INFO  step %d  %s  -> ", cur_step, cur_desc); }
	else if (fail_off) { n_fail++; printf("FAIL  step %d  %s  -> ", cur_step, cur_desc); }
	else { n_pass++; printf("PASS  step %d  %s  -> ", cur_step, cur_desc); }
	print_observation();
	if (fail_off) printf("  [%s]", fail_text);
	printf("\n");
	check_invariants();
	step_value = -1;
	fflush(stdout);
}

/* ---- set-up and teardown ---------------------------------------------------------------------- */
HC_FN void teardown(void) {
	/* The contract's teardown: every process exits (in creation order), every file is unlinked,
	 * every segment removed, every mount unmounted. */
	for (int h = 0; h < N_HANDLES; h++) if (HANDLE_NS[h] == NS_PROC && hstate[h] == ST_LIVE) { op_exit(h); hstate[h] = ST_ENDED; }
	for (int h = 0; h < N_HANDLES; h++) if (HANDLE_NS[h] == NS_FILE && hstate[h] == ST_LIVE) { op_unlink(h); hstate[h] = ST_ENDED; }
	remove_segments();
	unmount_from(1);
	for (int h = 0; h < N_HANDLES; h++) if (HANDLE_NS[h] != NS_PROC && h != 1 && hstate[h] == ST_LIVE) hstate[h] = ST_ENDED;
}

HC_FN void usage(const char *argv0) {
	printf("usage: %s [--allow-leak]\n"
	       "Runs the scenario \"%s\" on this kernel (as root) and compares each step with what it expects.\n"
	       "--allow-leak  run it even though it leaks huge page reservations until reboot\n"
	       "exit: 0 every step as expected; 1 a step differs; 2 could not run; 3 as expected, and an invariant broke;\n"
	       "      32 not run (not root, no hugetlbfs, pages in use, or it would leak)\n", argv0, SCENARIO_NAME);
}

HC_FN void setup_and_run(int argc, char **argv) {
	int allow_leak = 0;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--allow-leak")) allow_leak = 1;
		else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) { usage(argv[0]); exit(0); }
		else { fprintf(stderr, "unknown argument: %s\n", argv[i]); usage(argv[0]); exit(EXIT_BROK); }
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	struct utsname u;
	uname(&u);
	printf("hugecheck reproducer: %s on Linux %s\n", SCENARIO_NAME, u.release);
	if (LEAK_HAZARD && !allow_leak) {
		printf("CONF  not run: %s. It leaks huge page reservations until reboot; run with --allow-leak to run it anyway.\n", LEAK_HAZARD);
		exit(EXIT_CONF);
	}
	if (geteuid() != 0) { printf("CONF  not run: needs root (it resizes the huge page pool and mounts hugetlbfs)\n"); exit(EXIT_CONF); }
	{
		int fd = open("/proc/filesystems", O_RDONLY);
		static char b[8192];
		int n = fd >= 0 ? (int)read(fd, b, sizeof b - 1) : -1;
		if (fd >= 0) close(fd);
		b[n > 0 ? n : 0] = 0;
		if (!strstr(b, "hugetlbfs")) { printf("CONF  not run: this kernel has no hugetlbfs\n"); exit(EXIT_CONF); }
	}
	const char *err = hc_lock();
	if (err) { printf("BROK  %s\n", err); exit(EXIT_BROK); }
	long long c[4];
	meminfo(c);
	memcpy(meminfo_before, c, sizeof c);
	if (c[0] - c[1] > 0) {
		printf("CONF  not run: %lld huge pages are in use by other processes (HugePages_Total %lld, Free %lld): refusing to touch the pool\n", c[0] - c[1], c[0], c[1]);
		exit(EXIT_CONF);
	}
	if ((err = hc_begin("/tmp/hugecheck-repro"))) broken("%s", err);
	/* The idle baseline: with the pool at 0, what is left is leaked reservations (kernel-observed §0.1). */
	if (write_file(OVC, 0) || write_file(NR, 0)) broken("cannot write the pool settings");
	stable_meminfo(c);
	if (c[0] != c[1] || c[1] != c[2] || c[2] != c[3]) {
		printf("CONF  not run: with the pool at 0 the machine still holds HugePages_Total %lld Free %lld Rsvd %lld Surp %lld, not a leaked-reservation baseline that can be compensated\n", c[0], c[1], c[2], c[3]);
		finish(EXIT_CONF);
	}
	leaked = (long)c[2];
	if (leaked > 0) {
		printf("INFO  this machine carries %ld leaked huge page reservation%s (HugePages_Rsvd %ld with the pool at 0): every pool write adds %ld and every counter below has it subtracted\n", leaked, leaked == 1 ? "" : "s", leaked, leaked);
		if (REQUIRES_CLEAN_POOL && LEAKED_MACHINE_LAST_STEP < 0) {
			printf("CONF  not run: the scenario drives Rsvd below zero or above Free, where a machine with leaked reservations lets it use the leaked pages, so the baseline cannot be compensated (reboot for a clean pool)\n");
			finish(EXIT_CONF);
		}
		if (REQUIRES_CLEAN_POOL)
			printf("INFO  step %d drives Rsvd below zero or above Free; after it the leaked pages would change the outcome, so the steps after it are not run (reboot for a clean pool to run them all)\n", LEAKED_MACHINE_LAST_STEP);
	}
	if (write_file(OVC, SETUP_OVERCOMMIT) || write_file(NR, SETUP_NR + leaked)) broken("cannot set up the pool (nr_hugepages %ld, nr_overcommit_hugepages %ld)", SETUP_NR, SETUP_OVERCOMMIT);
	int r = hc_mount(0, -1, -1);
	if (r) broken("cannot mount hugetlbfs: %s", strerror(r));
	obj[1].idx = 0; hstate[1] = ST_LIVE; /* handle 1: the mount "default" */
	pid_t pid = spawn_node(0);
	if (pid < 0) broken("cannot start process p0: %s", strerror(errno));
	node_pid[0] = pid;
	nodes_used = 1;
	obj[0].node = 0; hstate[0] = ST_LIVE; /* handle 0: the process p0 */
	observe(&cur_obs, 0);
	printf("INFO  initial %s\n", fmt_counters(cur_obs.c));
	scenario();
	teardown();
	prev_obs = cur_obs;
	observe(&cur_obs, 0);
	printf("INFO  after teardown %s\n", fmt_counters(cur_obs.c));
	if (n_notrun) return; /* the teardown of a shortened run says nothing about the scenario's own */
	check_nonnegative(cur_obs.c, "after teardown");
	if (cur_obs.c[2] != 0 || cur_obs.c[1] != cur_obs.c[0] || cur_obs.c[3] != 0)
		violation(3, "after teardown", "after teardown the pool still holds something: %s", fmt_counters(cur_obs.c));
}

int main(int argc, char **argv) {
	setup_and_run(argc, argv);
	cleanup();
	long long c[4];
	stable_meminfo(c);
	if (memcmp(c, meminfo_before, sizeof c))
		printf("WARN  the pool did not return to where it was: HugePages_Total/Free/Rsvd/Surp %lld/%lld/%lld/%lld, was %lld/%lld/%lld/%lld\n", c[0], c[1], c[2], c[3],
		       meminfo_before[0], meminfo_before[1], meminfo_before[2], meminfo_before[3]);
	printf("SUMMARY  %d passed, %d failed, %d unchecked, %d not run; invariants broken: %s\n", n_pass, n_fail, n_info, n_notrun, violated_any ? violated_ids : "none");
	return n_fail ? EXIT_FAIL : violated_any ? EXIT_VIOLATED : EXIT_PASS;
}
