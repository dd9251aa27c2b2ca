#!/usr/bin/env node
// `npm run check:cycles`: the module import graph of src/, and a failure (exit 1, naming the
// cycle and the lines that make it) when modules depend on each other in a circle.
//
//   node scripts/check-cycles.mjs [--graph] [--quiet] [--root DIR] [--self-test]
//
// Plain Node, no packages: a small Rust lexer (comments and string literals blanked), the module
// tree walked from lib.rs along `mod` declarations (`foo.rs` + `foo/`, `mod.rs`, `#[path]`,
// inline `mod x { .. }`), and every name a file takes from another module:
//   - `use` trees: `use crate::a::b::X`, `use super::x`, grouped `use crate::core::{a, b::c}`,
//     `self`, aliases, globs;
//   - paths in code: `crate::a::b::f()`, `super::limits::MAX`, `self::x::Y`, and paths that start
//     at a module in scope (a child module, or one imported by name);
//   - names taken through a glob of an ancestor (`use super::*`): each identifier the file uses
//     that the ancestor has is traced to where the ancestor got it (defined there, or imported
//     from a sibling), so siblings that use each other through their parent are seen.
// Not seen (no type information): method calls and fields (`self.step()`), macros.
//
// Granularity. One node per file (an inline module belongs to its file). Parent <-> child edges
// are NOT counted: a parent declares and re-exports its children and a child uses its parent
// (`use super::*`); that is Rust's module tree, not a layering fault. What is checked is every
// level of the tree: for each module, its children (each child standing for its whole subtree)
// must form a graph without cycles. So `config` <-> `twilio` (siblings in core),
// `conversation/agent.rs` <-> `conversation/limits.rs` (siblings through their parent) and
// `core::conversation::x` -> `core::metrics` -> `core::conversation` (a cycle between `conversation`
// and `metrics` at the level of core) are all cycles; `conversation` <-> `conversation::agent` is
// not.
import { readFileSync, existsSync, mkdtempSync, mkdirSync, writeFileSync, rmSync } from "node:fs";
import { dirname, join, relative, basename } from "node:path";
import { tmpdir } from "node:os";
import { fileURLToPath } from "node:url";

const KEYWORDS = new Set(
  ("as async await break const continue crate dyn else enum extern false fn for if impl in let loop " +
    "match mod move mut pub ref return self Self static struct super trait true type unsafe use where " +
    "while union macro_rules")
    .split(" "),
);

// Comments and the contents of string and char literals become spaces (newlines kept), so that
// offsets and line numbers stay those of the file and nothing inside a literal looks like code.
export function blank(src) {
  const out = src.split("");
  const n = src.length;
  const wipe = (a, b) => {
    for (let k = a; k < b; k++) if (out[k] !== "\n") out[k] = " ";
  };
  const identChar = (c) => c !== undefined && /[A-Za-z0-9_]/.test(c);
  let i = 0;
  while (i < n) {
    const c = src[i];
    const d = src[i + 1];
    if (c === "/" && d === "/") {
      let j = i;
      while (j < n && src[j] !== "\n") j++;
      wipe(i, j);
      i = j;
    } else if (c === "/" && d === "*") {
      let depth = 1;
      let j = i + 2;
      while (j < n && depth > 0) {
        if (src[j] === "/" && src[j + 1] === "*") (depth++, (j += 2));
        else if (src[j] === "*" && src[j + 1] === "/") (depth--, (j += 2));
        else j++;
      }
      wipe(i, j);
      i = j;
    } else if (
      (c === "r" || (c === "b" && d === "r")) &&
      !identChar(src[i - 1]) &&
      /^b?r#*"/.test(src.slice(i, i + 260))
    ) {
      const m = /^b?r(#*)"/.exec(src.slice(i, i + 260));
      const close = '"' + m[1];
      const start = i + m[0].length;
      const end = src.indexOf(close, start);
      const stop = end < 0 ? n : end;
      wipe(start, stop);
      i = stop + close.length;
    } else if (c === '"' || (c === "b" && d === '"' && !identChar(src[i - 1]))) {
      let j = c === '"' ? i + 1 : i + 2;
      const start = j;
      while (j < n && src[j] !== '"') j += src[j] === "\\" ? 2 : 1;
      wipe(start, j);
      i = j + 1;
    } else if (c === "'" || (c === "b" && d === "'" && !identChar(src[i - 1]))) {
      const q = c === "'" ? i : i + 1;
      // A char literal ('a', '\n', '\u{1F600}', b'x'), not a lifetime ('a, 'static).
      const m = /^'(\\u\{[0-9A-Fa-f]+\}|\\.|[^\\'\n]|[\uD800-\uDBFF][\uDC00-\uDFFF])'/.exec(
        src.slice(q, q + 14),
      );
      if (m) {
        wipe(q + 1, q + m[0].length - 1);
        i = q + m[0].length;
      } else i = q + 1;
    } else i++;
  }
  return out.join("");
}

