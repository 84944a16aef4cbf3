import fs from 'node:fs/promises';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { BackendUnavailableError, type BackendDriver, type StateObjectInfo } from './driver';

const SKIPPED_DIRS = new Set(['.terraform', '.git', 'node_modules']);
const MAX_DEPTH = 12;

/** `local`: a directory tree of *.tfstate files (or one file). Writes replace the file atomically (temp file + rename). */
export function createLocalDriver(config: { path: string }): BackendDriver {
  const root = path.resolve(config.path);

  async function rootKind(): Promise<'dir' | 'file'> {
    try {
      const stat = await fs.stat(root);
      if (stat.isDirectory()) return 'dir';
      if (stat.isFile()) return 'file';
    } catch (error) {
      throw new BackendUnavailableError(`Cannot read ${root}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
    }
    throw new BackendUnavailableError(`${root} is neither a directory nor a file`);
  }

  /** Maps a state path back to a file, refusing anything outside the root. */
  function resolve(statePath: string, kind: 'dir' | 'file'): string {
    if (kind === 'file') {
      if (statePath !== path.basename(root)) throw new BackendUnavailableError(`No state ${statePath} in this backend`);
      return root;
    }
    const file = path.resolve(root, statePath);
    const relative = path.relative(root, file);
    if (relative.startsWith('..') || path.isAbsolute(relative) || !file.endsWith('.tfstate')) {
      throw new BackendUnavailableError(`Path ${statePath} is outside this backend`);
    }
    return file;
  }

  async function walk(dir: string, depth: number, out: StateObjectInfo[]) {
    if (depth > MAX_DEPTH) return;
    let entries: import('node:fs').Dirent[];
    try {
      entries = await fs.readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    const files = entries.filter((e) => e.isFile() && e.name.endsWith('.tfstate'));
    const stats = await Promise.all(files.map((e) => fs.stat(path.join(dir, e.name)).catch(() => null)));
    files.forEach((entry, i) => {
      const stat = stats[i];
      if (stat) out.push({ path: path.relative(root, path.join(dir, entry.name)).split(path.sep).join('/'), size: stat.size, lastModified: Math.round(stat.mtimeMs) });
    });
    const dirs = entries.filter((e) => e.isDirectory() && !SKIPPED_DIRS.has(e.name));
    await Promise.all(dirs.map((e) => walk(path.join(dir, e.name), depth + 1, out)));
  }

  return {
    async list() {
      const kind = await rootKind();
      if (kind === 'file') {
        const stat = await fs.stat(root);
        return [{ path: path.basename(root), size: stat.size, lastModified: Math.round(stat.mtimeMs) }];
      }
      const out: StateObjectInfo[] = [];
      await walk(root, 0, out);
      return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    },
    async read(statePath) {
      const file = resolve(statePath, await rootKind());
      try {
        return await fs.readFile(file, 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw new BackendUnavailableError(`Cannot read ${statePath}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
      }
    },
    async write(statePath, content) {
      const file = resolve(statePath, await rootKind());
      const temp = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
      try {
        await fs.mkdir(path.dirname(file), { recursive: true });
        const handle = await fs.open(temp, 'wx', 0o600);
        try {
          await handle.writeFile(content, 'utf8');
          await handle.sync();
        } finally {
          await handle.close();
        }
        await fs.rename(temp, file);
      } catch (error) {
        await fs.rm(temp, { force: true });
        throw new BackendUnavailableError(`Cannot write ${statePath}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
      }
    },
    async test() {
      const kind = await rootKind();
      const states = kind === 'dir' ? (await this.list()).length : 1;
      return `${kind === 'dir' ? 'Directory' : 'File'} ${root} is readable (${states} state file${states === 1 ? '' : 's'})`;
    },
    async close() {},
  };
}
