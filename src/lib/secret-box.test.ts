import { describe, expect, it } from 'vitest';
import { SecretBoxError, createSecretBox } from './secret-box';

describe('secret box', () => {
  const box = createSecretBox('a key of at least thirty-two characters!');

  it('seals to text that does not contain the secret and opens back to it', () => {
    const sealed = box.seal('whsec_c2VjcmV0LXNpZ25pbmcta2V5');
    expect(sealed).toMatch(/^enc:v1:/);
    expect(sealed).not.toContain('c2VjcmV0');
    expect(box.open(sealed)).toBe('whsec_c2VjcmV0LXNpZ25pbmcta2V5');
    expect(box.seal('same')).not.toBe(box.seal('same'));
  });

  it('passes through text stored before encryption', () => {
    expect(box.open('{"bucket":"tf-state"}')).toBe('{"bucket":"tf-state"}');
  });

  it('refuses a tampered value or another key', () => {
    const sealed = box.seal('routing-key-123');
    const tampered = sealed.slice(0, -4) + (sealed.endsWith('AAAA') ? 'BBBB' : 'AAAA');
    expect(() => box.open(tampered)).toThrow(SecretBoxError);
    expect(() => createSecretBox('another key of thirty-two characters or more').open(sealed)).toThrow(/VIGIL_SECRETS_KEY/);
  });
});
