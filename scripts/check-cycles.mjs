#!/usr/bin/env node
// `npm run check:cycles`: the module import graph of src/, and a failure (exit 1, naming the
// cycle and the lines that make it) when modules depend on each other in a circle.
//
//   node scripts/check-cycles.mjs [--quiet] [--with-tests] [--root DIR] [--allow FILE]
//   node scripts/check-cycles.mjs --self-test     (tests/fixtures/check-cycles-cases.mjs)
//
// Plain Node, no packages. rust-module-graph.mjs reads the sources: the module tree from lib.rs
// (`foo.rs` + `foo/`, `mod.rs`, `#[path]`, inline modules) and every name a file takes from
// another module:
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
// `core::conversation::x` -> `core::metrics` -> `core::conversation` (a cycle between
// `conversation` and `metrics` at the level of core) are all cycles; `conversation` <->
// `conversation::agent` is not. `#[cfg(test)]` modules are left out unless `--with-tests`.
// Known cycles are listed in scripts/check-cycles.allow (see `parseAllowed`).
import { mkdtempSync, mkdirSync, writeFileSync, rmSync, readFileSync, existsSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { tmpdir } from "node:os";
import { fileURLToPath } from "node:url";
import { readTree, edges, isAncestor } from "./rust-module-graph.mjs";

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

// The check must be able to fail: small trees with and without cycles (tests/fixtures/
// check-cycles-cases.mjs), each written to a temporary directory, and what the check must say.
async function selfTest() {
  const { cases } = await import("../tests/fixtures/check-cycles-cases.mjs");
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
  if (args.includes("--self-test")) process.exit((await selfTest()) ? 0 : 1);
  const here = dirname(fileURLToPath(import.meta.url));
  const root = value("--root", join(here, "..", "src"));
  const allowFile = value("--allow", args.includes("--root") ? null : join(here, "check-cycles.allow"));
  const allowed = allowFile && existsSync(allowFile) ? parseAllowed(readFileSync(allowFile, "utf8")) : [];
  const r = report(root, { graph: !args.includes("--quiet"), withTests: args.includes("--with-tests"), allowed });
  console.log(r.text);
  process.exit(r.ok ? 0 : 1);
}
