import { escapeHtml } from '@invitekit/core';

/** Markup that is already safe (built by `html`). */
export class Safe {
  constructor(readonly value: string) {}
  toString() {
    return this.value;
  }
}

type Part = Safe | string | number | null | undefined | false | Part[];

const render = (part: Part): string =>
  part instanceof Safe
    ? part.value
    : Array.isArray(part)
      ? part.map(render).join('')
      : part === null || part === undefined || part === false
        ? ''
        : escapeHtml(part);

/**
 * HTML with every interpolated value escaped (text and attribute values alike, quotes included), except
 * nested `html` fragments. The only way the page builds markup, so nothing reaches it unescaped.
 */
export function html(strings: TemplateStringsArray, ...values: Part[]): Safe {
  let out = strings[0]!;
  values.forEach((value, i) => {
    out += render(value) + strings[i + 1]!;
  });
  return new Safe(out);
}
