import argon2 from 'argon2';

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(hash: string, password: string): Promise<boolean>;
  /** Burns the same time as a real verify, so unknown users cannot be told apart by timing. */
  verifyDummy(password: string): Promise<false>;
}

export function createPasswordHasher(options: { memoryKib: number; timeCost: number }): PasswordHasher {
  const params = { type: argon2.argon2id, memoryCost: options.memoryKib, timeCost: options.timeCost, parallelism: 1 } as const;
  let dummyHash: Promise<string> | null = null;
  return {
    hash: (password) => argon2.hash(password, params),
    async verify(hash, password) {
      try {
        return await argon2.verify(hash, password);
      } catch {
        return false;
      }
    },
    async verifyDummy(password) {
      dummyHash ??= argon2.hash('vigil-timing-equaliser', params);
      await argon2.verify(await dummyHash, password).catch(() => false);
      return false;
    },
  };
}
