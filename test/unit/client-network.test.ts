/** Who an IP address counts as for the self-serve per-IP limit (core/access.ts clientNetwork, ipWindow). */
import { describe, expect, it } from 'vitest';
import { clientNetwork, ipWindow, limitsFrom } from '../../lambdas/core/access.js';

describe('clientNetwork', () => {
  it('keeps an IPv4 address, and reads an IPv4-mapped IPv6 one as IPv4', () => {
    expect(clientNetwork('192.0.2.10')).toBe('192.0.2.10');
    expect(clientNetwork('::ffff:192.0.2.10')).toBe('192.0.2.10');
    expect(clientNetwork('::FFFF:198.51.100.7')).toBe('198.51.100.7');
  });

  it('groups IPv6 addresses by their /64, however they are written', () => {
    const network = '2001:db8:85a3:8d3::/64';
    for (const ip of [
      '2001:db8:85a3:8d3:1319:8a2e:370:7348',
      '2001:0db8:85a3:08d3:0000:0000:0000:0001',
      '2001:DB8:85A3:8D3::1',
      '2001:db8:85a3:8d3::',
    ]) {
      expect(clientNetwork(ip), ip).toBe(network);
    }
    expect(clientNetwork('2001:db8:85a3:8d4::1')).not.toBe(network);
    expect(clientNetwork('::1')).toBe('0:0:0:0::/64');
    expect(clientNetwork('2001:db8::1')).toBe('2001:db8:0:0::/64');
  });

  it('leaves what is not an address as given', () => {
    for (const odd of ['unknown', '1:2:3', 'zz::1', '1::2::3']) expect(clientNetwork(odd)).toBe(odd);
  });

  it('counts one /64 in one window, and another /64 in another', () => {
    const now = new Date('2026-12-02T10:00:00Z');
    const limits = limitsFrom({});
    const counter = (ip: string) => ipWindow(now, ip, limits, 'key').counter;
    expect(counter('2001:db8:1:2::a')).toBe(counter('2001:db8:1:2:ffff::b'));
    expect(counter('2001:db8:1:3::a')).not.toBe(counter('2001:db8:1:2::a'));
    expect(counter('::ffff:192.0.2.1')).toBe(counter('192.0.2.1'));
  });
});
