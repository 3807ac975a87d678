import { gzipSync } from 'node:zlib';
import type { KV } from '@nats-io/kv';
import { CorpusAccumulator, type AccumulatorOptions } from '../aggregate/corpus-accumulator.js';
import type { AccumulatorState } from '../aggregate/corpus-state.js';
import { XentError } from '../errors.js';
import { settingsOf, type FileState, type ReportState } from '../state/report-state.js';
import { encodeState } from '../state/state-envelope.js';
import type { BrokerAddress } from './broker-address.js';
import { connectBroker, describe, type Broker } from './broker.js';

/** What a daemon's checkpoint holds, as LogWatcher's onCommit hands it over. */
export interface CommittedFiles {
  files: readonly { path: string; offset: number; accumulator: AccumulatorState }[];
  retired: { files: number; accumulator: AccumulatorState } | null;
}

export function checkNodeId(node: string): string {
  if (!/^[A-Za-z0-9_-]{1,128}$/.test(node)) throw new XentError('INVALID_OPTION', `Expected \`--node\` to be letters, digits, _ or -, got ${JSON.stringify(node)}`);
  return node;
}

/**
 * A daemon's committed state as a state file's payload: one entry per followed file, named
 * `node:path@offset` (so the fleet report says where each figure comes from and how far it read),
 * with its open sequences closed, as `xent report` closes them at the end of a file.
 */
export function fleetState(node: string, committed: CommittedFiles, options: AccumulatorOptions): ReportState {
  const files: FileState[] = [];
  const closed = (state: AccumulatorState): AccumulatorState => {
    const a = CorpusAccumulator.fromJSON(state, options);
    a.finish();
    return a.toJSON();
  };
  if (committed.retired !== null) files.push({ file: `${node}:(${committed.retired.files} rotated files)`, status: 'ok', accumulator: closed(committed.retired.accumulator) });
  for (const f of committed.files) files.push({ file: `${node}:${f.path}@${f.offset}`, status: 'ok', accumulator: closed(f.accumulator) });
  return { settings: settingsOf(options), files };
}

/**
 * Puts a daemon's newest committed state into a KV bucket under its node id, in the background:
 * `publish` never blocks nor throws, so a broker that is down never stops tailing or local
 * checkpoints. Only the newest state waits to be sent; it goes out when the broker comes back.
 */
export class FleetPublisher {
  private pending: Uint8Array | undefined;
  private running: Promise<void> | undefined;
  private broker: Broker | undefined;
  private kv: KV | undefined;
  private closed = false;

  constructor(
    private readonly address: BrokerAddress,
    private readonly bucket: string,
    private readonly node: string,
    private readonly warn: (message: string) => void,
    private readonly creds?: string,
  ) {}

  publish(state: ReportState): void {
    this.pending = gzipSync(encodeState(state));
    this.running ??= this.send().finally(() => (this.running = undefined));
  }

  private async send(): Promise<void> {
    let failures = 0;
    while (this.pending !== undefined && !this.closed) {
      const bytes = this.pending;
      try {
        this.broker ??= await connectBroker(this.address, { creds: this.creds, timeoutMs: 3000 });
        this.kv ??= await this.broker.kvm.create(this.bucket, { history: 1 });
        await this.kv.put(this.node, bytes);
        if (this.pending === bytes) this.pending = undefined;
        if (failures > 0) this.warn(`publishing to ${this.address.display} again`);
        failures = 0;
      } catch (error) {
        if (failures++ === 0) this.warn(`cannot publish to ${this.address.display} (${describe(error)}); local tailing and checkpoints go on, retrying`);
        await new Promise((resolve) => setTimeout(resolve, Math.min(5000, 500 * failures)));
      }
    }
  }

  async close(): Promise<void> {
    // One last try for the final state, bounded so a dead broker cannot hold up shutdown.
    await Promise.race([this.running, new Promise((resolve) => setTimeout(resolve, 3000))]);
    this.closed = true;
    await this.broker?.close().catch(() => undefined);
  }
}

export interface FleetNode {
  node: string;
  state: ReportState;
  /** When the node last published. */
  time: Date;
}

/** Every node's newest state in a bucket. */
export async function readFleet(broker: Broker, bucket: string, parse: (bytes: Uint8Array, name: string) => ReportState): Promise<FleetNode[]> {
  let kv: KV;
  try {
    kv = await broker.kvm.open(bucket);
    await kv.status();
  } catch {
    throw new XentError('INVALID_STATE', `no bucket ${JSON.stringify(bucket)} on ${broker.display} (daemons create it with xent watch --publish)`);
  }
  const nodes: FleetNode[] = [];
  const keys: string[] = [];
  for await (const key of await kv.keys()) keys.push(key);
  for (const key of keys.sort()) {
    const entry = await kv.get(key);
    if (entry === null || entry.operation !== 'PUT') continue;
    nodes.push({ node: key, state: parse(entry.value, `node ${key} in bucket ${bucket}`), time: entry.created });
  }
  return nodes;
}
