import { createHash } from 'node:crypto';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { assertKeyPrefix, assertObjectKey, compareKeys } from './object-key.js';
import type { ObjectStore } from './object-store.js';

/** Where and how to reach an S3-compatible bucket. `prefix` is '' or ends with '/'. */
export interface S3StoreOptions {
  bucket: string;
  prefix: string;
  endpoint?: string;
  region: string;
  forcePathStyle: boolean;
  accessKeyId?: string;
  secretAccessKey?: string;
}

/** An ObjectStore in an S3 bucket (AWS, MinIO, s3rver); keys live under `prefix`. */
export function createS3Store(opts: S3StoreOptions): ObjectStore {
  const { bucket, prefix } = opts;
  if (prefix !== '' && !prefix.endsWith('/'))
    throw new Error(`S3 prefix must be '' or end with '/': ${JSON.stringify(prefix)}`);
  const client = new S3Client({
    region: opts.region,
    endpoint: opts.endpoint,
    forcePathStyle: opts.forcePathStyle,
    credentials:
      opts.accessKeyId && opts.secretAccessKey
        ? { accessKeyId: opts.accessKeyId, secretAccessKey: opts.secretAccessKey }
        : undefined,
    // Checksums only when required: otherwise uploads use aws-chunked framing that some servers store verbatim.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    // Fail fast: a dead endpoint must not hang the committer or /readyz. The socket timeout is an
    // idle timeout, so large uploads on a slow but live link still complete.
    maxAttempts: 2,
    requestHandler: { connectionTimeout: 5_000, socketTimeout: 10_000 },
  });

  async function put(key: string, body: Uint8Array, contentType?: string): Promise<void> {
    assertObjectKey(key);
    await client.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: prefix + key,
        Body: body,
        ContentLength: body.byteLength,
        ContentType: contentType ?? 'application/octet-stream',
        // The server verifies these bytes arrived intact.
        ContentMD5: createHash('md5').update(body).digest('base64'),
      }),
    );
  }

  async function get(key: string): Promise<Uint8Array | null> {
    assertObjectKey(key);
    try {
      const res = await client.send(new GetObjectCommand({ Bucket: bucket, Key: prefix + key }));
      if (!res.Body) return new Uint8Array(0);
      return await res.Body.transformToByteArray();
    } catch (err) {
      if (errorName(err) === 'NoSuchKey') return null;
      throw err;
    }
  }

  async function list(keyPrefix: string): Promise<string[]> {
    assertKeyPrefix(keyPrefix);
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const res = await client.send(
        new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix + keyPrefix, ContinuationToken: token }),
      );
      for (const obj of res.Contents ?? []) {
        if (obj.Key?.startsWith(prefix)) keys.push(obj.Key.slice(prefix.length));
      }
      token = res.IsTruncated ? res.NextContinuationToken : undefined;
    } while (token);
    return keys.sort(compareKeys);
  }

  async function remove(key: string): Promise<void> {
    assertObjectKey(key);
    await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: prefix + key }));
  }

  return {
    put,
    get,
    list,
    delete: remove,
    url: (key) => `s3://${bucket}/${prefix}${key}`,
    check: async () => {
      await client.send(new HeadBucketCommand({ Bucket: bucket }));
    },
    close: async () => client.destroy(),
  };
}

function errorName(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const e = err as { name?: unknown; Code?: unknown };
  return typeof e.Code === 'string' ? e.Code : typeof e.name === 'string' ? e.name : undefined;
}
