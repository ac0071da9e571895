import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as v from 'valibot';

const KidSchema = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be a base64url key id'));

/** `keyring.json`: which key signs now, and every key that ever did. */
export const KeyRingFileSchema = v.object({
  current: KidSchema,
  keys: v.pipe(
    v.array(
      v.object({
        kid: KidSchema,
        x: v.string(),
        created_at: v.string(),
        retired_at: v.nullable(v.string()),
      }),
    ),
    v.minLength(1),
  ),
});

export type KeyRingFile = v.InferOutput<typeof KeyRingFileSchema>;

/** Path of the key ring index in `dir`. */
export const keyRingPath = (dir: string): string => join(dir, 'keyring.json');

/** Path of the PKCS#8 PEM private key `kid` in `dir`; kids are validated base64url, so no traversal. */
export const privateKeyPath = (dir: string, kid: string): string => join(dir, `seal-${kid}.pem`);

/** Reads and checks `keyring.json`; null when there is none yet. */
export async function readKeyRingFile(dir: string): Promise<KeyRingFile | null> {
  let text: string;
  try {
    text = await readFile(keyRingPath(dir), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new Error(`${keyRingPath(dir)} is not valid JSON`, { cause: err });
  }
  const parsed = v.safeParse(KeyRingFileSchema, json);
  if (!parsed.success) {
    const issue = parsed.issues[0];
    throw new Error(
      `${keyRingPath(dir)} is not a valid key ring: ${v.getDotPath(issue) ?? ''} ${issue.message}`,
    );
  }
  if (!parsed.output.keys.some((k) => k.kid === parsed.output.current)) {
    throw new Error(`${keyRingPath(dir)} names current key ${parsed.output.current} but does not list it`);
  }
  return parsed.output;
}

/** The JSON text of a key ring file. */
export const formatKeyRingFile = (file: KeyRingFile): string => `${JSON.stringify(file, null, 2)}\n`;
