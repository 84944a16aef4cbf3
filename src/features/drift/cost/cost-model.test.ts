import { describe, expect, it } from 'vitest';
import { estimateMonthlyCost, PRICE_TABLE } from './cost-model';

describe('estimateMonthlyCost', () => {
  it('prices an instance: hours x hourly rate, root volume GB-months, public IPv4', () => {
    const cost = estimateMonthlyCost({
      type: 'aws_instance', status: 'running', usage: {},
      attributes: { instance_type: 't3.medium', root_block_device: [{ volume_size: 30, volume_type: 'gp3' }], public_ip: '1.2.3.4' },
    });
    expect(cost.breakdown).toEqual({ compute: 30.37, storage: 2.4, network: 3.65 });
    expect(cost.monthly).toBe(36.42);
    expect(cost.priced).toBe(true);
  });

  it('a stopped instance costs its storage only', () => {
    const cost = estimateMonthlyCost({ type: 'aws_instance', status: 'stopped', usage: {}, attributes: { instance_type: 't3.medium', root_block_device: [{ volume_size: 10, volume_type: 'gp2' }] } });
    expect(cost.monthly).toBe(1);
  });

  it('doubles RDS for multi-AZ and says when a size is unknown', () => {
    const single = estimateMonthlyCost({ type: 'aws_db_instance', status: 'available', usage: {}, attributes: { instance_class: 'db.t3.medium', allocated_storage: 100, storage_type: 'gp3' } });
    const multi = estimateMonthlyCost({ type: 'aws_db_instance', status: 'available', usage: {}, attributes: { instance_class: 'db.t3.medium', allocated_storage: 100, storage_type: 'gp3', multi_az: true } });
    expect(multi.monthly).toBeCloseTo(single.monthly * 2, 1);
    expect(estimateMonthlyCost({ type: 'aws_instance', status: 'running', usage: {}, attributes: { instance_type: 'x9.huge' } }).priced).toBe(false);
  });

  it('prices S3 from reported storage and NAT gateways per hour', () => {
    expect(estimateMonthlyCost({ type: 'aws_s3_bucket', status: 'active', usage: { storage_gb: 1000 }, attributes: {} }).monthly).toBe(23);
    expect(estimateMonthlyCost({ type: 'aws_nat_gateway', status: 'available', usage: {}, attributes: {} }).breakdown.network).toBe(32.85);
    expect(PRICE_TABLE.price_date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });
});
