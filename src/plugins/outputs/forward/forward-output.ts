import type { EventBatch, LogEvent } from '../../../record/event.js';
import type { FlushResult, OutputContext, OutputRuntime } from '../../../engine/plugin.js';
import { parseAccessorTemplate, renderAccessorTemplate, type TemplatePart } from '../../../record/template.js';
import type { RawValue } from '../../shared/forward/msgpack-bytes.js';
import type { ClientSecrets } from '../../shared/forward/secure-forward.js';
import { hostTlsOptions } from '../shared/tls-agent.js';
import { forwardMessage, messageModeMessages, type MessageSettings, type OutgoingMessage } from './messages.js';
import { tagReadsRecords, type ForwardOutputOptions } from './options.js';
import { ServerConnection, type ServerAddress } from './server-connection.js';

/** Longest wait for a handshake message or an ack when net.io_timeout is 0 (Fluent Bit waits without limit). */
export const DEFAULT_REPLY_TIMEOUT_MS = 60_000;

/** The ack a server sent, or why it is not one. */
function ackOf(msg: RawValue): string | undefined {
  if (!(msg instanceof Map)) return undefined;
  const ack = msg.get('ack');
  return Buffer.isBuffer(ack) ? ack.toString('utf8') : undefined;
}

/**
 * Sends batches to a Fluentd or Fluent Bit server over the forward protocol (Fluent Bit
 * `out_forward`). Connections are kept open and reused (net.keepalive); a failed connection, a
 * refused handshake or a missing or wrong ack answers retry, so the engine's retries apply.
 */
export class ForwardOutput implements OutputRuntime {
  private readonly settings: MessageSettings;
  private readonly address: ServerAddress;
  private readonly secrets: ClientSecrets | undefined;
  private readonly replyTimeout: number;
  private readonly tagTemplate: readonly TemplatePart[] | undefined;
  private readonly perRecordTag: boolean;
  private readonly idle: ServerConnection[] = [];
  private readonly busy = new Set<ServerConnection>();
  private stopped = false;

  constructor(
    private readonly o: ForwardOutputOptions,
    _ctx: OutputContext,
  ) {
    const extraOptions = (o.add_option ?? []).map(([k, v]) => [k, v] as const);
    const gzip = o.compress === 'gzip';
    this.settings = {
      timeAsInteger: o.time_as_integer,
      retainMetadata: o.retain_metadata_in_forward_mode,
      sendOptions: o.send_options || o.require_ack_response || gzip || extraOptions.length > 0,
      requireAck: o.require_ack_response,
      gzip,
      extraOptions,
    };
    this.address = {
      host: o.host,
      port: o.port,
      ...(o.unix_path !== undefined ? { unixPath: o.unix_path } : {}),
      ...(o.tls ? { tls: hostTlsOptions(o) } : {}),
      ...(o['net.source_address'] !== undefined ? { sourceAddress: o['net.source_address'] } : {}),
      connectTimeout: o['net.connect_timeout'],
    };
    const sharedKey = o.empty_shared_key ? '' : o.shared_key;
    this.secrets = sharedKey === undefined ? undefined : { sharedKey, selfHostname: o.self_hostname, username: o.username, password: o.password };
    this.replyTimeout = o['net.io_timeout'] > 0 ? o['net.io_timeout'] : DEFAULT_REPLY_TIMEOUT_MS;
    const template = o.tag !== undefined ? parseAccessorTemplate(o.tag) : undefined;
    this.tagTemplate = template?.ok ? template.parts : undefined;
    this.perRecordTag = tagReadsRecords(o.tag);
  }

  private where(): string {
    return this.o.unix_path !== undefined ? `unix://${this.o.unix_path}` : `${this.o.host}:${this.o.port}`;
  }

  private tagFor(tag: string, record: LogEvent['record'] = {}): string {
    if (this.o.tag === undefined) return tag;
    return this.tagTemplate ? renderAccessorTemplate(this.tagTemplate, tag, record) : this.o.tag;
  }

  async flush(batch: EventBatch): Promise<FlushResult> {
    if (batch.events.length === 0) return { status: 'ok' };
    const messages: OutgoingMessage[] = this.perRecordTag
      ? messageModeMessages(batch.events, (e) => this.tagFor(batch.tag, e.record), this.settings)
      : [forwardMessage(this.tagFor(batch.tag), batch.events, this.settings)];
    let conn: ServerConnection;
    try {
      conn = await this.connection();
    } catch (err) {
      return { status: 'retry', reason: `${this.where()}: ${(err as Error).message}` };
    }
    try {
      for (const m of messages) {
        await conn.write(m.bytes);
        if (m.chunk !== undefined) {
          const ack = ackOf(await conn.read(this.replyTimeout, `ack of chunk ${m.chunk}`));
          if (ack !== m.chunk) throw new Error(ack === undefined ? `the server answered chunk ${m.chunk} with something that is not an ack` : `ack ${ack} does not match chunk ${m.chunk}`);
        }
      }
    } catch (err) {
      this.release(conn, false);
      return { status: 'retry', reason: `${this.where()}: ${(err as Error).message}` };
    }
    this.release(conn, true);
    return { status: 'ok' };
  }

  /** An idle open connection, or a new one (handshake done). */
  private async connection(): Promise<ServerConnection> {
    for (let c = this.idle.pop(); c; c = this.idle.pop()) {
      if (c.usable) {
        this.busy.add(c);
        return c;
      }
      c.destroy();
    }
    const c = await ServerConnection.open(this.address, this.secrets, this.replyTimeout);
    this.busy.add(c);
    return c;
  }

  private release(c: ServerConnection, ok: boolean): void {
    this.busy.delete(c);
    if (ok && this.o['net.keepalive'] && !this.stopped && c.usable) this.idle.push(c);
    else c.destroy();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const c of this.idle.splice(0)) c.destroy();
  }
}
