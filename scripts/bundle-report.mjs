// The wasm bundle's largest contributors: code bytes per function (from the code section) named
// by the name section, grouped by crate. `node scripts/bundle-report.mjs [build/index_bg.wasm]`
// (twiggy 0.7 cannot read this wasm: it predates the features rustc now emits).
import { readFileSync } from 'node:fs';
import zlib from 'node:zlib';

const file = process.argv[2] || 'build/index_bg.wasm';
const buf = readFileSync(file);
let pos = 8;
const leb = () => { let result = 0, shift = 0, b; do { b = buf[pos++]; result += (b & 0x7f) * 2 ** shift; shift += 7; } while (b & 0x80); return result; };
const sections = [];
while (pos < buf.length) {
  const id = buf[pos++];
  const size = leb();
  sections.push({ id, start: pos, size });
  pos += size;
}
let imported = 0;
const names = new Map();
const bodies = [];
for (const s of sections) {
  pos = s.start;
  if (s.id === 2) { // imports: count imported functions (they come first in the index space)
    const n = leb();
    for (let i = 0; i < n; i++) {
      pos += leb(); pos += leb(); // module, field
      const kind = buf[pos++];
      if (kind === 0) { leb(); imported++; } else if (kind === 1) { pos++; const f = leb(); leb(); if (f & 1) leb(); } else if (kind === 2) { const f = leb(); leb(); if (f & 1) leb(); } else if (kind === 3) { pos += 2; } else if (kind === 4) { pos++; leb(); }
    }
  } else if (s.id === 10) {
    const n = leb();
    for (let i = 0; i < n; i++) { const size = leb(); bodies.push(size); pos += size; }
  } else if (s.id === 0) {
    const nameLen = leb();
    const name = buf.toString('utf8', pos, pos + nameLen);
    pos += nameLen;
    if (name !== 'name') continue;
    while (pos < s.start + s.size) {
      const sub = buf[pos++];
      const subSize = leb();
      const end = pos + subSize;
      if (sub === 1) {
        const n = leb();
        for (let i = 0; i < n; i++) { const idx = leb(); const len = leb(); names.set(idx, buf.toString('utf8', pos, pos + len)); pos += len; }
      }
      pos = end;
    }
  }
}
const demangle = (n) => {
  const m = n.match(/^_ZN(.*)E$/);
  if (!m) return n;
  const parts = []; let rest = m[1];
  while (rest.length) { const l = rest.match(/^(\d+)/); if (!l) break; const len = Number(l[1]); parts.push(rest.slice(l[1].length, l[1].length + len)); rest = rest.slice(l[1].length + len); }
  return parts.filter((p) => !/^h[0-9a-f]{16}$/.test(p)).join('::').replace(/\$LT\$/g, '<').replace(/\$GT\$/g, '>').replace(/\$u20\$/g, ' ').replace(/\$RF\$/g, '&').replace(/\.\./g, '::');
};
const fns = bodies.map((size, i) => ({ size, name: demangle(names.get(imported + i) || `func[${imported + i}]`) }));
const crateOf = (n) => { const m = n.match(/^<?&?(?:dyn )?([A-Za-z_][A-Za-z0-9_]*)::/); return m ? m[1] : '(other)'; };
const byCrate = new Map();
for (const f of fns) byCrate.set(crateOf(f.name), (byCrate.get(crateOf(f.name)) || 0) + f.size);
const code = bodies.reduce((a, b) => a + b, 0);
console.log(`${file}: ${buf.length} bytes, ${zlib.gzipSync(buf, { level: 9 }).length} gzip; code ${code} bytes in ${bodies.length} functions`);
console.log('largest crates by code bytes:');
for (const [c, size] of [...byCrate].sort((a, b) => b[1] - a[1]).slice(0, 10)) console.log(`  ${String(size).padStart(8)}  ${(100 * size / code).toFixed(1).padStart(5)}%  ${c}`);
console.log('largest functions:');
for (const f of fns.sort((a, b) => b.size - a.size).slice(0, 10)) console.log(`  ${String(f.size).padStart(8)}  ${f.name.slice(0, 110)}`);
