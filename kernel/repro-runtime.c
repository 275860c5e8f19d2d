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
#define MAX_NAMES 64
#define NAME 40
#define NOT_EXPECTED (-0x7fffffffffffffffLL - 1)
#define STAT_NULL (-0x7fffffffffffffffLL)

/* Exit codes (LTP-like). */
#define EXIT_PASS 0      /* every step as expected, no invariant broken */
#define EXIT_FAIL 1      /* a step's result, value or counters differ from the scenario */
#define EXIT_BROK 2      /* could not run: set-up failed, a process died, interrupted */
#define EXIT_VIOLATED 3  /* every step as expected, and the kernel broke an invariant */
#define EXIT_CONF 32     /* not run: not root, no hugetlbfs, pool in use, or it would leak */

struct binding { char name[NAME]; long start, pages; int ok; };
struct proc { char name[NAME]; int node; long next_addr; int live; int nmaps; struct binding maps[MAX_NAMES]; };
struct named { char name[NAME]; int idx; int ok; int has_size; int mount; long pages; };

static struct proc procs[MAX_NODES];
static int nprocs;
static struct named mounts_by_name[MAX_NAMES], files_by_name[MAX_NAMES], segs_by_name[MAX_NAMES];
static int nmounts_named, nfiles_named, nsegs_named;
static int next_mount_idx = 1, next_file_id, next_seg_idx;
static long leaked;
static long step_value = -1;
static long long meminfo_before[4];

struct obs { int result; long value; long long c[4]; int nm; struct { char name[NAME]; long long blocks, bfree; } m[MAX_NAMES]; };
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

/* ---- names ------------------------------------------------------------------------------------ */
static struct named *find_named(struct named *t, int n, const char *name) {
	for (int i = n - 1; i >= 0; i--) if (!strcmp(t[i].name, name)) return &t[i];
	return NULL;
}
static struct named *set_named(struct named *t, int *n, const char *name) {
	struct named *e = find_named(t, *n, name);
	if (e) return e;
	if (*n >= MAX_NAMES) broken("too many names");
	e = &t[(*n)++];
	memset(e, 0, sizeof *e);
	snprintf(e->name, NAME, "%s", name);
	return e;
}
HC_FN void drop_named(struct named *t, int *n, struct named *e) {
	int i = (int)(e - t);
	memmove(&t[i], &t[i + 1], (size_t)(*n - i - 1) * sizeof *t);
	(*n)--;
}
static struct proc *find_proc(const char *name) {
	for (int i = 0; i < nprocs; i++) if (procs[i].live && !strcmp(procs[i].name, name)) return &procs[i];
	return NULL;
}
static struct binding *find_map(struct proc *p, const char *name) {
	for (int i = 0; i < p->nmaps; i++) if (!strcmp(p->maps[i].name, name)) return &p->maps[i];
	return NULL;
}
HC_FN void bind(struct proc *p, const char *name, long start, long pages, int ok) {
	struct binding *b = find_map(p, name);
	if (!b) {
		if (p->nmaps >= MAX_NAMES) broken("too many mappings in %s", p->name);
		b = &p->maps[p->nmaps++];
		snprintf(b->name, NAME, "%s", name);
	}
	b->start = start; b->pages = pages; b->ok = ok;
}
HC_FN long alloc_range(struct proc *p, long pages) {
	long a = p->next_addr;
	p->next_addr += pages + 1; /* a never-used range with a one-page gap, as hugecheck's model */
	return a;
}
static struct binding *target(const char *proc, const char *map, struct proc **pp) {
	struct proc *p = find_proc(proc);
	struct binding *b = p ? find_map(p, map) : NULL;
	if (!b || !b->ok) return NULL;
	*pp = p;
	return b;
}
HC_FN int call(struct proc *p, int op, long a, long b, long c, long d) {
	struct cmd cm;
	struct ack ak;
	memset(&cm, 0, sizeof cm);
	cm.op = op; cm.a = a; cm.b = b; cm.c = c; cm.d = d;
	int r = node_call(p->node, &cm, &ak);
	if (stop_requested) broken("interrupted");
	if (r == -2) broken("process %s died during step %d", p->name, cur_step);
	if (r == -3) broken("process %s did not answer within 5 s at step %d", p->name, cur_step);
	if (r) broken("process %s: no answer at step %d", p->name, cur_step);
	if (op == N_FORK && ak.result == 0) { node_pid[d] = (pid_t)ak.extra; if (d + 1 > nodes_used) nodes_used = (int)d + 1; }
	step_value = ak.value;
	return (int)ak.result;
}

