import addressparser from 'nodemailer/lib/addressparser';
import { toASCII } from 'tr46';
import isEmailModule from 'validator/lib/isEmail.js';
import { invalidParam } from './errors.js';

// validator's CommonJS module is the function, and its `default` property too: so this holds under ESM
// interop (the default import is module.exports) and CJS interop (the default import is `.default`).
const isEmail = isEmailModule.default;

const MAX_INPUT = 320;
/** RFC 5321: a path of at most 256 octets, 254 without the angle brackets. */
const MAX_ADDRESS = 254;

/**
 * A plain RFC 5322 addr-spec and nothing else: no display name (`foo <a@b.c>`), no quoted local part, no
 * IP-literal domain, a top-level domain, RFC 5321 lengths (64 for the local part). `validator` refuses
 * list syntax (`a@b.c,d`) and stray brackets as it checks the domain as a host name.
 */
const ADDR_SPEC = {
  allow_display_name: false,
  allow_utf8_local_part: false,
  require_tld: true,
  allow_ip_domain: false,
  allow_underscores: false,
  domain_specific_validation: false,
  blacklisted_chars: '"',
  ignore_max_length: false,
} as const;

/**
 * UTS #46 (non-transitional, as browsers and registries do now), strict: letters, digits and hyphens
 * only (STD3), no leading or trailing hyphen, DNS lengths, bidi and joiner rules. So `boo\u212A.com`
 * (KELVIN SIGN) maps to `book.com` and `münchen.de` to `xn--mnchen-3ya.de`.
 */
const UTS46 = {
  checkBidi: true,
  checkHyphens: true,
  checkJoiners: true,
  useSTD3ASCIIRules: true,
  transitionalProcessing: false,
  verifyDNSLength: true,
} as const;

// Domains repeat (a few providers hold most addresses) and UTS #46 processing costs tens of µs.
const DOMAIN_CACHE_MAX = 1024;
const domainCache = new Map<string, string | null>();

/** The domain's ASCII form; null when UTS #46 refuses it or it is not a host name with a TLD. */
export function asciiDomain(domain: string): string | null {
  let ascii = domainCache.get(domain);
  if (ascii === undefined) {
    ascii = toASCII(domain, UTS46);
    // A dotted name whose last label is not all digits (`a@1.2.3.4` is not a host name).
    if (!ascii || !/\.[^.]*[^\d.][^.]*$/.test(ascii)) ascii = null;
    if (domainCache.size >= DOMAIN_CACHE_MAX) domainCache.clear();
    domainCache.set(domain, ascii);
  }
  return ascii;
}

/**
 * The address in its one stored form, or null when it is not one Invitekit accepts:
 * - a plain addr-spec, alone (`validator`'s isEmail, ADDR_SPEC above);
 * - the local part is ASCII. A non-ASCII local part (SMTPUTF8) is refused rather than normalised: NFKC
 *   or case folding would make a lookalike (`Kate` written with U+212A KELVIN SIGN) equal to someone
 *   else's address, and few mail systems deliver to one anyway. It is lower-cased (RFC 5321 local parts
 *   are case-sensitive in theory; every mainstream provider and Clerk treat them as case-insensitive);
 * - the domain goes through UTS #46 (`tr46`) to its ASCII form (A-labels, lower case);
 * - nodemailer, which sends the email, must parse the result as exactly this one address.
 * The result is ASCII, so addresses compare as plain strings.
 */
export function canonicalEmail(raw: string): string | null {
  // A signed-in request reads its person's addresses several times (the directory, the accept's checks):
  // each parse cost about 10 µs, 6% of an accept's server time (bench/README.md, "Accept").
  // Only inputs of an address's length are kept, so a caller's oversized junk cannot fill the memory.
  if (raw.length > MAX_INPUT) return parseCanonical(raw);
  const known = canonicalCache.get(raw);
  if (known !== undefined) return known;
  const email = parseCanonical(raw);
  if (canonicalCache.size >= CANONICAL_CACHE_MAX) canonicalCache.clear();
  canonicalCache.set(raw, email);
  return email;
}

/** Recent results of canonicalEmail (a pure function), by the raw address. */
const canonicalCache = new Map<string, string | null>();
const CANONICAL_CACHE_MAX = 10_000;

function parseCanonical(raw: string): string | null {
  const input = raw.trim();
  if (input.length === 0 || input.length > MAX_INPUT || !isEmail(input, ADDR_SPEC)) return null;
  const at = input.lastIndexOf('@');
  const local = input.slice(0, at);
  const domain = asciiDomain(input.slice(at + 1));
  if (!domain) return null;
  const email = `${local.toLowerCase()}@${domain}`;
  if (email.length > MAX_ADDRESS) return null;
  const parsed = addressparser(email);
  if (parsed.length !== 1 || !('address' in parsed[0]!) || parsed[0].address !== email || parsed[0].name) {
    return null;
  }
  return email;
}

/** Normalises an address for storage and comparison (see canonicalEmail); 422 when it is not valid. */
export function normalizeEmail(raw: string, param = 'email_address'): string {
  const email = canonicalEmail(raw);
  if (email === null) {
    throw invalidParam(
      param,
      `${JSON.stringify(raw)} is not a valid email address`,
      'form_param_format_invalid',
    );
  }
  return email;
}