// Tokens: identifiers, `::`, and single punctuation characters; each with its line.
function tokenize(text) {
  const tokens = [];
  // A lifetime ('a, 'static) is one token, so that `&'static str` does not read as `static str`.
  const re = /'[A-Za-z_][A-Za-z0-9_]*|(r#)?[A-Za-z_][A-Za-z0-9_]*|::|"|\S/g;
  let line = 1;
  let last = 0;
  for (let m; (m = re.exec(text)); ) {
    for (let k = last; k < m.index; k++) if (text[k] === "\n") line++;
    last = m.index;
    const t = m[0].startsWith("r#") ? m[0].slice(2) : m[0];
    tokens.push({ t, line, at: m.index, ident: /^[A-Za-z_]/.test(t) });
  }
  return tokens;
}

// One module of the tree (a file, or an inline module in a file).
function newModule(path, file, parent) {
  return {
    path, // "crate::core::config"
    file, // the file it is written in (the graph's node)
    parent, // module path, or null for the crate
    children: new Map(), // name -> module path
    items: new Set(), // names defined here
    imports: new Map(), // name -> { segs, line }   (`use a::b::C as D` -> D: [a, b, C])
    globs: [], // { segs, line }
    paths: [], // { segs, line, text } paths in code
    idents: [], // { name, line } identifiers that may come from a glob
  };
}

