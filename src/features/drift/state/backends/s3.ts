import { GetObjectCommand, HeadBucketCommand, ListObjectsV2Command, PutObjectCommand, S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { BackendUnavailableError, type BackendDriver, type StateObjectInfo } from './driver';
import type { S3Config } from './config';

/** SDK errors name the failure; clients get a short reason (never credentials, never the raw dump). */
export function describeS3Error(error: unknown): string {
  const e = error as { name?: string; code?: string; Code?: string; $metadata?: { httpStatusCode?: number } };
  const name = e.name ?? e.Code ?? e.code ?? '';
  const status = e.$metadata?.httpStatusCode;
  if (name === 'NoSuchBucket' || (name === 'NotFound' && status === 404)) return 'bucket does not exist';
  if (['AccessDenied', 'InvalidAccessKeyId', 'SignatureDoesNotMatch', 'Forbidden', 'ExpiredToken'].includes(name) || status === 403) return 'access denied (check the credentials)';
  if (status === 401) return 'access denied (check the credentials)';
  if (['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNRESET'].includes(e.code ?? '') || name === 'TimeoutError' || name === 'RequestTimeout') return 'endpoint unreachable';
  if (name === 'CredentialsProviderError') return 'no credentials configured';
  if (name === 'PermanentRedirect' || name === 'AuthorizationHeaderMalformed') return 'bucket is in another region';
  return status ? `store answered HTTP ${status}` : 'request failed';
}

export function s3ClientConfig(config: S3Config): S3ClientConfig {
  return {
    region: config.region,
    ...(config.endpoint ? { endpoint: config.endpoint } : {}),
    forcePathStyle: config.force_path_style ?? Boolean(config.endpoint),
    ...(config.access_key_id && config.secret_access_key
      ? { credentials: { accessKeyId: config.access_key_id, secretAccessKey: config.secret_access_key, ...(config.session_token ? { sessionToken: config.session_token } : {}) } }
      : {}),
    maxAttempts: 2,
    // A black-holed endpoint must not hang a state listing.
    requestHandler: { connectionTimeout: 5_000, requestTimeout: 20_000 },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  };
}

/** `s3`: terraform's S3 backend objects (one `key`, or every *.tfstate under `prefix`), through AWS SDK v3. */
export function createS3Driver(config: S3Config, makeClient: (c: S3ClientConfig) => S3Client = (c) => new S3Client(c)): BackendDriver {
  const client = makeClient(s3ClientConfig(config));
  async function call<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof BackendUnavailableError) throw error;
      throw new BackendUnavailableError(`S3 backend ${config.bucket}: ${describeS3Error(error)}`);
    }
  }
  async function listAll(): Promise<StateObjectInfo[]> {
    const out: StateObjectInfo[] = [];
    let token: string | undefined;
    do {
      const page = await client.send(new ListObjectsV2Command({ Bucket: config.bucket, Prefix: config.key ?? config.prefix, ContinuationToken: token }));
      for (const object of page.Contents ?? []) {
        if (!object.Key) continue;
        const wanted = config.key ? object.Key === config.key : object.Key.endsWith('.tfstate');
        if (wanted) out.push({ path: object.Key, size: Number(object.Size ?? 0), lastModified: object.LastModified ? object.LastModified.getTime() : null });
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return out;
  }
  return {
    list: () => call(listAll),
    async read(key) {
      try {
        const object = await client.send(new GetObjectCommand({ Bucket: config.bucket, Key: key }));
        return (await object.Body?.transformToString('utf8')) ?? null;
      } catch (error) {
        const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
        if (e.name === 'NoSuchKey' || (e.$metadata?.httpStatusCode === 404 && e.name !== 'NoSuchBucket')) return null;
        throw new BackendUnavailableError(`S3 backend ${config.bucket}: ${describeS3Error(error)}`);
      }
    },
    write: (key, content) =>
      call(async () => {
        await client.send(new PutObjectCommand({ Bucket: config.bucket, Key: key, Body: content, ContentType: 'application/json' }));
      }),
    test: () =>
      call(async () => {
        await client.send(new HeadBucketCommand({ Bucket: config.bucket }));
        const states = await listAll();
        return `Bucket ${config.bucket} reachable (${states.length} state object${states.length === 1 ? '' : 's'})`;
      }),
    async close() {
      client.destroy();
    },
  };
}
