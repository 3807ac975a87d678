import { describe, expect, it } from 'vitest';
import { parseBrokerAddress } from '../../src/distributed/broker-address.js';
import { parseSize } from '../../src/cli/submit-command.js';

describe('parseBrokerAddress', () => {
  it('takes user:password or a token out of the URL; the printable form has none', () => {
    expect(parseBrokerAddress('nats://alice:pw%40x@10.0.0.5:4223')).toEqual({ servers: '10.0.0.5:4223', user: 'alice', pass: 'pw@x', display: 'nats://10.0.0.5:4223' });
    expect(parseBrokerAddress('nats://s3cr3t@host')).toEqual({ servers: 'host:4222', token: 's3cr3t', display: 'nats://host:4222' });
    expect(parseBrokerAddress('127.0.0.1:4222')).toEqual({ servers: '127.0.0.1:4222', display: 'nats://127.0.0.1:4222' });
  });

  it('refuses other schemes without echoing credentials', () => {
    expect(() => parseBrokerAddress('http://u:secret@h:1')).toThrow(/expected nats:\/\/host:port, got http:\/\/\*\*\*@h:1/);
  });
});

describe('parseSize', () => {
  it('reads sizes in powers of 1024', () => {
    expect(parseSize('256MB')).toBe(256 * 1024 * 1024);
    expect(parseSize('1.5kb')).toBe(1536);
    expect(parseSize('4096')).toBe(4096);
    expect(() => parseSize('lots')).toThrow(/--shard-size/);
  });
});
