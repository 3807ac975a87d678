import { readFileSync } from 'node:fs';
import { connect, credsAuthenticator, type NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { XentError } from '../errors.js';
import type { BrokerAddress } from './broker-address.js';

export interface Broker {
  nc: NatsConnection;
  js: JetStreamClient;
  jsm: JetStreamManager;
  kvm: Kvm;
  display: string;
  close(): Promise<void>;
}

export interface BrokerOptions {
  /** A NATS credentials file (JWT + NKey seed). */
  creds?: string;
  /** How long the first connection may take before giving up (ms). */
  timeoutMs?: number;
}

/**
 * Connects to the broker: fails within `timeoutMs` when it cannot be reached at start (a clear
 * error, never a hang), and once connected reconnects for ever, so a broker restarted mid-job
 * (file storage keeps the job) only pauses the workers.
 */
export async function connectBroker(address: BrokerAddress, options: BrokerOptions = {}): Promise<Broker> {
  let authenticator;
  if (options.creds !== undefined) {
    let creds: Uint8Array;
    try {
      creds = readFileSync(options.creds);
    } catch (error) {
      throw new XentError('INVALID_OPTION', `--nats-creds ${options.creds}: cannot read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    authenticator = credsAuthenticator(creds);
  }
  let nc: NatsConnection;
  try {
    nc = await connect({
      servers: address.servers,
      user: address.user,
      pass: address.pass,
      token: address.token,
      authenticator,
      timeout: options.timeoutMs ?? 5000,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 500,
      name: 'xent',
    });
  } catch (error) {
    throw new XentError('BROKER_UNAVAILABLE', `cannot reach NATS at ${address.display}: ${describe(error)}`, { cause: error });
  }
  try {
    const jsm = await jetstreamManager(nc, { timeout: options.timeoutMs ?? 5000 });
    return {
      nc,
      js: jetstream(nc),
      jsm,
      kvm: new Kvm(nc),
      display: address.display,
      close: async () => {
        await nc.drain().catch(() => nc.close());
      },
    };
  } catch (error) {
    await nc.close();
    throw new XentError('BROKER_UNAVAILABLE', `NATS at ${address.display} has no JetStream (start nats-server with -js): ${describe(error)}`, { cause: error });
  }
}

/** An error's message without anything that could hold credentials. */
export function describe(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/\/\/[^@/\s]*@/g, '//***@');
}
