import { XentError } from '../errors.js';

/** Where the broker is and how to log in, with a form safe to print (credentials never are). */
export interface BrokerAddress {
  servers: string;
  user?: string;
  pass?: string;
  token?: string;
  /** The URL without user, password or token: the only form that appears in messages. */
  display: string;
}

/**
 * Parses `--nats URL`: nats://host:port, with an optional user:password@ or token@ (a user name
 * without a password is a token, as the NATS tools read it). The credentials are taken out of the
 * URL here so that nothing downstream can print them.
 */
export function parseBrokerAddress(url: string): BrokerAddress {
  const text = /^[a-z]+:\/\//i.test(url) ? url : `nats://${url}`;
  let parsed: URL;
  try {
    parsed = new URL(text);
  } catch {
    throw new XentError('INVALID_OPTION', `--nats: not a URL (expected nats://host:port): ${redact(url)}`);
  }
  if (!['nats:', 'tls:', 'ws:', 'wss:'].includes(parsed.protocol) || parsed.hostname === '') {
    throw new XentError('INVALID_OPTION', `--nats: expected nats://host:port, got ${redact(url)}`);
  }
  const port = parsed.port === '' ? '4222' : parsed.port;
  const address: BrokerAddress = { servers: `${parsed.hostname}:${port}`, display: `${parsed.protocol}//${parsed.hostname}:${port}` };
  const user = decodeURIComponent(parsed.username);
  const pass = decodeURIComponent(parsed.password);
  if (user !== '' && pass !== '') {
    address.user = user;
    address.pass = pass;
  } else if (user !== '') {
    address.token = user;
  }
  return address;
}

/** A URL with whatever sits before an @ replaced, for messages about URLs that did not parse. */
export function redact(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//***@');
}
