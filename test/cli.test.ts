import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '..');
const bin = path.join(root, 'bin', 'vigil.js');
const dirs: string[] = [];
const tempDir = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-cli-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => dirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

const cleanEnv = () => Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('VIGIL_')));

function run(args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, [bin, ...args], { cwd: root, env: { ...cleanEnv(), ...env }, encoding: 'utf8', timeout: 60_000 });
}

describe('vigil CLI', { timeout: 120_000 }, () => {
  it('a bad setting stops the server with one clear line and exit code 1', () => {
    const result = run(['serve'], { VIGIL_PORT: 'eighty', VIGIL_DATA_DIR: tempDir() });
    expect(result.status).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual(['vigil: Invalid configuration: VIGIL_PORT="eighty" Invalid input: expected number, received NaN']);
  });

  it('an unknown flag is one line too', () => {
    const result = run(['serve', '--colour', 'blue']);
    expect(result.status).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('migrate applies migrations once, then reports the database up to date', () => {
    const dataDir = tempDir();
    const first = run(['migrate', '--data-dir', dataDir]);
    expect(first.status).toBe(0);
    expect(first.stdout).toMatch(/applied: 0001_core/);
    expect(fs.existsSync(path.join(dataDir, 'vigil.db'))).toBe(true);
    const second = run(['migrate', '--data-dir', dataDir]);
    expect(second.stdout.trim()).toBe('database is up to date');
  });

  it('admin create makes an account and refuses a duplicate', () => {
    const dataDir = tempDir();
    const args = ['admin', 'create', '--username', 'ops', '--email', 'ops@example.test', '--password', 'ops-password', '--data-dir', dataDir];
    const created = run(args);
    expect(created.status).toBe(0);
    expect(created.stdout).toMatch(/created admin ops/);
    const duplicate = run(args);
    expect(duplicate.status).toBe(1);
    expect(duplicate.stderr).toMatch(/already exists/);
  });

  it('serve answers requests and drains on SIGTERM, exiting 0', async () => {
    const dataDir = tempDir();
    const child = spawn(process.execPath, [bin, 'serve', '--port', '0', '--host', '127.0.0.1', '--data-dir', dataDir], {
      cwd: root,
      env: { ...cleanEnv(), VIGIL_BACKGROUND_JOBS: 'false' },
    });
    let output = '';
    const address = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`server did not start: ${output}`)), 30_000);
      child.stdout.on('data', (chunk) => {
        output += chunk;
        const match = /Vigil listening on (http:\/\/[\d.:]+)/.exec(output);
        if (match) {
          clearTimeout(timer);
          resolve(match[1]!);
        }
      });
    });
    const health = await fetch(`${address}/health`);
    expect(health.status).toBe(200);
    const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exit).toBe(0);
    expect(output).toMatch(/shutting down/);
  });

  it('prints usage for help and refuses unknown commands with exit code 2', () => {
    expect(run(['--help']).stdout).toMatch(/vigil serve/);
    expect(run(['frobnicate']).status).toBe(2);
  });
});