/* ---- the ops, one per scenario step kind ------------------------------------------------------ */
HC_FN int op_set_pool(long pages) { int r = write_file(NR, pages + leaked); return r ? -r : 0; }
HC_FN int op_set_overcommit(long pages) { int r = write_file(OVC, pages); return r ? -r : 0; }

HC_FN int op_mount(const char *name, long size, long min_size) {
	struct named *e = find_named(mounts_by_name, nmounts_named, name);
	if (e && e->ok) return R_SKIPPED;
	int idx = next_mount_idx++;
	if (idx >= MAX_MOUNTS) broken("too many mounts");
	int r = hc_mount(idx, size, min_size);
	e = set_named(mounts_by_name, &nmounts_named, name);
	e->idx = idx; e->ok = !r; e->has_size = size >= 0;
	return r;
}

HC_FN int op_umount(const char *name) {
	struct named *e = find_named(mounts_by_name, nmounts_named, name);
	if (!e || !e->ok) return R_SKIPPED;
	int r = hc_umount(e->idx);
	if (r) return r;
	for (int i = nfiles_named - 1; i >= 0; i--) if (files_by_name[i].ok && files_by_name[i].mount == e->idx) drop_named(files_by_name, &nfiles_named, &files_by_name[i]);
	drop_named(mounts_by_name, &nmounts_named, e);
	return 0;
}

HC_FN int op_create(const char *file, const char *mount_name) {
	struct named *m = find_named(mounts_by_name, nmounts_named, mount_name);
	struct named *f = find_named(files_by_name, nfiles_named, file);
	if (!m || !m->ok || (f && f->ok)) return R_SKIPPED;
	int id = next_file_id++;
	int r = hc_file(HC_CREATE, m->idx, id, 0, 0, 0);
	f = set_named(files_by_name, &nfiles_named, file);
	f->idx = id; f->mount = m->idx; f->ok = !r;
	return r;
}

HC_FN struct named *live_file(const char *file) {
	struct named *f = find_named(files_by_name, nfiles_named, file);
	return f && f->ok ? f : NULL;
}

HC_FN int op_unlink(const char *file) {
	struct named *f = live_file(file);
	if (!f) return R_SKIPPED;
	long m = f->mount, id = f->idx;
	drop_named(files_by_name, &nfiles_named, f);
	return hc_file(HC_UNLINK, m, id, 0, 0, 0);
}

HC_FN int op_truncate(const char *file, long pages) {
	struct named *f = live_file(file);
	return f ? hc_file(HC_TRUNCATE, f->mount, f->idx, pages, 0, 0) : R_SKIPPED;
}

HC_FN int op_fallocate(const char *file, long offset, long pages, int punch) {
	struct named *f = live_file(file);
	return f ? hc_file(HC_FALLOCATE, f->mount, f->idx, offset, pages, punch) : R_SKIPPED;
}

/* prot: 0 = PROT_READ|PROT_WRITE, 1 = PROT_READ, 2 = PROT_NONE */
HC_FN int op_mmap(const char *proc, const char *map, long pages, int shared, const char *file, long offset, int noreserve, int populate, int prot) {
	struct proc *p = find_proc(proc);
	if (!p) return R_SKIPPED;
	struct cmd cm;
	struct ack ak;
	memset(&cm, 0, sizeof cm);
	if (file) {
		struct named *f = live_file(file);
		if (!f) return R_SKIPPED;
		filepath(cm.path, sizeof cm.path, f->mount, f->idx);
		cm.d = 1;
	}
	long addr = alloc_range(p, pages);
	cm.op = N_MMAP; cm.a = addr; cm.b = pages; cm.c = shared; cm.e = offset; cm.f = noreserve; cm.g = populate; cm.h = prot;
	int r = node_call(p->node, &cm, &ak);
	if (stop_requested) broken("interrupted");
	if (r) broken("process %s failed at step %d", p->name, cur_step);
	bind(p, map, addr, pages, ak.result == 0);
	return (int)ak.result;
}

HC_FN int op_munmap(const char *proc, const char *map, long offset, long pages) {
	struct proc *p;
	struct binding *b = target(proc, map, &p);
	return b ? call(p, N_MUNMAP, b->start + offset, pages, 0, 0) : R_SKIPPED;
}

/* to: the new mapping's name for MREMAP_MAYMOVE|MREMAP_FIXED, or NULL (in place; a mirror for old_pages 0) */
HC_FN int op_mremap(const char *proc, const char *map, long offset, long old_pages, long new_pages, const char *to) {
	struct proc *p;
	struct binding *b = target(proc, map, &p);
	if (!b) return R_SKIPPED;
	long start = b->start;
	long new_addr = to ? alloc_range(p, new_pages) : old_pages == 0 ? -2 : -1;
	int r = call(p, N_MREMAP, start + offset, old_pages, new_pages, new_addr);
	if (to) bind(p, to, new_addr, new_pages, r == 0);
	return r;
}

