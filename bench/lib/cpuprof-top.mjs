// Summarises a V8 .cpuprofile (written by `node --cpu-prof`, see BENCH_CPU_PROF in run.sh): where the
// server's main thread spent its time, by function (self time) and by package (self time of all its code).
//
//   node cpuprof-top.mjs <file.cpuprofile>...      (CPUPROF_TOP=N rows per table, default 25)
// Node writes one file per thread: *.0.001.cpuprofile is the main thread; with tsx, another thread runs
// the module loader hooks (busy at startup only).

import { readFileSync } from 'node:fs';

const rows = Number(process.env.CPUPROF_TOP ?? 25);
for (const file of process.argv.slice(2)) {
  console.log(`\n=== ${file}`);
  summarise(JSON.parse(readFileSync(file, 'utf8')));
}

/** node_modules/.pnpm/<pkg>@ver/node_modules/<pkg>/... -> <pkg>; our sources -> packages/<x> etc. */
function owner(url) {
  if (!url) return '(native / V8)';
  const pnpm = url.match(/node_modules\/\.pnpm\/[^/]+\/node_modules\/((?:@[^/]+\/)?[^/]+)/);
  if (pnpm) return pnpm[1];
  const plain = url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
  if (plain) return plain[1];
  const ours = url.match(/\/(packages\/[^/]+|apps\/[^/]+)\//);
  if (ours) return ours[1];
  if (url.startsWith('node:')) return 'node (built-in modules)';
  return url;
}

function summarise(profile) {
  // Sample counts per node, weighted by the time delta that follows each sample.
  const selfUs = new Map();
  profile.samples.forEach((id, i) => {
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i + 1] ?? 0));
  });
  const total = [...selfUs.values()].reduce((a, b) => a + b, 0);

  const byFunction = new Map();
  const byOwner = new Map();
  for (const node of profile.nodes) {
    const us = selfUs.get(node.id) ?? 0;
    if (!us) continue;
    const cf = node.callFrame;
    const where = cf.url
      ? `${cf.url.replace(/^.*node_modules\/\.pnpm\/[^/]+\/node_modules\//, '')}:${cf.lineNumber + 1}`
      : '';
    const key = `${cf.functionName || '(anonymous)'} ${where}`;
    byFunction.set(key, (byFunction.get(key) ?? 0) + us);
    const o = ['(idle)', '(program)', '(garbage collector)'].includes(cf.functionName)
      ? cf.functionName
      : owner(cf.url);
    byOwner.set(o, (byOwner.get(o) ?? 0) + us);
  }

  const pct = (us) => `${((us / total) * 100).toFixed(1).padStart(5)}%`;
  console.log(`profile: ${(total / 1e6).toFixed(1)} s sampled\n\nby package (self time):`);
  for (const [k, us] of [...byOwner].sort((a, b) => b[1] - a[1]).slice(0, rows))
    console.log(`${pct(us)}  ${k}`);
  console.log('\nby function (self time):');
  for (const [k, us] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, rows))
    console.log(`${pct(us)}  ${k}`);
}
