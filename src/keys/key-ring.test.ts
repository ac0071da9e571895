import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GENESIS_HASH, keysFromJwks, signSeal, verifySeal } from '../chain/index.js';
import type { SealInput } from '../chain/index.js';
import { loadOrCreateKeyRing } from './load-or-create-key-ring.js';
import { rotateSealKey } from './rotate-seal-key.js';

const mode = (path: string): number => statSync(path).mode & 0o777;

const sealInput: SealInput = {
  tenant: 'acme',
  table: 'agent_events',
  session_id: 's1',
  from_seq: 1,
  seq: 1,
  head_hash: 'a'.repeat(64),
  prev_seal_hash: GENESIS_HASH,
  sealed_at: '2026-01-30T12:00:00.000Z',
};

describe('key ring', () => {
  let root: string;
  let dir: string;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'chainlake-keys-'));
    dir = join(root, 'data', 'keys');
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('creates a 0700 directory with a 0600 private key and key ring on first load', async () => {
    const ring = await loadOrCreateKeyRing(dir);
    expect(mode(dir)).toBe(0o700);
    expect(mode(join(dir, `seal-${ring.current.kid}.pem`))).toBe(0o600);
    expect(mode(join(dir, 'keyring.json'))).toBe(0o600);
    expect((await readdir(dir)).sort()).toEqual(['keyring.json', `seal-${ring.current.kid}.pem`]);
    const file = JSON.parse(await readFile(join(dir, 'keyring.json'), 'utf8'));
    expect(file).toEqual({
      current: ring.current.kid,
      keys: [
        { kid: ring.current.kid, x: ring.jwks.keys[0]!.x, created_at: expect.any(String), retired_at: null },
      ],
    });
    expect(ring.jwks.keys).toHaveLength(1);
    expect(ring.jwks.keys[0]).not.toHaveProperty('d');
  });

  it('returns the same key when loaded again', async () => {
    const first = await loadOrCreateKeyRing(dir);
    const again = await loadOrCreateKeyRing(dir);
    expect(again.current.kid).toBe(first.current.kid);
    expect(again.jwks).toEqual(first.jwks);
    const seal = signSeal(sealInput, first.current);
    expect(verifySeal(seal, again.publicKeys)).toEqual({ ok: true });
  });

  it('settles on one key when two loaders race to create it', async () => {
    const rings = await Promise.all([
      loadOrCreateKeyRing(dir),
      loadOrCreateKeyRing(dir),
      loadOrCreateKeyRing(dir),
    ]);
    expect(new Set(rings.map((r) => r.current.kid)).size).toBe(1);
    expect((await readdir(dir)).sort()).toEqual(['keyring.json', `seal-${rings[0]!.current.kid}.pem`]);
  });

  it('rotates to a new key and keeps the old one listed so old seals still verify', async () => {
    const before = await loadOrCreateKeyRing(dir);
    const oldSeal = signSeal(sealInput, before.current);
    const after = await rotateSealKey(dir);
    expect(after.current.kid).not.toBe(before.current.kid);
    expect(after.jwks.keys.map((k) => k.kid)).toEqual([after.current.kid, before.current.kid]);
    expect(verifySeal(oldSeal, keysFromJwks(after.jwks))).toEqual({ ok: true });
    expect(verifySeal(signSeal(sealInput, after.current), after.publicKeys)).toEqual({ ok: true });

    const reloaded = await loadOrCreateKeyRing(dir);
    expect(reloaded.current.kid).toBe(after.current.kid);
    expect(reloaded.jwks).toEqual(after.jwks);
    const file = JSON.parse(await readFile(join(dir, 'keyring.json'), 'utf8'));
    expect(file.keys.map((k: { retired_at: string | null }) => k.retired_at === null)).toEqual([false, true]);
    expect(mode(join(dir, `seal-${after.current.kid}.pem`))).toBe(0o600);
    expect(mode(join(dir, 'keyring.json'))).toBe(0o600);
    expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('refuses a key ring whose current key file holds another key', async () => {
    const ring = await loadOrCreateKeyRing(dir);
    const other = await rotateSealKey(dir);
    const pem = await readFile(join(dir, `seal-${ring.current.kid}.pem`), 'utf8');
    await writeFile(join(dir, `seal-${other.current.kid}.pem`), pem);
    await expect(loadOrCreateKeyRing(dir)).rejects.toThrow(/does not hold the key/);
  });

  it('refuses a damaged keyring.json with its path', async () => {
    await loadOrCreateKeyRing(dir);
    await writeFile(join(dir, 'keyring.json'), '{"current":"../x","keys":[]}');
    await expect(loadOrCreateKeyRing(dir)).rejects.toThrow(/keyring\.json is not a valid key ring/);
  });
});
