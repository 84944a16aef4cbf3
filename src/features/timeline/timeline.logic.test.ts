import { describe, expect, it } from 'vitest';
import { identityOf, linkChanges, sortEntries, type TimelineEntry } from './timeline.logic';

const entry = (over: Partial<TimelineEntry>): TimelineEntry => ({ engine: 'threat', kind: 'k', severity: 'high', id: 'x', at: '2026-01-01T10:00:00.000Z', title: 't', suppressed_by: null, related_change: null, ...over });

describe('resource timeline logic', () => {
  it('knows a resource by ids, names, addresses, IPs, hostnames and its Name tag', () => {
    const identity = identityOf(
      { id: 'v1', resource_id: 'i-1', type: 'aws_instance', name: 'web', tags: { Name: 'web-1' }, attributes: { private_ip: '10.0.0.5', public_dns: 'ec2-1.example', other: 'x' } },
      ['aws_instance.web'],
    );
    expect(identity.identifiers).toEqual(['v1', 'i-1', 'web', 'web-1', 'aws_instance.web', '10.0.0.5', 'ec2-1.example']);
    expect(identity.ips).toEqual(['10.0.0.5']);
  });

  it('orders newest first and links a threat to the latest change in the hour before it', () => {
    const changes = [
      { engine: 'drift', id: 'd-old', kind: 'changed', what: 'ingress changed', at: Date.parse('2026-01-01T08:00:00Z') },
      { engine: 'drift', id: 'd1', kind: 'changed', what: 'instance_type changed', at: Date.parse('2026-01-01T09:56:00Z') },
      { engine: 'state', id: 's-after', kind: 'moved', what: 'state mv', at: Date.parse('2026-01-01T10:30:00Z') },
    ];
    const [threat, drift] = linkChanges([entry({ id: 't1' }), entry({ engine: 'drift', id: 'd1', at: '2026-01-01T09:56:00.000Z' })], changes);
    expect(threat!.related_change).toMatchObject({ id: 'd1', minutes_before: 4, summary: 'started 4 min after instance_type changed' });
    expect(drift!.related_change).toBeNull();
    const lonely = linkChanges([entry({ at: '2026-01-01T07:00:00.000Z' })], changes)[0]!;
    expect(lonely.related_change).toBeNull();
    expect(sortEntries([entry({ id: 'a', at: '2026-01-01T09:00:00.000Z' }), entry({ id: 'b' })]).map((e) => e.id)).toEqual(['b', 'a']);
  });
});
