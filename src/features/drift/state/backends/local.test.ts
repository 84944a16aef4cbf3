import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fixture, makeStateDir } from '../testing/fixtures';
import { createLocalDriver } from './local';
import { BackendUnavailableError } from './driver';

const dirs: string[] = [];
const tmp = () => {
  const dir = makeStateDir();
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe('local backend', () => {
  it('finds *.tfstate files recursively, skipping .terraform/ and backups', async () => {
    const driver = createLocalDriver({ path: tmp() });
    expect((await driver.list()).map((o) => o.path)).toEqual(['environments/prod/terraform.tfstate', 'notes.tfstate', 'platform/terraform.tfstate']);
  });

  it('writes atomically: the new content replaces the file and no temporary file is left', async () => {
    const dir = tmp();
    const driver = createLocalDriver({ path: dir });
    const next = fixture('web.tfstate').replace('"serial": 12', '"serial": 13');
    await driver.write('environments/prod/terraform.tfstate', next);
    expect(fs.readFileSync(path.join(dir, 'environments/prod/terraform.tfstate'), 'utf8')).toBe(next);
    expect(fs.readdirSync(path.join(dir, 'environments/prod'))).toEqual(['terraform.tfstate']);
  });

  it('refuses paths outside its root and files that are not state files', async () => {
    const driver = createLocalDriver({ path: tmp() });
    await expect(driver.read('../../etc/passwd')).rejects.toBeInstanceOf(BackendUnavailableError);
    await expect(driver.write('../escape.tfstate', '{}')).rejects.toThrow('outside this backend');
    await expect(driver.write('environments/prod/run.sh', '{}')).rejects.toThrow('outside this backend');
    expect(await driver.read('environments/missing.tfstate')).toBeNull();
  });

  it('a root that is one file is a backend of one state', async () => {
    const dir = tmp();
    const driver = createLocalDriver({ path: path.join(dir, 'platform', 'terraform.tfstate') });
    expect((await driver.list()).map((o) => o.path)).toEqual(['terraform.tfstate']);
    expect(await driver.read('terraform.tfstate')).toBe(fixture('modules.tfstate'));
  });

  it('reports a missing root as unavailable', async () => {
    const driver = createLocalDriver({ path: '/nonexistent/vigil-states' });
    await expect(driver.test()).rejects.toThrow('Cannot read /nonexistent/vigil-states: ENOENT');
  });
});
