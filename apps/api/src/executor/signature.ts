import { createHmac, timingSafeEqual } from 'node:crypto';

/** `X-Zer08-Signature` value: `v1=` + hex HMAC-SHA256(secret, `${timestamp}.${body}`). */
export function signDelivery(secret: string, timestampSeconds: number, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestampSeconds}.${body}`).digest('hex')}`;
}

/**
 * The receiver's check, exactly as docs/scheduler.md prints it: recompute over the raw
 * body, compare in constant time, refuse stale timestamps (replays).
 */
export function verifyDelivery(
  secret: string,
  headers: { timestamp: string | undefined; signature: string | undefined },
  rawBody: string,
  toleranceSeconds = 300,
  nowSeconds = Math.floor(Date.now() / 1000),
): boolean {
  const timestamp = Number(headers.timestamp);
  if (!Number.isInteger(timestamp) || Math.abs(nowSeconds - timestamp) > toleranceSeconds) return false;
  const expected = Buffer.from(`v1=${createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest('hex')}`);
  const received = Buffer.from(headers.signature ?? '');
  return received.length === expected.length && timingSafeEqual(received, expected);
}
