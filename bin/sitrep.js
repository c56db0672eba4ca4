#!/usr/bin/env node
// Runs the TypeScript CLI in this process through tsx's loader, so `npx sitrep` works in a checkout
// with no build step and signals (SIGHUP reload, SIGTERM) reach the bot directly.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli.ts');
