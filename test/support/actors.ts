import type { Actor } from '@rollcall/identity';

/** Who acts when a test calls a domain service directly (its events name it). */
export const TEST_ACTOR: Actor = { type: 'system', worker: 'test' };
