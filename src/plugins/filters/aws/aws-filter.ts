import type { LogEvent, LogRecord } from '../../../record/event.js';
import type { FilterContext, FilterRuntime } from '../../../engine/plugin.js';
import { setField } from '../../../parsers/runtime/types.js';
import { ShapePlanner } from '../shared/shape-plan.js';
import { ImdsClient, ImdsStatusError, ImdsUnreachableError, imdsEndpoint } from './imds-client.js';
import type { AwsOptions } from './options.js';

/** Paths as Fluent Bit requests them (include/fluent-bit/aws/flb_aws_imds.h). */
const PATH = {
  instanceId: '/latest/meta-data/instance-id/',
  az: '/latest/meta-data/placement/availability-zone/',
  instanceType: '/latest/meta-data/instance-type/',
  privateIp: '/latest/meta-data/local-ipv4/',
  amiId: '/latest/meta-data/ami-id/',
  document: '/latest/dynamic/instance-identity/document/',
  hostname: '/latest/meta-data/hostname/',
  mac: '/latest/meta-data/mac/',
  macs: '/latest/meta-data/network/interfaces/macs',
  tags: '/latest/meta-data/tags/instance',
} as const;

type Field = 'az' | 'ec2_instance_id' | 'ec2_instance_type' | 'private_ip' | 'vpc_id' | 'ami_id' | 'account_id' | 'hostname';

/** One metadata group of aws.c: fetched until it succeeds, retried at most every retry_interval_s. */
interface Group {
  readonly name: string;
  /** Whether the filter needs it (its key switch on, or enable_entity for the entity group). */
  readonly wanted: boolean;
  done: boolean;
  /** Date.now() of the last attempt; 0 = never. */
  lastAttempt: number;
  readonly fetch: () => Promise<void>;
}

/** Record keys in the order aws.c appends them. */
const KEY_ORDER: readonly Field[] = ['az', 'ec2_instance_id', 'ec2_instance_type', 'private_ip', 'vpc_id', 'ami_id', 'account_id', 'hostname'];

/**
 * Fluent Bit's aws filter (plugins/filter_aws/aws.c). Metadata is read once, per group (instance
 * id, account id, type, private IP, VPC id, AMI id, hostname, zone, tags; each only when its key is
 * switched on) and kept: the keys of the groups read so far are appended to every record, after
 * its own keys, in aws.c's order (az, ec2_instance_id, ec2_instance_type, private_ip, vpc_id,
 * ami_id, account_id, hostname, the enabled tags as `<tag key>: <value>` in IMDS order, then with
 * enable_entity aws_entity_ec2_instance_id and aws_entity_account_id). A key the record already has
 * is moved to the end with the metadata value (Fluent Bit appends a duplicate key, the last one read
 * wins), as record_modifier does.
 *
 * The first fetch starts with the first batch, which waits for it: Fluent Bit fetches in its init,
 * so the first records carry the metadata in both, but a filter whose Match never sees a record
 * (the host pipeline in a test run, the demo) makes no request at all. A group that fails is retried at a batch once retry_interval_s has passed
 * since its last attempt, and that batch waits for the retry (as Fluent Bit's filter callback does);
 * meanwhile records pass with the keys read so far, never dropped. Once everything is read, the hot
 * path is synchronous: one planned key append per record shape.
 *
 * Differences from Fluent Bit: Fluent Bit 4.1+ (since enable_entity) marks the metadata as retrieved
 * after the first attempt even when a group failed, so it never retries; logferry retries as
 * retry_interval_s documents. When the IMDS cannot be reached at all, the other groups of that round
 * are not tried one by one (each would wait for its own timeout). Failures are counted
 * (`imds_errors`, one per group and attempt) and logged once at warn, then at debug.
 */
export class AwsFilter implements FilterRuntime {
  private readonly client: ImdsClient;
  private readonly groups: Group[];
  private readonly retryMs: number;
  private readonly values = new Map<Field, string>();
  /** instance id and account id for the entity keys (read by their groups or by the entity group). */
  private instanceId: string | undefined;
  private accountId: string | undefined;
  private tags: [string, string][] = [];
  private retrieved = false;
  private pending: Promise<void> | undefined;
  private planner: ShapePlanner | undefined;
  private adds: readonly [string, string][] = [];
  private warned = false;
  private failedBefore = false;
  private stopped = false;

