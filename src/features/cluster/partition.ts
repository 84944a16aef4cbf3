/** FNV-1a over the text: stable across instances, versions and platforms (the partition count must match too). */
export function partitionOf(partitions: number, ...parts: string[]): number {
  let hash = 0x811c9dc5;
  for (const part of parts) {
    for (let i = 0; i < part.length; i++) {
      hash ^= part.charCodeAt(i);
      hash = Math.imul(hash, 0x01000193);
    }
    hash ^= 0;
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % partitions;
}

/** How many partitions this instance should hold: an even share, rounded up so every partition has an owner. */
export function fairShare(partitions: number, liveMembers: number): number {
  return Math.ceil(partitions / Math.max(1, liveMembers));
}
