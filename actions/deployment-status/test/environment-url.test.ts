import { describe, expect, it } from 'vitest';
import { environmentUrl } from '../src/environment-url.js';

const values = { namespace: 'shop-preview-feature-cart', environment: 'preview' };

describe('environmentUrl()', () => {
  it.each([
    ['', undefined],
    ['https://shop.example.com', 'https://shop.example.com'],
    ['https://{namespace}.preview.example.com', 'https://shop-preview-feature-cart.preview.example.com'],
    [
      'http://127.0.0.1:8080/{environment}/{namespace}/',
      'http://127.0.0.1:8080/preview/shop-preview-feature-cart/',
    ],
  ])('%s → %s', (template, expected) => {
    expect(environmentUrl(template, values)).toBe(expected);
  });

  it.each([
    ['https://{branch}.example.com', "'{branch}' is neither"],
    ['javascript:alert(1)', 'Expected an http(s) URL'],
    ['ftp://example.com', 'Expected an http(s) URL'],
    ['not a url', 'Expected an http(s) URL'],
  ])('refuses %s', (template, message) => {
    expect(() => environmentUrl(template, values)).toThrow(message);
  });
});
