import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { createHash } from 'node:crypto';

export interface Asset {
  /** Public URL with the content hash in the name, so it can be cached forever. */
  url: string;
  type: string;
  body: Buffer;
  gzip: Buffer;
  brotli: Buffer;
  etag: string;
}

const STATIC_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'static');
const TYPES: Record<string, string> = { '.css': 'text/css; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.svg': 'image/svg+xml' };

/**
 * The console's static files, read once at start-up: hashed names for cache busting, gzip and brotli
 * precomputed so a request costs a buffer write. Nothing to build: the files are served as written.
 */
export function loadAssets(dir = STATIC_DIR) {
  const byName = new Map<string, Asset>();
  const byUrl = new Map<string, Asset>();
  for (const file of fs.readdirSync(dir).sort()) {
    const ext = path.extname(file);
    const type = TYPES[ext];
    if (!type) continue;
    const body = fs.readFileSync(path.join(dir, file));
    const hash = createHash('sha256').update(body).digest('hex').slice(0, 12);
    const asset: Asset = {
      url: `/console/assets/${path.basename(file, ext)}.${hash}${ext}`,
      type,
      body,
      gzip: gzipSync(body, { level: 9 }),
      brotli: brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }),
      etag: `"${hash}"`,
    };
    byName.set(file, asset);
    byUrl.set(asset.url, asset);
  }
  return {
    url(name: string): string {
      const asset = byName.get(name);
      if (!asset) throw new Error(`console asset ${name} is missing`);
      return asset.url;
    },
    byUrl: (url: string) => byUrl.get(url) ?? null,
    all: () => [...byName.entries()],
  };
}

export type Assets = ReturnType<typeof loadAssets>;

/** Picks the smallest encoding the client accepts. */
export function negotiateEncoding(acceptEncoding: string | undefined): 'br' | 'gzip' | null {
  const accepted = (acceptEncoding ?? '').toLowerCase();
  if (/\bbr\b/.test(accepted)) return 'br';
  if (/\bgzip\b/.test(accepted)) return 'gzip';
  return null;
}
