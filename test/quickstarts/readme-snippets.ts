import { readFileSync } from 'node:fs';

export interface QuickStart {
  /** The packages the README's `npm install` line names, as written. */
  install: string[];
  /** The quick start's one code block, as written. */
  code: string;
  /** `ts` or `tsx`. */
  lang: 'ts' | 'tsx';
}

/**
 * A package README's quick start: the `## Quick start` section up to the next heading, its `npm install`
 * line and its single TypeScript block. Read from the README itself, so what is tested is what people paste.
 */
export function readQuickStart(readmePath: string): QuickStart {
  const text = readFileSync(readmePath, 'utf8');
  const start = text.indexOf('\n## Quick start\n');
  if (start < 0) throw new Error(`${readmePath}: no "## Quick start" section`);
  const rest = text.slice(start + 1);
  const next = rest.slice(3).search(/\n#{2,3} /);
  const section = next < 0 ? rest : rest.slice(0, next + 3);
  const blocks = [...section.matchAll(/^```(\w+)\n([\s\S]*?)^```$/gm)].map((m) => ({
    lang: m[1]!,
    body: m[2]!,
  }));
  const install = blocks
    .filter((b) => b.lang === 'sh')
    .flatMap((b) => b.body.split('\n'))
    .find((line) => line.startsWith('npm install '));
  if (!install) throw new Error(`${readmePath}: the quick start has no "npm install" line`);
  const code = blocks.filter((b) => b.lang === 'ts' || b.lang === 'tsx');
  if (code.length !== 1) {
    throw new Error(
      `${readmePath}: the quick start must hold one complete file, found ${code.length} blocks`,
    );
  }
  return {
    install: install.slice('npm install '.length).trim().split(/\s+/),
    code: code[0]!.body,
    lang: code[0]!.lang as 'ts' | 'tsx',
  };
}
