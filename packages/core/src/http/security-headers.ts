/**
 * Headers on every response core makes (success and error alike, so every adapter sends them). The API
 * answers JSON that nothing should render, frame or sniff: a CSP that allows nothing and no framing,
 * `nosniff`, and no Referer sent onward from anything that carries a token (an accept link's preview, a
 * created invitation's `url`). HTML pages (the standalone server's) send their own, fuller CSP.
 */
export const securityHeaders: Readonly<Record<string, string>> = Object.freeze({
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
});
