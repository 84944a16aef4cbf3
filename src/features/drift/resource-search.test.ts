import { describe, expect, it } from 'vitest';
import type { LiveResource } from './drift.types';
import { matchesTags, parseTagFilter, rankResources } from './resource-search';

const r = (name: string, type = 'aws_instance', tags: Record<string, string> = {}): LiveResource => ({
  id: name, provider: 'snapshot', type, resourceId: `id-${name}`, name, region: 'us-east-1', status: 'running', tags, attributes: {}, usage: {},
});

describe('rankResources', () => {
  it('ranks exact name, then prefix, then token matches', () => {
    const resources = [r('my-web-server'), r('web-server-2'), r('web-server'), r('db', 'aws_db_instance', { Role: 'web' })];
    expect(rankResources(resources, 'web-server').map((x) => x.name)).toEqual(['web-server', 'web-server-2', 'my-web-server']);
  });
  it('matches every token over name, type and tags', () => {
    const resources = [r('alpha', 'aws_instance', { Environment: 'production' }), r('beta', 'aws_s3_bucket', { Environment: 'production' })];
    expect(rankResources(resources, 'bucket production').map((x) => x.name)).toEqual(['beta']);
    expect(rankResources(resources, 'nothing-like-this')).toEqual([]);
  });
});

describe('tag filters', () => {
  it('parses key:value pairs and bare keys', () => {
    const filter = parseTagFilter('Environment:production, Team');
    expect(filter).toEqual([['Environment', 'production'], ['Team', null]]);
    expect(matchesTags({ Environment: 'production', Team: 'x' }, filter)).toBe(true);
    expect(matchesTags({ Environment: 'staging', Team: 'x' }, filter)).toBe(false);
  });
});
