import prices from './price-table.json' with { type: 'json' };
import type { LiveResource } from '../drift.types';

export const PRICE_TABLE = prices;

export interface CostEstimate {
  /** Estimated monthly cost in USD, rounded to cents. */
  monthly: number;
  breakdown: { compute: number; storage: number; network: number };
  /** False when the type or size is not in the price table (the estimate then covers only what is priced). */
  priced: boolean;
  notes: string[];
}

const HOURS = prices.hours_per_month;
const round = (value: number) => Math.round(value * 100) / 100;
const num = (value: unknown): number => (typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) || 0 : 0);
const str = (value: unknown): string => (typeof value === 'string' ? value : '');
const blocks = (value: unknown): Record<string, unknown>[] => (Array.isArray(value) ? value.filter((v) => v && typeof v === 'object') : []);

function lookup(table: Record<string, number>, key: string): number | null {
  return Object.hasOwn(table, key) ? table[key]! : null;
}

/**
 * Monthly cost of one live resource from the shipped price table: compute (instance hours), storage (EBS, S3,
 * RDS GB-months) and network (NAT and load balancer hours, public IPv4, data transfer from `usage`). Stopped
 * instances cost their storage only. Usage figures (`storage_gb`, `data_transfer_out_gb`, `data_processed_gb`,
 * `ingest_gb`) come from the inventory item's `usage` object.
 */
export function estimateMonthlyCost(resource: Pick<LiveResource, 'type' | 'status' | 'attributes' | 'usage'>): CostEstimate {
  const a = resource.attributes;
  const usage = resource.usage ?? {};
  let compute = 0;
  let storage = 0;
  let network = (usage.data_transfer_out_gb ?? 0) * prices.data_transfer_out_gb;
  let priced = true;
  const notes: string[] = [];
  const stopped = ['stopped', 'stopping', 'terminated'].includes(resource.status) || ['stopped', 'terminated'].includes(str(a.instance_state));

  switch (resource.type) {
    case 'aws_instance': {
      const hourly = lookup(prices.ec2_hourly, str(a.instance_type));
      if (hourly === null) {
        priced = false;
        notes.push(`instance type ${str(a.instance_type) || '(none)'} is not in the price table`);
      } else if (!stopped) compute = hourly * HOURS;
      for (const device of blocks(a.root_block_device)) storage += num(device.volume_size) * (lookup(prices.ebs_gb_month, str(device.volume_type) || 'gp3') ?? prices.ebs_gb_month.gp3);
      for (const device of blocks(a.ebs_block_device)) storage += num(device.volume_size) * (lookup(prices.ebs_gb_month, str(device.volume_type) || 'gp3') ?? prices.ebs_gb_month.gp3);
      if (!stopped && (str(a.public_ip) || a.associate_public_ip_address === true)) network += prices.public_ipv4_hourly * HOURS;
      break;
    }
    case 'aws_ebs_volume': {
      const rate = lookup(prices.ebs_gb_month, str(a.type) || 'gp3');
      if (rate === null) priced = false;
      storage = num(a.size) * (rate ?? 0);
      break;
    }
    case 'aws_s3_bucket':
      storage = (usage.storage_gb ?? 0) * prices.s3_standard_gb_month;
      if (usage.storage_gb === undefined) notes.push('no storage_gb usage reported: storage counted as 0');
      break;
    case 'aws_db_instance': {
      const hourly = lookup(prices.rds_hourly_postgres_single_az, str(a.instance_class));
      const copies = a.multi_az === true ? 2 : 1;
      if (hourly === null) {
        priced = false;
        notes.push(`instance class ${str(a.instance_class) || '(none)'} is not in the price table`);
      } else if (!stopped) compute = hourly * HOURS * copies;
      storage = num(a.allocated_storage) * (lookup(prices.rds_storage_gb_month, str(a.storage_type) || 'gp2') ?? prices.rds_storage_gb_month.gp2) * copies;
      break;
    }
    case 'aws_nat_gateway':
      network += prices.nat_gateway_hourly * HOURS + (usage.data_processed_gb ?? 0) * prices.nat_gateway_gb_processed;
      break;
    case 'aws_lb':
    case 'aws_alb': {
      const hourly = lookup(prices.load_balancer_hourly, str(a.load_balancer_type) || 'application');
      if (hourly === null) priced = false;
      network += (hourly ?? 0) * HOURS;
      notes.push('load balancer capacity units (LCU) are not estimated');
      break;
    }
    case 'aws_eip':
      network += prices.public_ipv4_hourly * HOURS;
      break;
    case 'aws_cloudwatch_log_group':
      storage = (usage.storage_gb ?? 0) * prices.cloudwatch_logs_storage_gb_month + (usage.ingest_gb ?? 0) * prices.cloudwatch_logs_ingest_gb;
      break;
    default:
      notes.push(`${resource.type} has no direct charge in the price table`);
  }
  const breakdown = { compute: round(compute), storage: round(storage), network: round(network) };
  return { monthly: round(compute + storage + network), breakdown, priced, notes };
}
