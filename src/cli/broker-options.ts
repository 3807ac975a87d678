import type { Argv } from 'yargs';

/** Options every JetStream command takes. */
export function withBrokerOptions<T>(yargs: Argv<T>) {
  return yargs
    .option('nats', {
      type: 'string',
      demandOption: 'Give the broker: --nats nats://host:4222',
      describe: 'NATS server with JetStream: nats://[user:password@|token@]host:port (credentials are never printed)',
    })
    .option('nats-creds', { type: 'string', describe: 'A NATS credentials file (JWT and NKey seed)' })
    .option('connect-timeout', { type: 'number', default: 5, describe: 'Seconds to wait for the broker at start before giving up (exit 69)' });
}
