// The module graph of a Rust crate's sources, read as text (for scripts/check-cycles.mjs; no
// packages, no compiler): a small lexer (comments and the contents of literals blanked), the
// module tree walked from lib.rs along `mod` declarations (`foo.rs` + `foo/`, `mod.rs`, `#[path]`,
// inline `mod x { .. }`, `#[cfg(test)]` marked), and every reference from one file to a module
// of another file: `use` trees (grouped, `self`, aliases, globs), `crate::`/`super::`/`self::`
// paths in code and paths that start at a module in scope, and names taken through an ancestor's
// glob (`use super::*`) traced to where the ancestor got them.
import { readFileSync, existsSync } from "node:fs";
import { dirname, join, relative, basename } from "node:path";

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

export function isAncestor(a, b) {
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