// Reads one file into its module (and its inline modules), and returns the `mod x;` it declares.
function parseFile(mods, modPath, file, src) {
  const text = blank(src);
  const tokens = tokenize(text);
  const declared = []; // { name, mod, pathAttr, fromInline }
  const scopes = [{ mod: mods.get(modPath), depth: 0, inline: false }];
  let depth = 0;
  let pendingPath = null;
  const at = (k) => tokens[k] || { t: "" };
  const cur = () => scopes[scopes.length - 1];

  // Parses a `use` tree starting at token k with the path prefix so far; returns the next index.
  const parseTree = (k, prefix, emit) => {
    const segs = [...prefix];
    if (at(k).t === "::") k++;
    while (at(k).ident && at(k).t !== "as") {
      segs.push(at(k).t);
      k++;
      if (at(k).t === "::") k++;
      else break;
    }
    if (at(k).t === "*") return (emit({ segs, glob: true, line: at(k).line }), k + 1);
    if (at(k).t === "{") {
      k++;
      while (at(k).t !== "}" && k < tokens.length) {
        k = parseTree(k, segs, emit);
        if (at(k).t === ",") k++;
      }
      return k + 1;
    }
    let alias = segs[segs.length - 1];
    if (alias === "self") {
      segs.pop();
      alias = segs[segs.length - 1];
    }
    if (at(k).t === "as") {
      alias = at(k + 1).t;
      k += 2;
    }
    if (segs.length) emit({ segs, alias, line: at(k - 1).line });
    return k;
  };

  for (let k = 0; k < tokens.length; k++) {
    const tok = tokens[k];
    const t = tok.t;
    const prev = at(k - 1).t;
    if (t === "{") {
      depth++;
      continue;
    }
    if (t === "}") {
      depth--;
      if (cur().inline && depth === cur().depth - 1) scopes.pop();
      continue;
    }
    if (t === "#" && at(k + 1).t === "[" && at(k + 2).t === "path" && at(k + 3).t === "=") {
      const q = at(k + 4);
      const close = text.indexOf('"', q.at + 1);
      pendingPath = src.slice(q.at + 1, close);
      continue;
    }
    const scope = cur();
    const mod = scope.mod;
    const atModuleLevel = depth === scope.depth;
    if (t === "mod" && at(k + 1).ident && (at(k + 2).t === ";" || at(k + 2).t === "{")) {
      const name = at(k + 1).t;
      const childPath = `${mod.path}::${name}`;
      mod.children.set(name, childPath);
      mod.items.add(name);
      const test = mod.test || cfgTest(tokens, k);
      if (at(k + 2).t === "{") {
        mods.set(childPath, { ...newModule(childPath, file, mod.path), test });
        depth++;
        scopes.push({ mod: mods.get(childPath), depth, inline: true });
        k += 2;
      } else {
        declared.push({ name, mod: childPath, pathAttr: pendingPath, inlineDirs: inlineDirs(scopes), test });
        k += 2;
      }
      pendingPath = null;
      continue;
    }
    if (t === "use" && at(k + 1).t !== "<") {
      let j = parseTree(k + 1, [], (u) =>
        u.glob ? mod.globs.push(u) : mod.imports.set(u.alias, { segs: u.segs, line: u.line }),
      );
      while (at(j).t !== ";" && j < tokens.length) j++;
      k = j;
      continue;
    }
    if (
      atModuleLevel &&
      /^(fn|struct|enum|trait|type|const|static|union)$/.test(t) &&
      at(k + 1).ident &&
      prev !== "::" &&
      !(t === "const" && at(k + 1).t === "fn")
    ) {
      mod.items.add(at(k + 1).t);
      k++;
      continue;
    }
    if (!tok.ident || prev === "::" || prev === ".") continue;
    // A path in code: `crate::…`, `super::…`, `self::…`, or one that starts at a name in scope.
    if (at(k + 1).t === "::" && at(k + 2).ident) {
      const segs = [t];
      let j = k + 1;
      while (at(j).t === "::" && at(j + 1).ident) {
        segs.push(at(j + 1).t);
        j += 2;
      }
      mod.paths.push({ segs, line: tok.line });
      if (t !== "crate" && t !== "super" && t !== "self") mod.idents.push({ name: t, line: tok.line, head: true });
      k = j - 1;
      continue;
    }
    if (KEYWORDS.has(t) || at(k + 1).t === "!") continue;
    if (at(k + 1).t === ":" && at(k + 2).t !== ":") continue; // a field: `name: value`
    mod.idents.push({ name: t, line: tok.line });
  }
  return declared;
}

// Whether the item whose keyword is at token k carries `#[cfg(test)]` (among its attributes,
// before its visibility).
function cfgTest(tokens, k) {
  let j = k - 1;
  if (tokens[j]?.t === ")") {
    while (j > 0 && tokens[j].t !== "(") j--;
    j--;
  }
  if (tokens[j]?.t === "pub") j--;
  while (tokens[j]?.t === "]") {
    let d = 0;
    let i = j;
    for (; i >= 0; i--) {
      if (tokens[i].t === "]") d++;
      else if (tokens[i].t === "[" && --d === 0) break;
    }
    const attr = tokens.slice(i + 1, j).map((x) => x.t).join("");
    if (attr === "cfg(test)") return true;
    j = i - 2; // before `#[`
  }
  return false;
}

// The directories that inline modules add to a `mod x;` inside them (`mod a { mod b; }` -> a/b.rs).
function inlineDirs(scopes) {
  return scopes.filter((s) => s.inline).map((s) => s.mod.path.split("::").pop());
}

