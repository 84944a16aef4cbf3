import fs from 'node:fs';
import path from 'node:path';
import { randomToken } from './crypto';

/** A secret generated once and kept in the data dir (mode 0600), e.g. the JWT signing secret. */
export function loadOrCreateSecretFile(dataDir: string, name: string): string {
  const file = path.join(dataDir, name);
  try {
    const existing = fs.readFileSync(file, 'utf8').trim();
    if (existing.length >= 32) return existing;
  } catch {
    // absent: create below
  }
  fs.mkdirSync(dataDir, { recursive: true });
  const secret = randomToken(48);
  fs.writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}
