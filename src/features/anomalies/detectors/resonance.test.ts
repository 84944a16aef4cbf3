import { describe, expect, it } from 'vitest';
import { createResonance } from './resonance';

const art = createResonance();
const at = (i: number) => ({ value: 0, timestamp: i * 60_000 });

describe('resonance (fuzzy ART) shape detector', () => {
  it('learns a repeating shape and finds a window of a new shape within the usual range more novel than the usual one', () => {
    const state = art.init();
    const wave = (i: number) => 50 + 10 * Math.sin((2 * Math.PI * i) / 24);
    for (let i = 0; i < 2000; i++) art.learn(state, { ...at(i), value: wave(i) });
    const usual = art.score(state, { ...at(2000), value: wave(2000) });
    // Flickering between the extremes: every value is within the usual range, but no learned window looks like it.
    const flicker = structuredClone(state);
    let strongest = 0;
    for (let i = 2000; i < 2010; i++) {
      const value = i % 2 ? 41 : 59;
      strongest = Math.max(strongest, art.score(flicker, { ...at(i), value }).deviation);
      art.learn(flicker, { ...at(i), value });
    }
    expect(usual.deviation).toBeLessThan(0.5);
    expect(strongest).toBeGreaterThan(2);
  });

  it('stays quiet while warming up, keeps at most 24 categories, and scores a point without changing the state', () => {
    const state = art.init();
    expect(art.score(state, { ...at(0), value: 5 }).kind).toBe('warming up');
    let x = 1;
    for (let i = 0; i < 5000; i++) {
      x = (x * 1103515245 + 12345) % 2147483648;
      art.learn(state, { ...at(i), value: x / 2147483648 });
    }
    expect(state.cats.length).toBeLessThanOrEqual(24);
    const before = JSON.stringify(state);
    art.score(state, { ...at(5000), value: 0.5 });
    expect(JSON.stringify(state)).toBe(before);
  });

  it('rescales its categories when the range widens, so a known shape at the old scale stays known', () => {
    const state = art.init();
    for (let i = 0; i < 600; i++) art.learn(state, { ...at(i), value: i % 8 < 4 ? 10 : 20 });
    art.learn(state, { ...at(600), value: 1000 });
    for (let i = 601; i < 610; i++) art.learn(state, { ...at(i), value: i % 8 < 4 ? 10 : 20 });
    expect(Number.isFinite(state.novelty)).toBe(true);
    expect(state.cats.every((c) => c.every((w) => w >= -1e-9 && w <= 1 + 1e-9))).toBe(true);
  });
});