// Walks the module tree from lib.rs (and main.rs), reading every file it reaches.
export function readTree(root) {
  const mods = new Map();
  const files = new Map(); // file -> module path
  const missing = [];
  const visit = (file, modPath, parent, ownsDir, test = false) => {
    mods.set(modPath, { ...newModule(modPath, file, parent), test });
    files.set(file, modPath);
    const declared = parseFile(mods, modPath, file, readFileSync(file, "utf8"));
    // Children of `foo.rs` live in `foo/`; of `mod.rs` or `lib.rs`, next to it.
    const dir = ownsDir ? dirname(file) : join(dirname(file), basename(file, ".rs"));
    for (const d of declared) {
      const base = join(dir, ...d.inlineDirs);
      const candidates = d.pathAttr
        ? [join(d.inlineDirs.length ? base : dirname(file), d.pathAttr)]
        : [join(base, `${d.name}.rs`), join(base, d.name, "mod.rs")];
      const found = candidates.find((f) => existsSync(f));
      if (!found) {
        missing.push(`${relative(root, file)}: mod ${d.name}`);
        continue;
      }
      const own = basename(found) === "mod.rs" || Boolean(d.pathAttr);
      visit(found, d.mod, mods.get(d.mod.split("::").slice(0, -1).join("::")).path, own, d.test);
    }
  };
  for (const top of ["lib.rs", "main.rs"]) {
    const f = join(root, top);
    if (existsSync(f)) visit(f, "crate", null, true);
  }
  return { mods, files, missing };
}

function isAncestor(a, b) {
  return b.startsWith(a + "::");
}

// Resolves a path's leading segments to a module of this crate: { mod, rest }, or null when it is
// another crate's (std, serde, worker, …) or a local item (an enum's variant, a type's function).
function resolve(mods, from, segs, seen = new Set()) {
  let m;
  let k = 0;
  const first = segs[0];
  const scope = mods.get(from);
  if (first === "crate") (m = "crate"), (k = 1);
  else if (first === "self") (m = from), (k = 1);
  else if (first === "super") {
    m = from;
    while (segs[k] === "super" && m) (m = mods.get(m).parent), k++;
    if (!m) return null; // above the crate: not a path of this crate
  } else if (scope.children.has(first)) (m = scope.children.get(first)), (k = 1);
  else if (scope.imports.has(first)) {
    const key = `${from}|${first}`;
    if (seen.has(key)) return null;
    seen.add(key);
    const r = resolve(mods, from, scope.imports.get(first).segs, seen);
    if (!r || r.rest.length) return null; // the name is an item, not a module
    (m = r.mod), (k = 1);
  } else return null;
  while (k < segs.length) {
    const here = mods.get(m);
    if (!here) return null;
    if (here.children.has(segs[k])) (m = here.children.get(segs[k])), k++;
    else if (here.imports.has(segs[k]) && !seen.has(`${m}|${segs[k]}`)) {
      seen.add(`${m}|${segs[k]}`);
      const r = resolve(mods, m, here.imports.get(segs[k]).segs, seen);
      if (!r || r.rest.length) break;
      (m = r.mod), k++;
    } else break;
  }
  return { mod: m, rest: segs.slice(k) };
}

// Where module `m` got `name`: the module that defines it (following its imports and globs), or
// null when it is not this crate's.
function origin(mods, m, name, seen = new Set()) {
  const key = `${m}|${name}`;
  if (seen.has(key)) return null;
  seen.add(key);
  const here = mods.get(m);
  if (here.children.has(name)) return here.children.get(name);
  if (here.items.has(name)) return m;
  if (here.imports.has(name)) {
    const r = resolve(mods, m, here.imports.get(name).segs, seen);
    if (!r) return null;
    return r.rest.length ? origin(mods, r.mod, r.rest[0], seen) || r.mod : r.mod;
  }
  for (const g of here.globs) {
    const r = resolve(mods, m, g.segs);
    if (r && !r.rest.length) {
      const o = origin(mods, r.mod, name, seen);
      if (o) return o;
    }
  }
  return null;
}

