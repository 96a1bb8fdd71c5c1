import { describe, expect, it } from 'vitest';
import { canonicalEmail, normalizeEmail } from '../src/domain/email.js';

describe('email addresses', () => {
  it('keeps a plain addr-spec: trimmed, local part lower-cased, domain in its ASCII form', () => {
    expect(canonicalEmail(' Kate@Example.COM ')).toBe('kate@example.com');
    expect(canonicalEmail("o'neil+tag@sub.example.co.uk")).toBe("o'neil+tag@sub.example.co.uk");
    expect(canonicalEmail('a@x.io')).toBe('a@x.io');
  });

  it('answers the same when asked again (results are cached by the raw address), valid or not', () => {
    for (let i = 0; i < 3; i++) {
      expect(canonicalEmail(' Repeat@Example.COM ')).toBe('repeat@example.com');
      expect(canonicalEmail('Repeat <repeat@example.com>')).toBeNull();
      expect(() => normalizeEmail('not an address')).toThrow();
    }
  });

  it('refuses address-list and mailbox syntax: the stored invitee must be the SMTP recipient', () => {
    for (const raw of [
      'foo<victim@x.com>',
      'foo <victim@x.com>',
      '<victim@x.com>',
      'a@b.c,d',
      'a@b.c, d@e.f',
      'a@b.c;d@e.f',
      'a@b.c>',
      'a(comment)@x.com',
      'a@x.com (comment)',
      '"a b"@x.com',
      '"a"@x.com',
      'a@[127.0.0.1]',
      'group: a@x.com;',
      'a@b@c.com',
      'a..b@x.com',
      '.a@x.com',
      'a.@x.com',
      '@x.com',
      'a@',
      'a@x',
      'a@x.com.',
      'a@1.2.3.4',
      'a@-x.com',
      'a@x_y.com',
      'a\u0000@x.com',
      `${'a'.repeat(65)}@x.com`,
      `a@${'b'.repeat(64)}.com`,
    ]) {
      expect([raw, canonicalEmail(raw)]).toEqual([raw, null]);
    }
  });

  it('refuses non-ASCII local parts (no lookalikes), KELVIN SIGN and fullwidth letters included', () => {
    expect(canonicalEmail('\u212Aate@example.com')).toBeNull(); // KELVIN SIGN, which toLowerCase() folds to k
    expect(canonicalEmail('ｋate@example.com')).toBeNull(); // FULLWIDTH K, which NFKC folds to k
    expect(canonicalEmail('kate@ｅxample.com')).toBeNull(); // no host name: refused, not mapped
    expect(canonicalEmail('josé@example.com')).toBeNull();
  });

  it('maps IDN domains with UTS #46 (non-transitional, STD3): one stored form per domain', () => {
    expect(canonicalEmail('jo@münchen.de')).toBe('jo@xn--mnchen-3ya.de');
    expect(canonicalEmail('jo@MÜNCHEN.de')).toBe('jo@xn--mnchen-3ya.de');
    expect(canonicalEmail('jo@xn--mnchen-3ya.de')).toBe('jo@xn--mnchen-3ya.de');
    expect(canonicalEmail('kate@boo\u212A.com')).toBe('kate@book.com'); // KELVIN SIGN maps to k
    expect(canonicalEmail('a@faß.de')).toBe('a@xn--fa-hia.de'); // non-transitional: ß stays ß
    expect(canonicalEmail('a@xn--a.com')).toBeNull(); // not a valid A-label
  });

  it('answers 422 form_param_format_invalid, naming the parameter', () => {
    try {
      normalizeEmail('foo<victim@x.com>', 'email_address');
      expect.unreachable();
    } catch (err) {
      expect(err).toMatchObject({
        status: 422,
        errors: [{ code: 'form_param_format_invalid', meta: { param_name: 'email_address' } }],
      });
    }
  });
});
