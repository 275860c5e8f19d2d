/** The kernel functions of a step as a call tree, e.g.
 *  `do_mmap(hugetlbfs_file_mmap(hugetlb_reserve_pages(hugepage_subpool_get_pages, hugetlb_acct_memory)))`;
 *  identical neighbouring calls are folded: `hugetlb_fault(...) ×2`. */
export interface CallNode {
  fn: string;
  children: CallNode[];
  times: number;
}

export function callTree(calls: ReadonlyArray<{ fn: string; depth: number }>): CallNode[] {
  const roots: CallNode[] = [];
  const stack: CallNode[][] = [roots];
  for (const c of calls) {
    const node: CallNode = { fn: c.fn, children: [], times: 1 };
    stack.length = Math.min(stack.length, c.depth + 1);
    const siblings = stack[stack.length - 1]!;
    siblings.push(node);
    stack.push(node.children);
  }
  return fold(roots);
}

function key(n: CallNode): string {
  return `${n.fn}(${n.children.map(key).join(',')})x${n.times}`;
}

function fold(nodes: CallNode[]): CallNode[] {
  const out: CallNode[] = [];
  for (const n of nodes) {
    n.children = fold(n.children);
    const last = out[out.length - 1];
    if (last && key({ ...last, times: 1 }) === key({ ...n, times: 1 })) last.times++;
    else out.push(n);
  }
  return out;
}

export function formatCallTree(nodes: CallNode[]): string {
  return nodes.map((n) => `${n.fn}${n.children.length ? `(${formatCallTree(n.children)})` : ''}${n.times > 1 ? ` ×${n.times}` : ''}`).join(', ');
}
