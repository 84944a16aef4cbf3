import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture } from '../testing/fixtures';
import { startFakeS3 } from '../testing/fake-s3';
import { s3Config } from './config';
import { describeS3Error, createS3Driver, s3ClientConfig } from './s3';
import { BackendUnavailableError } from './driver';

let fake: Awaited<ReturnType<typeof startFakeS3>>;
beforeAll(async () => {
  fake = await startFakeS3({ 'tf-states': { 'envs/prod.tfstate': fixture('web.tfstate'), 'envs/notes.txt': 'x', 'other/dev.tfstate': fixture('modules.tfstate') } });
});
afterAll(() => fake.close());

const config = (extra: Record<string, unknown> = {}) =>
  s3Config.parse({ bucket: 'tf-states', region: 'eu-west-1', endpoint: fake.endpoint, access_key_id: 'AKIDTEST', secret_access_key: 'secret', ...extra });

describe('s3 backend through the AWS SDK against an S3-compatible server (port 0)', () => {
  it('lists *.tfstate objects under the prefix, reads and writes them', async () => {
    const driver = createS3Driver(config({ prefix: 'envs/' }));
    expect((await driver.list()).map((o) => o.path)).toEqual(['envs/prod.tfstate']);
    expect(await driver.read('envs/prod.tfstate')).toBe(fixture('web.tfstate'));
    expect(await driver.read('envs/missing.tfstate')).toBeNull();
    await driver.write('envs/prod.tfstate', '{"changed":true}');
    expect(fake.objects.get('tf-states/envs/prod.tfstate')!.body).toBe('{"changed":true}');
    expect(await driver.test()).toContain('Bucket tf-states reachable (1 state object)');
    expect(fake.requests.some((r) => /^GET \/tf-states\/?\?/.test(r) && r.includes('list-type=2'))).toBe(true); // path-style
    await driver.close();
  });

  it('with a key, only that object is the backend\'s state', async () => {
    const driver = createS3Driver(config({ key: 'other/dev.tfstate' }));
    expect((await driver.list()).map((o) => o.path)).toEqual(['other/dev.tfstate']);
    await driver.close();
  });

  it('maps failures to short reasons: wrong credentials, missing bucket, unreachable endpoint', async () => {
    const wrongKey = createS3Driver(config({ access_key_id: 'AKIDWRONG' }));
    await expect(wrongKey.test()).rejects.toThrow('access denied');
    const missing = createS3Driver(config({ bucket: 'no-such-bucket' }));
    await expect(missing.list()).rejects.toThrow('bucket does not exist');
    const down = createS3Driver(config({ endpoint: 'http://127.0.0.1:9' }));
    const error = await down.list().catch((e) => e);
    expect(error).toBeInstanceOf(BackendUnavailableError);
    expect(error.message).toBe('S3 backend tf-states: endpoint unreachable');
    expect(error.message).not.toContain('secret');
  });
});

describe('s3 configuration', () => {
  it('uses path-style addressing for custom endpoints unless told otherwise, and passes credentials', () => {
    const withEndpoint = s3ClientConfig(config());
    expect(withEndpoint).toMatchObject({ region: 'eu-west-1', endpoint: fake.endpoint, forcePathStyle: true, credentials: { accessKeyId: 'AKIDTEST' } });
    expect(s3ClientConfig(s3Config.parse({ bucket: 'aws-bucket' }))).toMatchObject({ region: 'us-east-1', forcePathStyle: false });
    expect(s3ClientConfig(s3Config.parse({ bucket: 'aws-bucket' })).credentials).toBeUndefined();
  });

  it.each([
    [{ bucket: 'ab' }, 'bucket'],
    [{ bucket: 'good-bucket', region: 'mars-1' }, 'region'],
    [{ bucket: 'good-bucket', endpoint: 'ftp://x' }, 'endpoint'],
    [{ bucket: 'good-bucket', key: '../x.tfstate' }, 'key'],
  ])('refuses %o (%s)', (input, field) => {
    const result = s3Config.safeParse(input);
    expect(result.success).toBe(false);
    expect(result.error!.issues[0]!.path[0]).toBe(field);
  });

  it.each([
    [{ name: 'NoSuchBucket' }, 'bucket does not exist'],
    [{ name: 'AccessDenied', $metadata: { httpStatusCode: 403 } }, 'access denied (check the credentials)'],
    [{ name: 'TimeoutError' }, 'endpoint unreachable'],
    [{ name: 'Error', code: 'ECONNREFUSED' }, 'endpoint unreachable'],
    [{ name: 'CredentialsProviderError' }, 'no credentials configured'],
    [{ name: 'InternalError', $metadata: { httpStatusCode: 500 } }, 'store answered HTTP 500'],
  ])('describes %o as "%s"', (error, reason) => {
    expect(describeS3Error(error)).toBe(reason);
  });
});
