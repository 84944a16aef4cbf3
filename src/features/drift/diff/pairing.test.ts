import { describe, expect, it } from 'vitest';
import type { LiveResource } from '../drift.types';
import { pairResources, type ManagedInstance } from './pairing';

const instance = (name: string, attributes: Record<string, unknown>, type = 'aws_instance'): ManagedInstance => ({
  address: `${type}.${name}`, mode: 'managed', type, name, module: null, provider: 'aws', indexKey: null, attributes, stateId: 's',
});
const live = (id: string, resourceId: string, name: string, type = 'aws_instance'): LiveResource => ({
  id, provider: 'snapshot', type, resourceId, name, region: 'us-east-1', status: 'running', tags: {}, attributes: {}, usage: {},
});

describe('pairResources', () => {
  it('pairs by provider id before names, each live resource once', () => {
    const instances = [instance('web', { id: 'i-2', tags: { Name: 'web' } }), instance('api', { id: 'i-9', tags: { Name: 'web' } })];
    const resources = [live('a', 'i-1', 'web'), live('b', 'i-2', 'other')];
    const result = pairResources(instances, resources);
    expect(result.pairs.map((p) => `${p.instance.name}->${p.live.id}`)).toEqual(['web->b', 'api->a']);
    expect(result.deleted).toEqual([]);
    expect(result.unmanaged).toEqual([]);
  });

  it('pairs by Terraform name, bucket name; never across types; reports the rest', () => {
    const instances = [instance('assets', { bucket: 'my-assets' }, 'aws_s3_bucket'), instance('db', {}, 'aws_db_instance'), instance('gone', { id: 'i-404' })];
    const resources = [live('x', 'my-assets', 'my-assets', 'aws_s3_bucket'), live('y', 'db-1', 'db', 'aws_db_instance'), live('z', 'i-404', 'gone', 'aws_ebs_volume')];
    const result = pairResources(instances, resources);
    expect(result.pairs.map((p) => p.live.id)).toEqual(['x', 'y']);
    expect(result.deleted.map((i) => i.address)).toEqual(['aws_instance.gone']);
    expect(result.unmanaged.map((r) => r.id)).toEqual(['z']);
  });
});
