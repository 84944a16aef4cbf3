import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A small S3-compatible server (path-style: HeadBucket, ListObjectsV2, GetObject, PutObject) on port 0, so the
 * s3 backend is tested through the real AWS SDK. Requests must be signed with access key `AKIDTEST`.
 */
export async function startFakeS3(buckets: Record<string, Record<string, string>>) {
  const objects = new Map<string, { body: string; modified: Date }>();
  for (const [bucket, entries] of Object.entries(buckets)) {
    for (const [key, body] of Object.entries(entries)) objects.set(`${bucket}/${key}`, { body, modified: new Date('2026-01-01T00:00:00Z') });
  }
  const requests: string[] = [];
  const behaviour = { failPuts: false };
  const xmlError = (res: http.ServerResponse, status: number, code: string) => {
    res.writeHead(status, { 'content-type': 'application/xml' });
    res.end(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${code}</Message></Error>`);
  };
  const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://s3.local');
      const [bucket, ...rest] = url.pathname.slice(1).split('/');
      const key = decodeURIComponent(rest.join('/'));
      requests.push(`${req.method} ${url.pathname}${url.search}`);
      if (!String(req.headers.authorization ?? '').includes('Credential=AKIDTEST/')) return xmlError(res, 403, 'InvalidAccessKeyId');
      if (!bucket || !(bucket in buckets)) return req.method === 'HEAD' ? (res.writeHead(404), res.end()) : xmlError(res, 404, 'NoSuchBucket');
      if (req.method === 'HEAD' && !key) return res.writeHead(200).end();
      if (req.method === 'GET' && !key && url.searchParams.get('list-type') === '2') {
        const prefix = url.searchParams.get('prefix') ?? '';
        const listed = [...objects.entries()].filter(([k]) => k.startsWith(`${bucket}/${prefix}`));
        const contents = listed
          .map(([k, o]) => `<Contents><Key>${escape(k.slice(bucket.length + 1))}</Key><LastModified>${o.modified.toISOString()}</LastModified><ETag>"e"</ETag><Size>${Buffer.byteLength(o.body)}</Size><StorageClass>STANDARD</StorageClass></Contents>`)
          .join('');
        res.writeHead(200, { 'content-type': 'application/xml' });
        return res.end(`<?xml version="1.0" encoding="UTF-8"?><ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>${bucket}</Name><Prefix>${escape(prefix)}</Prefix><KeyCount>${listed.length}</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>false</IsTruncated>${contents}</ListBucketResult>`);
      }
      if (req.method === 'GET') {
        const object = objects.get(`${bucket}/${key}`);
        if (!object) return xmlError(res, 404, 'NoSuchKey');
        res.writeHead(200, { 'content-type': 'application/json', 'last-modified': object.modified.toUTCString(), 'content-length': Buffer.byteLength(object.body) });
        return res.end(object.body);
      }
      if (req.method === 'PUT' && key) {
        if (behaviour.failPuts) return xmlError(res, 500, 'InternalError');
        objects.set(`${bucket}/${key}`, { body: Buffer.concat(chunks).toString('utf8'), modified: new Date() });
        res.writeHead(200, { etag: '"e"' });
        return res.end();
      }
      xmlError(res, 405, 'MethodNotAllowed');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    objects,
    requests,
    behaviour,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