  constructor(
    o: AwsOptions,
    private readonly ctx: FilterContext,
  ) {
    this.client = new ImdsClient(imdsEndpoint(), o.imds_version);
    this.retryMs = o.retry_interval_s * 1000;
    const include = ctx.isSet('tags_include') ? o.tags_include : undefined;
    const exclude = include === undefined && ctx.isSet('tags_exclude') ? o.tags_exclude : undefined;
    const field = (name: Field, wanted: boolean, read: () => Promise<string>): Group => ({
      name,
      wanted,
      done: false,
      lastAttempt: 0,
      fetch: async () => {
        const value = await read();
        this.values.set(name, value);
        if (name === 'ec2_instance_id') this.instanceId = value;
        if (name === 'account_id') this.accountId = value;
      },
    });
    // aws.c's get_ec2_metadata order.
    this.groups = [
      field('ec2_instance_id', o.ec2_instance_id, () => this.client.get(PATH.instanceId)),
      field('account_id', o.account_id, () => this.readAccountId()),
      field('ec2_instance_type', o.ec2_instance_type, () => this.client.get(PATH.instanceType)),
      field('private_ip', o.private_ip, () => this.client.get(PATH.privateIp)),
      field('vpc_id', o.vpc_id, () => this.readVpcId()),
      field('ami_id', o.ami_id, () => this.client.get(PATH.amiId)),
      field('hostname', o.hostname, () => this.client.get(PATH.hostname)),
      field('az', o.az, () => this.client.get(PATH.az)),
      { name: 'tags', wanted: o.tags_enabled, done: false, lastAttempt: 0, fetch: () => this.readTags(include, exclude) },
      {
        name: 'entity',
        wanted: o.enable_entity,
        done: false,
        lastAttempt: 0,
        fetch: async () => {
          this.accountId ??= await this.readAccountId();
          this.instanceId ??= await this.client.get(PATH.instanceId);
        },
      },
    ];
    for (const g of this.groups) if (!g.wanted) g.done = true;
    this.retrieved = this.groups.every((g) => g.done);
  }

  filter(_tag: string, events: LogEvent[]): LogEvent[] | Promise<LogEvent[]> {
    if (!this.retrieved && !this.stopped) {
      if (this.pending === undefined && this.groups.some((g) => this.due(g))) this.pending = this.fetchDue();
      if (this.pending !== undefined) return this.pending.then(() => this.apply(events));
    }
    return this.apply(events);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.client.close();
    await this.pending;
  }

  /** Appends the keys read so far to each record. */
  private apply(events: LogEvent[]): LogEvent[] {
    const planner = this.planner;
    if (planner === undefined) return events;
    for (let i = 0; i < events.length; i++) {
      const e = events[i]!;
      e.record = planner.apply(e.record);
    }
    return events;
  }

  private due(g: Group): boolean {
    if (g.done) return false;
    // ec2_metadata_group_should_fetch: no interval (0) means every time.
    return this.retryMs <= 0 || g.lastAttempt === 0 || Date.now() - g.lastAttempt >= this.retryMs;
  }

  /** One round over the groups that are due, in aws.c's order; never rejects. */
  private fetchDue(): Promise<void> {
    const round = async () => {
      const requestsBefore = this.client.requests;
      const failed: string[] = [];
      let firstError: unknown;
      let unreachable = false;
      for (const g of this.groups) {
        if (!this.due(g)) continue;
        g.lastAttempt = Date.now();
        if (unreachable || this.stopped) {
          failed.push(g.name);
          continue;
        }
        try {
          await g.fetch();
          g.done = true;
        } catch (err) {
          failed.push(g.name);
          firstError ??= err;
          if (err instanceof ImdsUnreachableError) unreachable = true;
        }
      }
      this.ctx.counters.add('imds_requests', this.client.requests - requestsBefore);
      if (failed.length > 0) this.ctx.counters.add('imds_errors', failed.length);
      this.afterRound(failed, firstError);
    };
    return round().finally(() => {
      this.pending = undefined;
    });
  }