// Every reference from one file to a module of another file: { from, to, line, what }.
export function edges(tree) {
  const { mods } = tree;
  const out = [];
  const fileOf = (m) => mods.get(m).file;
  for (const [path, mod] of mods) {
    const add = (to, line, what) => {
      if (to && fileOf(to) !== mod.file)
        out.push({ from: mod.file, to: fileOf(to), fromMod: path, toMod: to, line, what, test: mod.test });
    };
    // A name taken from an ancestor is followed to where the ancestor got it.
    const target = (r) =>
      r.rest.length && (isAncestor(r.mod, path) || r.mod === path) ? origin(mods, r.mod, r.rest[0]) : r.mod;
    for (const [alias, u] of mod.imports) {
      const r = resolve(mods, path, u.segs);
      if (r) add(target(r), u.line, `use ${u.segs.join("::")}${alias !== u.segs.at(-1) ? ` as ${alias}` : ""}`);
    }
    for (const p of mod.paths) {
      if (!["crate", "super", "self"].includes(p.segs[0]) && !mod.children.has(p.segs[0]) && !mod.imports.has(p.segs[0])) continue;
      const r = resolve(mods, path, p.segs);
      if (r) add(target(r), p.line, p.segs.join("::"));
    }
    const globbed = [];
    for (const g of mod.globs) {
      const r = resolve(mods, path, g.segs);
      if (!r || r.rest.length) continue;
      if (isAncestor(r.mod, path) || r.mod === path) globbed.push(r.mod);
      else add(r.mod, g.line, `use ${g.segs.join("::")}::*`);
    }
    if (!globbed.length) continue;
    const seen = new Set();
    for (const id of mod.idents) {
      if (mod.items.has(id.name) || mod.imports.has(id.name) || seen.has(id.name)) continue;
      for (const g of globbed) {
        const o = origin(mods, g, id.name);
        // A module name only names the module at the head of a path (`message::x`, not `message`).
        const isModule = o && mods.get(o).path.split("::").pop() === id.name && mods.get(o).file !== mods.get(g).file;
        if (o && o !== g && (id.head || !isModule)) {
          seen.add(id.name);
          add(o, id.line, `${id.name} (through use ${g === path ? "self" : "super"}::*)`);
          break;
        }
      }
    }
  }
  return out;
}

// Tarjan's strongly connected components; returns those with more than one node.
function cycles(nodes, adj) {
  let index = 0;
  const idx = new Map();
  const low = new Map();
  const stack = [];
  const on = new Set();
  const found = [];
  const strong = (v) => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of adj.get(v) || []) {
      if (!idx.has(w)) (strong(w), low.set(v, Math.min(low.get(v), low.get(w))));
      else if (on.has(w)) low.set(v, Math.min(low.get(v), idx.get(w)));
    }
    if (low.get(v) === idx.get(v)) {
      const c = [];
      let w;
      do (w = stack.pop()), on.delete(w), c.push(w);
      while (w !== v);
      if (c.length > 1) found.push(c.reverse());
    }
  };
  for (const v of nodes) if (!idx.has(v)) strong(v);
  return found;
}

// The children of `parent` that contain module `m` (itself or an ancestor of it), or null.
function childUnder(parent, m) {
  if (!isAncestor(parent, m)) return null;
  return parent + "::" + m.slice(parent.length + 2).split("::")[0];
}

// The graph at every level of the tree, and its cycles. Test modules (`#[cfg(test)] mod …`,
// inline or in a file, and what they contain) are left out unless `withTests`: nothing depends
// on them, so they sit above every layer (as `cargo modules dependencies` leaves them out
// without `--cfg-test`).
export function analyse(root, { withTests = false } = {}) {
  const tree = readTree(root);
  const all = edges(tree).filter((e) => withTests || !e.test);
  const { mods } = tree;
  const levels = [];
  const parents = [...mods.values()].filter(
    (m) => m.children.size && tree.files.get(m.file) === m.path && (withTests || !m.test),
  );
  for (const p of parents) {
    // Children that are files (an inline module belongs to its file).
    const kids = [...p.children.values()].filter(
      (c) => mods.has(c) && mods.get(c).file !== p.file && (withTests || !mods.get(c).test),
    );
    if (!kids.length) continue;
    const adj = new Map(kids.map((k) => [k, new Set()]));
    const why = new Map();
    for (const e of all) {
      const a = childUnder(p.path, tree.files.get(e.from));
      const b = childUnder(p.path, tree.files.get(e.to));
      if (!a || !b || a === b || !adj.has(a) || !adj.has(b)) continue;
      adj.get(a).add(b);
      const key = `${a}>${b}`;
      if (!why.has(key)) why.set(key, []);
      why.get(key).push(e);
    }
    levels.push({ parent: p.path, kids, adj, why, cycles: cycles(kids, adj) });
  }
  return { tree, edges: all, levels };
}