HC_FN int op_madvise(const char *proc, const char *map, long offset, long pages, int remove) {
	struct proc *p;
	struct binding *b = target(proc, map, &p);
	return b ? call(p, N_MADVISE, b->start + offset, pages, remove, 0) : R_SKIPPED;
}

HC_FN int op_mprotect(const char *proc, const char *map, long offset, long pages, int prot) {
	struct proc *p;
	struct binding *b = target(proc, map, &p);
	return b ? call(p, N_MPROTECT, b->start + offset, pages, prot, 0) : R_SKIPPED;
}

HC_FN int op_read(const char *proc, const char *map, long page) {
	struct proc *p;
	struct binding *b = target(proc, map, &p);
	return b ? call(p, N_READ, b->start + page, 0, 0, 0) : R_SKIPPED;
}

HC_FN int op_write(const char *proc, const char *map, long page, long value) {
	struct proc *p;
	struct binding *b = target(proc, map, &p);
	return b ? call(p, N_WRITE, b->start + page, value, 0, 0) : R_SKIPPED;
}

HC_FN int op_fork(const char *proc, const char *child) {
	struct proc *p = find_proc(proc);
	if (!p || find_proc(child)) return R_SKIPPED;
	if (nprocs >= MAX_NODES) broken("too many processes");
	int node = nprocs;
	int r = call(p, N_FORK, 0, node, 0, node);
	if (r == 0) {
		struct proc *c = &procs[nprocs++];
		*c = *p;
		snprintf(c->name, NAME, "%s", child);
		c->node = node;
	}
	return r;
}

HC_FN int op_exit(const char *proc) {
	struct proc *p = find_proc(proc);
	if (!p) return R_SKIPPED;
	hc_exit_node(p->node);
	p->live = 0;
	return 0;
}

HC_FN int op_shmget(const char *seg, long pages, int noreserve) {
	struct named *e = find_named(segs_by_name, nsegs_named, seg);
	if (e && e->ok) return R_SKIPPED;
	int idx = next_seg_idx++;
	if (idx >= MAX_SEGS) broken("too many segments");
	int r = hc_shmget(idx, pages, noreserve);
	e = set_named(segs_by_name, &nsegs_named, seg);
	e->idx = idx; e->ok = !r; e->pages = pages;
	return r;
}

HC_FN int op_shmat(const char *proc, const char *seg, const char *map) {
	struct proc *p = find_proc(proc);
	struct named *e = find_named(segs_by_name, nsegs_named, seg);
	if (!p || !e || !e->ok) return R_SKIPPED;
	long addr = alloc_range(p, e->pages);
	int r = call(p, N_SHMAT, addr, seg_id[e->idx], 0, 0);
	bind(p, map, addr, e->pages, r == 0);
	return r;
}

HC_FN int op_shmrm(const char *seg) {
	struct named *e = find_named(segs_by_name, nsegs_named, seg);
	if (!e || !e->ok) return R_SKIPPED;
	int r = shmctl(seg_id[e->idx], IPC_RMID, NULL) ? errno : 0;
	if (!r) seg_id[e->idx] = -1;
	drop_named(segs_by_name, &nsegs_named, e);
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
	for (int i = 0; i < nmounts_named; i++) {
		struct named *m = &mounts_by_name[i];
		if (!m->ok) continue;
		memcpy(o->m[o->nm].name, m->name, NAME);
		o->m[o->nm].blocks = o->m[o->nm].bfree = STAT_NULL;
		if (m->has_size) hc_statfs(m->idx, &o->m[o->nm].blocks, &o->m[o->nm].bfree);
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
	for (int i = 0; i < nprocs; i++) if (procs[i].live) op_exit(procs[i].name);
	for (int i = nfiles_named - 1; i >= 0; i--) if (files_by_name[i].ok) hc_file(HC_UNLINK, files_by_name[i].mount, files_by_name[i].idx, 0, 0, 0);
	nfiles_named = 0;
	remove_segments();
	nsegs_named = 0;
	unmount_from(1);
	nmounts_named = 0;
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
	struct named *d = set_named(mounts_by_name, &nmounts_named, "default");
	d->idx = 0; d->ok = 1;
	pid_t pid = spawn_node(0);
	if (pid < 0) broken("cannot start process p0: %s", strerror(errno));
	node_pid[0] = pid;
	nodes_used = 1;
	snprintf(procs[0].name, NAME, "p0");
	procs[0].live = 1;
	nprocs = 1;
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
