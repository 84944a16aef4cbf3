/**
 * Isolation forest (Liu, Ting & Zhou, 2008): random axis-aligned splits isolate outliers in fewer steps than
 * normal points. The anomaly score is 2^(-E[h(x)] / c(ψ)), near 1 for outliers and at or below 0.5 for the bulk.
 */
export type TreeNode = { f: number; s: number; l: TreeNode; r: TreeNode } | { n: number };

export interface IsolationForest {
  trees: TreeNode[];
  sampleSize: number;
}

export interface ForestOptions {
  nEstimators: number;
  sampleSize: number;
  seed: number;
}

/** Deterministic PRNG (mulberry32) so a model trained twice on the same data is the same model. */
export function randomSource(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Average path length of an unsuccessful search in a binary search tree of n points. */
export function averagePath(n: number): number {
  if (n <= 1) return 0;
  if (n === 2) return 1;
  return 2 * (Math.log(n - 1) + 0.5772156649) - (2 * (n - 1)) / n;
}

function grow(points: number[][], depth: number, limit: number, random: () => number): TreeNode {
  if (depth >= limit || points.length <= 1) return { n: points.length };
  const dims = points[0]!.length;
  // Try a few features: a constant one cannot split.
  for (let attempt = 0; attempt < dims * 2; attempt++) {
    const f = Math.floor(random() * dims);
    let min = Infinity;
    let max = -Infinity;
    for (const p of points) {
      if (p[f]! < min) min = p[f]!;
      if (p[f]! > max) max = p[f]!;
    }
    if (max <= min) continue;
    const s = min + random() * (max - min);
    const left: number[][] = [];
    const right: number[][] = [];
    for (const p of points) (p[f]! < s ? left : right).push(p);
    return { f, s, l: grow(left, depth + 1, limit, random), r: grow(right, depth + 1, limit, random) };
  }
  return { n: points.length };
}

export function trainForest(data: number[][], options: Partial<ForestOptions> = {}): IsolationForest {
  const nEstimators = options.nEstimators ?? 100;
  const sampleSize = Math.max(2, Math.min(options.sampleSize ?? 256, data.length));
  const random = randomSource(options.seed ?? 42);
  const limit = Math.ceil(Math.log2(sampleSize));
  const trees: TreeNode[] = [];
  for (let t = 0; t < nEstimators; t++) {
    const sample: number[][] = [];
    for (let i = 0; i < sampleSize; i++) sample.push(data[Math.floor(random() * data.length)]!);
    trees.push(grow(sample, 0, limit, random));
  }
  return { trees, sampleSize };
}

function pathLength(node: TreeNode, x: number[], depth: number): number {
  let current = node;
  let d = depth;
  while (!('n' in current)) {
    current = x[current.f]! < current.s ? current.l : current.r;
    d++;
  }
  return d + averagePath(current.n);
}

export function scoreForest(forest: IsolationForest, x: number[]): number {
  if (forest.trees.length === 0) return 0.5;
  let total = 0;
  for (const tree of forest.trees) total += pathLength(tree, x, 0);
  const mean = total / forest.trees.length;
  return 2 ** (-mean / Math.max(averagePath(forest.sampleSize), 1e-9));
}
