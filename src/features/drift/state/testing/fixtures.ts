import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '__fixtures__');
export const fixture = (name: string) => fs.readFileSync(path.join(FIXTURES, name), 'utf8');

/** A temporary terraform root: environments/prod/terraform.tfstate (web) and modules/terraform.tfstate. */
export function makeStateDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-states-'));
  fs.mkdirSync(path.join(dir, 'environments', 'prod'), { recursive: true });
  fs.mkdirSync(path.join(dir, 'platform', '.terraform'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'environments', 'prod', 'terraform.tfstate'), fixture('web.tfstate'));
  fs.writeFileSync(path.join(dir, 'platform', 'terraform.tfstate'), fixture('modules.tfstate'));
  fs.writeFileSync(path.join(dir, 'platform', '.terraform', 'terraform.tfstate'), fixture('modules.tfstate'));
  fs.writeFileSync(path.join(dir, 'platform', 'terraform.tfstate.backup'), fixture('modules.tfstate'));
  fs.writeFileSync(path.join(dir, 'notes.tfstate'), 'not a state');
  return dir;
}