const short = (parent, m) => m.slice(parent.length + 2);

// One real cycle through the component, shortest first, from its first member (a component is
// a set; this is a path to read).
function cyclePath(level, members) {
  const inside = new Set(members);
  const start = members[0];
  const before = new Map([[start, null]]);
  const queue = [start];
  while (queue.length) {
    const v = queue.shift();
    for (const w of [...level.adj.get(v)].sort()) {
      if (w === start) {
        const path = [v];
        for (let u = before.get(v); u; u = before.get(u)) path.unshift(u);
        return [...path, start];
      }
      if (inside.has(w) && !before.has(w)) (before.set(w, v), queue.push(w));
    }
  }
  return [...members, start];
}

// Children ordered lowest first (each after what it uses, where there is no cycle).
function layered(level) {
  const order = [];
  const done = new Set();
  const visit = (v, path) => {
    if (done.has(v) || path.has(v)) return;
    path.add(v);
    for (const w of [...level.adj.get(v)].sort()) visit(w, path);
    path.delete(v);
    done.add(v);
    order.push(v);
  };
  for (const k of [...level.kids].sort()) visit(k, new Set());
  return order;
}

// Known cycles, one a line: `crate::core: conversation stored  # why, and what removes it`.
// A cycle is let through only when an entry names exactly its modules; an entry that matches no
// cycle any more fails the check too (remove it), so the list can only shrink knowingly.
export function parseAllowed(text) {
  return text
    .split("\n")
    .map((line, i) => ({ line: i + 1, body: line.replace(/#.*/, "").trim(), note: (line.match(/#(.*)/) || [])[1]?.trim() }))
    .filter((l) => l.body)
    .map((l) => {
      // The parent is a path (`crate::core`); its members follow the last colon.
      const at = l.body.lastIndexOf(":");
      const [parent, members] = [l.body.slice(0, at).trim(), l.body.slice(at + 1)];
      return { parent, members: members.split(/\s+/).filter(Boolean).sort(), note: l.note, line: l.line };
    });
}

export function report(root, { graph = true, withTests = false, allowed = [] } = {}) {
  const { tree, levels } = analyse(root, { withTests });
  const lines = [];
  const rel = (f) => relative(process.cwd(), f) || ".";
  if (graph) {
    lines.push(
      `Module graph of ${rel(root)}/${withTests ? " with test modules" : ""} (per parent, its children ` +
        `lowest first; "a -> b": a names b; parent <-> child not counted)`,
    );
    for (const l of levels) {
      lines.push(`${l.parent}`);
      for (const k of layered(l)) {
        const deps = [...l.adj.get(k)].map((d) => short(l.parent, d)).sort();
        lines.push(`  ${short(l.parent, k)}${deps.length ? " -> " + deps.join(", ") : ""}`);
      }
    }
  }
  for (const m of tree.missing) lines.push(`ERROR: module file not found: ${m}`);
  const found = levels.flatMap((l) => l.cycles.map((c) => ({ l, c })));
  const used = new Set();
  const failing = [];
  for (const { l, c } of found) {
    const names = c.map((m) => short(l.parent, m));
    const key = [...names].sort().join(" ");
    const path = cyclePath(l, c).map((m) => short(l.parent, m));
    const entry = allowed.find((a) => a.parent === l.parent && a.members.join(" ") === key);
    if (entry) used.add(entry);
    else failing.push({ l, c });
    lines.push(`${entry ? "KNOWN CYCLE (allowed)" : "CYCLE"} in ${l.parent}: ${path.join(" -> ")}`);
    if (names.length > path.length - 1) lines.push(`  all tangled together: ${key.split(" ").join(", ")}`);
    if (entry?.note) lines.push(`  allowed: ${entry.note}`);
    const inCycle = new Set(c);
    for (const a of c)
      for (const b of [...l.adj.get(a)].sort())
        if (inCycle.has(b))
          for (const e of l.why.get(`${a}>${b}`).slice(0, 3))
            lines.push(
              `  ${short(l.parent, a)} -> ${short(l.parent, b)}: ${rel(e.from)}:${e.line} ${e.what}${e.test ? " [test]" : ""}`,
            );
  }
  const stale = allowed.filter((a) => !used.has(a));
  for (const a of stale)
    lines.push(`STALE allowance (line ${a.line}): no cycle is exactly "${a.parent}: ${a.members.join(" ")}" any more: remove or update it`);
  const files = tree.files.size;
  const ok = failing.length === 0 && stale.length === 0 && tree.missing.length === 0;
  lines.push(
    found.length
      ? `${failing.length} import cycle(s) failing, ${found.length - failing.length} known and allowed, in ${rel(root)}/ (${files} files)`
      : `no import cycles in ${rel(root)}/ (${files} files, ${levels.length} parent modules checked${withTests ? ", test modules included" : ""})`,
  );
  return { ok, text: lines.join("\n"), found, failing, stale };
}

// The check must be able to fail: small trees with and without cycles, and what it must say.
function selfTest() {
  const cases = [
    {
      name: "siblings through `use crate::…` (config <-> twilio)",
      files: {
        "lib.rs": "pub mod core;\n",
        "core/mod.rs": "pub mod config;\npub mod twilio;\n",
        "core/config.rs": "use crate::core::twilio::ReplyTexts;\npub struct Config;\n",
        "core/twilio.rs": "pub struct ReplyTexts;\nfn f() { crate::core::config::Config; }\n",
      },
      cycles: ["crate::core: config twilio"],
    },
    {
      name: "grouped imports in the shell (storage <-> usage), not fooled by comments or strings",
      files: {
        "lib.rs": "mod storage;\nmod usage;\nmod other;\n",
        "storage.rs": "use crate::{other, usage::{self, Span}};\n",
        "usage.rs": "// use crate::other; in a comment\nconst S: &str = \"crate::other::X\";\nfn f() { super::storage::get(); }\n",
        "other.rs": "pub fn x() {}\n/* crate::storage::y() */\nconst R: &str = r#\"crate::usage::z\"#;\n",
      },
      cycles: ["crate: storage usage"],
    },
    {
      name: "siblings through their parent's glob (`use super::*`)",
      files: {
        "lib.rs": "mod conv;\n",
        "conv.rs": "mod a;\nmod b;\nuse a::Alpha;\npub use b::*;\npub struct Conv;\n",
        "conv/a.rs": "use super::*;\npub struct Alpha(Beta, Conv);\n",
        "conv/b.rs": "use super::*;\npub struct Beta;\nfn f(x: &Alpha) -> &'static str { \"\" }\n",
      },
      cycles: ["crate::conv: a b"],
    },
    {
      name: "a cycle between subtrees (x::inner -> y, y -> x), mod.rs",
      files: {
        "lib.rs": "mod x;\nmod y;\n",
        "x/mod.rs": "mod inner;\npub fn top() {}\n",
        "x/inner.rs": "pub fn g() { crate::y::h() }\n",
        "y.rs": "pub fn h() { crate::x::top() }\n",
      },
      cycles: ["crate: x y"],
    },
    {
      name: "no cycle: parent <-> child, test modules above everything, a layered chain",
      files: {
        "lib.rs": "pub mod core;\nmod shell;\n",
        "core/mod.rs": "pub mod low;\npub mod high;\npub use high::Top;\n",
        "core/low.rs":
          "pub struct Low;\n#[cfg(test)]\nmod tests {\n    use super::*;\n    use crate::core::high::Top;\n}\n" +
          "#[cfg(test)]\n#[path = \"low_tests.rs\"]\nmod more;\n",
        "core/low_tests.rs": "use crate::core::high::Top;\n",
        "core/high.rs": "use super::low::Low;\npub struct Top(Low);\nfn f() -> char { '}' }\nconst R: &str = r#\"}\"#;\n",
        "shell.rs": "use crate::core::{low::Low, Top};\n",
      },
      cycles: [],
    },
    {
      name: "the same tree with test modules counted (--with-tests)",
      withTests: true,
      files: {
        "lib.rs": "pub mod core;\n",
        "core/mod.rs": "pub mod low;\npub mod high;\n",
        "core/low.rs": "pub struct Low;\n#[cfg(test)]\nmod tests {\n    use crate::core::high::Top;\n}\n",
        "core/high.rs": "use super::low::Low;\npub struct Top(Low);\n",
      },
      cycles: ["crate::core: high low"],
    },
    {
      name: "a known cycle is let through only while it is exactly as allowed",
      allow: "crate::core: twilio config  # until the move\n",
      files: {
        "lib.rs": "pub mod core;\n",
        "core/mod.rs": "pub mod config;\npub mod twilio;\n",
        "core/config.rs": "use crate::core::twilio::ReplyTexts;\npub struct Config;\n",
        "core/twilio.rs": "pub struct ReplyTexts;\nfn f() { crate::core::config::Config; }\n",
      },
      cycles: ["crate::core: config twilio"],
      ok: true,
    },
    {
      name: "a declared module whose file is missing fails (the graph would be incomplete)",
      files: {
        "lib.rs": "mod here;\nmod gone;\n",
        "here.rs": "use super::super::nowhere::X;\nuse crate::gone::Y;\n",
      },
      cycles: [],
      ok: false,
    },
    {
      name: "an allowance that matches no cycle fails (stale)",
      allow: "crate::core: twilio config\n",
      files: {
        "lib.rs": "pub mod core;\n",
        "core/mod.rs": "pub mod config;\npub mod twilio;\n",
        "core/config.rs": "use crate::core::twilio::ReplyTexts;\npub struct Config;\n",
        "core/twilio.rs": "pub struct ReplyTexts;\n",
      },
      cycles: [],
      ok: false,
    },
  ];
  let failed = 0;
  for (const c of cases) {
    const dir = mkdtempSync(join(tmpdir(), "check-cycles-"));
    try {
      for (const [f, body] of Object.entries(c.files)) {
        mkdirSync(dirname(join(dir, f)), { recursive: true });
        writeFileSync(join(dir, f), body);
      }
      const r = report(dir, { graph: false, withTests: c.withTests, allowed: parseAllowed(c.allow || "") });
      // Each cycle as `parent: members` (sorted).
      const got = r.found.map(({ l, c: cyc }) => `${l.parent}: ${cyc.map((m) => short(l.parent, m)).sort().join(" ")}`);
      const sameSet = (a, b) => a.length === b.length && a.every((x) => b.includes(x));
      const expectOk = c.ok ?? c.cycles.length === 0;
      const pass = sameSet(got, c.cycles) && r.ok === expectOk && (expectOk || /CYCLE|STALE|ERROR/.test(r.text));
      console.log(`${pass ? "ok" : "FAILED"}: ${c.name}`);
      if (!pass) console.log(`  expected ${JSON.stringify(c.cycles)} ok=${expectOk}\n  got ${JSON.stringify(got)} ok=${r.ok}\n${r.text}`);
      if (!pass) failed++;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  console.log(failed ? `check-cycles self-test: ${failed} case(s) FAILED` : `check-cycles self-test: ${cases.length} cases ok`);
  return failed === 0;
}

const isMain = process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1];
if (isMain) {
  const args = process.argv.slice(2);
  const value = (flag, fallback) => (args.includes(flag) ? args[args.indexOf(flag) + 1] : fallback);
  if (args.includes("--self-test")) process.exit(selfTest() ? 0 : 1);
  const here = dirname(fileURLToPath(import.meta.url));
  const root = value("--root", join(here, "..", "src"));
  const allowFile = value("--allow", args.includes("--root") ? null : join(here, "check-cycles.allow"));
  const allowed = allowFile && existsSync(allowFile) ? parseAllowed(readFileSync(allowFile, "utf8")) : [];
  const r = report(root, { graph: !args.includes("--quiet"), withTests: args.includes("--with-tests"), allowed });
  console.log(r.text);
  process.exit(r.ok ? 0 : 1);
}
