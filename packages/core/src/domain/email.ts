import parseAddresses from 'email-addresses';
import addressparser from 'nodemailer/lib/addressparser';
import { toASCII } from 'tr46';
import { invalidParam } from './errors.js';

const MAX_INPUT = 320;
/** RFC 5321: a local part of at most 64 octets, a path of at most 256 (254 without the brackets). */
const MAX_LOCAL = 64;
const MAX_ADDRESS = 254;
/** Printable ASCII: what a local part may hold (the parser has already kept it to a dot-atom). */
const ASCII = /^[\x21-\x7e]+$/;

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

/** The plain addr-spec `local@domain` in `input`, exactly; null for anything else. */
function addrSpec(input: string): { local: string; domain: string } | null {
  // RFC 5322 `mailbox` in strict mode (no obsolete syntax), UTF-8 allowed (RFC 6532) so that IDN domains
  // reach UTS #46. Then only a bare dot-atom@dot-atom is kept: no display name, angle brackets, comments,
  // quoted local part or domain literal. A list (`a@b.c,d`) or a stray `>` does not parse at all.
  const result = parseAddresses({
    input,
    startAt: 'mailbox',
    strict: true,
    rejectTLD: true,
    rfc6532: true,
    oneResult: true,
  }) as unknown as parseAddresses.ParsedMailbox | null;
  if (!result || result.type !== 'mailbox' || result.name !== null || result.parts.comments.length) {
    return null;
  }
  const plain = (node: parseAddresses.ASTNode) => node.children.length === 1 && node.children[0]!.name === 'dot-atom';
  if (!plain(result.parts.local) || !plain(result.parts.domain)) return null;
  if (`${result.local}@${result.domain}` !== input) return null;
  return { local: result.local, domain: result.domain };
}

/**
 * The address in its one stored form, or null when it is not one Invitekit accepts:
 * - a strict RFC 5322 addr-spec, alone: `email-addresses` parses it, nothing but `local@domain`;
 * - the local part is ASCII. A non-ASCII local part (SMTPUTF8) is refused rather than normalised: NFKC
 *   or case folding would make a lookalike (`Kate` written with U+212A KELVIN SIGN) equal to someone
 *   else's address, and few mail systems deliver to one anyway. It is lower-cased (RFC 5321 local parts
 *   are case-sensitive in theory; every mainstream provider and Clerk treat them as case-insensitive);
 * - the domain goes through UTS #46 (`tr46`) to its ASCII form (A-labels, lower case);
 * - nodemailer, which sends the email, must parse the result as exactly this one address.
 * The result is ASCII, so addresses compare as plain strings.
 */
export function canonicalEmail(raw: string): string | null {
  const input = raw.trim();
  if (input.length === 0 || input.length > MAX_INPUT) return null;
  const spec = addrSpec(input);
  if (!spec || spec.local.length > MAX_LOCAL || !ASCII.test(spec.local)) return null;
  const domain = toASCII(spec.domain, UTS46);
  // A dotted name whose last label is not all digits (`a@1.2.3.4` is not a host name).
  if (!domain || !/\.[^.]*[^\d.][^.]*$/.test(domain)) return null;
  const email = `${spec.local.toLowerCase()}@${domain}`;
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
