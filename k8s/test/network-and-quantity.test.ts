import { describe, expect, it } from 'vitest';
import { cidrContains, ipv4ToNumber } from '../src/ipv4.js';
import { parseQuantity } from '../src/quantity.js';

describe('cidrContains', () => {
  it.each([
    ['10.0.0.0/16', '10.0.255.255', true],
    ['10.0.0.0/16', '10.1.0.0', false],
    ['10.0.2.133/32', '10.0.2.133', true],
    ['10.0.2.133/32', '10.0.2.134', false],
    ['0.0.0.0/0', '203.0.113.9', true],
    ['10.0.0.0/16', 'node-1.internal', false],
    ['10.0.0.0/16', '10.0.0.256', false],
    ['10.0.0.0/33', '10.0.0.1', false],
  ])('%s contains %s: %s', (cidr, address, expected) => {
    expect(cidrContains(cidr, address)).toBe(expected);
  });

  it('reads dotted quads only', () => {
    expect(ipv4ToNumber('1.2.3.4')).toBe(16909060);
    expect(ipv4ToNumber('1.2.3')).toBeNull();
  });
});

describe('parseQuantity', () => {
  it.each([
    ['100m', 0.1],
    ['1', 1],
    ['0.5', 0.5],
    ['128Mi', 128 * 2 ** 20],
    ['1Gi', 2 ** 30],
    ['1G', 1e9],
  ])('%s is %d', (quantity, value) => {
    expect(parseQuantity(quantity)).toBeCloseTo(value);
  });

  it('names the quantity it cannot read', () => {
    expect(() => parseQuantity('lots')).toThrow("Invalid quantity 'lots'");
  });
});
