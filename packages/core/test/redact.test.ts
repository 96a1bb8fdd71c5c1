import { describe, expect, it } from 'vitest';
import { newId } from '../src/domain/ids.js';
import { redactError, redactTokens } from '../src/domain/redact.js';
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
