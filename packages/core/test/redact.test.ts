import { describe, expect, it } from 'vitest';
import { newId } from '../src/domain/ids.js';
import { holdsToken, redactError, redactTokens } from '../src/domain/redact.js';
import { issueToken } from '../src/domain/tokens.js';

describe('token redaction', () => {
  const { token } = issueToken(newId('organizationInvitation'));
  const secret = token.split('.')[1]!;

  it('removes the secret of a token, bare, in a link, and URL-encoded', () => {
    for (const text of [
      `token ${token} here`,
      `https://app.example.com/accept?invitation_token=${token}&x=1`,
      `"link":"https://a.example/x?invitation_token=${encodeURIComponent(token)}"`,
      `next=${encodeURIComponent(`https://a.example/x?invitation_token=${token}`)}`,
    ]) {
      const redacted = redactTokens(text);
      expect(redacted).not.toContain(secret);
      expect(redacted).toContain('[redacted]');
    }
    expect(redactTokens('nothing to hide: user_01ABC.txt')).toBe('nothing to hide: user_01ABC.txt');
  });

  it('removes the secret of a join token, bare, in a join link, and URL-encoded', () => {
    const join = issueToken(newId('joinLink')).token;
    const joinSecret = join.split('.')[1]!;
    for (const text of [
      `token ${join} here`,
      `https://app.example.com/join?join_token=${join}&x=1`,
      `"url":"https://a.example/x?join_token=${encodeURIComponent(join)}"`,
      `next=${encodeURIComponent(`https://a.example/x?JOIN_TOKEN=${join}`)}`,
    ]) {
      const redacted = redactTokens(text);
      expect(redacted).not.toContain(joinSecret);
      expect(redacted).toContain('[redacted]');
      expect(holdsToken(text)).toBe(true);
      expect(holdsToken(redacted)).toBe(false);
    }
    // The join link's id stays, to tell which link it was; a join link use's id is not a token.
    expect(redactTokens(`token ${join}`)).toBe(`token ${join.split('.')[0]}.[redacted]`);
    const use = `${newId('joinLinkUse')}.abcdefghijklmnopqrstuvwxyz`;
    expect(redactTokens(use)).toBe(use);
  });

  it('redacts an error in place: message, stack, own properties and cause', () => {
    const cause = new Error(`inner ${token}`);
    const err = Object.assign(new Error(`outer ${token}`, { cause }), {
      params: [`{"link":"?invitation_token=${token}"}`],
    });
    expect(redactError(err)).toBe(err);
    expect(JSON.stringify([err.message, err.stack, err.params, cause.message, cause.stack])).not.toContain(
      secret,
    );
  });
});
