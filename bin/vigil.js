#!/usr/bin/env node
// Runs the TypeScript sources through tsx so `npm start` needs no build step (see docs/decisions.md).
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli.ts');
await main(process.argv.slice(2));