  private afterRound(failed: readonly string[], error: unknown): void {
    this.retrieved = this.groups.every((g) => g.done);
    this.rebuild();
    if (failed.length > 0 && !this.stopped) {
      const reason = error instanceof Error ? error.message : String(error);
      const message =
        `cannot read EC2 instance metadata (${failed.join(', ')}) from ${this.client.endpoint}: ${reason}; ` +
        `records pass without ${failed.length === 1 ? 'it' : 'them'}, next attempt in ${Math.max(0, this.retryMs / 1000)} s`;
      if (this.warned) this.ctx.log.debug(message);
      else this.ctx.log.warn(message);
      this.warned = true;
      this.failedBefore = true;
    } else if (this.retrieved && this.failedBefore) {
      this.ctx.log.info('EC2 instance metadata read; records carry it from now on');
    }
  }

  /** The keys to append, in aws.c's order, and a planner for them. */
  private rebuild(): void {
    const adds: [string, string][] = [];
    for (const k of KEY_ORDER) {
      const v = this.values.get(k);
      if (v !== undefined) adds.push([k, v]);
    }
    for (const t of this.tags) adds.push(t);
    const entity = this.groups.find((g) => g.name === 'entity')!;
    if (entity.wanted && this.instanceId !== undefined && this.accountId !== undefined) {
      adds.push(['aws_entity_ec2_instance_id', this.instanceId], ['aws_entity_account_id', this.accountId]);
    }
    if (sameAdds(adds, this.adds)) return;
    this.adds = adds;
    this.planner =
      adds.length === 0
        ? undefined
        : new ShapePlanner((shape: LogRecord) => {
            for (const [k, v] of adds) {
              if (Object.hasOwn(shape, k)) delete shape[k];
              setField(shape, k, v);
            }
            return shape;
          });
  }

  /** accountId of the instance identity document (flb_json_get_val); "NULL" when it has none, as Fluent Bit writes. */
  private async readAccountId(): Promise<string> {
    const text = await this.client.get(PATH.document);
    let value: unknown;
    try {
      value = (JSON.parse(text) as Record<string, unknown>)['accountId'];
    } catch {
      value = undefined;
    }
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
    this.ctx.log.error('accountId is undefined in EC2 instance');
    return 'NULL';
  }

  /** flb_aws_imds_get_vpc_id: the MAC of the primary interface, then that interface's vpc-id. */
  private async readVpcId(): Promise<string> {
    const mac = await this.client.get(PATH.mac);
    return this.client.get(`${PATH.macs}/${mac}/vpc-id/`);
  }

  /**
   * get_ec2_tags: the tag keys (one a line; 404 means no tags or tags not exposed, which is final),
   * then each value (any failure fails the group), then tags_include / tags_exclude.
   */
  private async readTags(include: readonly string[] | undefined, exclude: readonly string[] | undefined): Promise<void> {
    let list: string;
    try {
      list = await this.client.get(PATH.tags);
    } catch (err) {
      if (err instanceof ImdsStatusError && err.status === 404) {
        this.ctx.log.warn(
          'EC2 instance metadata tag request returned 404. This likely indicates your instance has no tags or the EC2 tagging metadata API is not enabled',
        );
        this.tags = [];
        return;
      }
      throw err;
    }
    if (list.length === 0) throw new ImdsStatusError(`${PATH.tags} (empty answer)`, 200);
    const keys = list.split('\n').filter((k) => k.length > 0);
    const tags: [string, string][] = [];
    for (const key of keys) {
      const value = await this.client.get(`${PATH.tags}/${key}`);
      const enabled = include !== undefined ? include.includes(key) : exclude !== undefined ? !exclude.includes(key) : true;
      this.ctx.log.debug(`found tag ${key} which is included=${enabled ? 1 : 0}`);
      if (enabled) tags.push([key, value]);
    }
    this.tags = tags;
  }
}

function sameAdds(a: readonly [string, string][], b: readonly [string, string][]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i]![0] !== b[i]![0] || a[i]![1] !== b[i]![1]) return false;
  return true;
}
